package io.firehosegateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An upload over a raw socket, for what an HTTP client library will not do: declare a body and then
 * send only part of it, or send it a byte at a time.
 */
public final class RawHttpUpload implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RawHttpUpload(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    /** Opens a connection and sends the request line and headers of a POST whose body is to follow. */
    public static RawHttpUpload start(int port, String path, long contentLength, String... headers) {
        try {
            RawHttpUpload upload = new RawHttpUpload(new Socket("127.0.0.1", port));
            StringBuilder head = new StringBuilder()
                    .append("POST ")
                    .append(path)
                    .append(" HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ")
                    .append(contentLength)
                    .append("\r\n");
            for (int i = 0; i + 1 < headers.length; i += 2) {
                head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            head.append("\r\n");
            upload.out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            upload.out.flush();
            return upload;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends part of the body; false once the server stopped taking it. */
    public boolean send(String part) {
        try {
            out.write(part.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the server has started to answer (without waiting for it). */
    public boolean answered() {
        try {
            return in.available() > 0;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * The answer's status line and whatever followed it until the server closed the connection or
     * {@code wait} passed without a byte; empty if none came.
     */
    public String answer(Duration wait) {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try {
            socket.setSoTimeout((int) wait.toMillis());
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                answer.write(buffer, 0, n);
                socket.setSoTimeout(500);
            }
        } catch (SocketTimeoutException e) {
            // Nothing more came within the wait: what arrived is the answer.
        } catch (IOException e) {
            // A reset after the answer: what arrived is the answer.
        }
        return answer.toString(StandardCharsets.UTF_8);
    }

    /** The status code of an answer, or -1 when there was none. */
    public static int status(String answer) {
        if (!answer.startsWith("HTTP/1.1 ")) {
            return -1;
        }
        return Integer.parseInt(answer.substring(9, 12));
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a socket the server already closed.
        }
    }
}
