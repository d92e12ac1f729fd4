package io.firehosegateway.support;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The hand-written HTTP/1.1 under the fault proxies: it listens on a free loopback port, reads each
 * request off a raw socket, lets the proxy {@linkplain #handle(Request) answer, forward or reset
 * it}, and forwards to the emulator with {@link HttpClient}. An {@linkplain #startOutage() outage}
 * refuses every connection until it ends.
 *
 * <p>Raw sockets on the client side, because resets and refused connections cannot be had
 * otherwise. Request bodies must carry a {@code Content-Length}, as the AWS SDK's always do.
 */
abstract class RawHttpProxy implements AutoCloseable {

    /** The content type of the AWS JSON 1.1 protocol, which Firehose and Kinesis speak. */
    static final String AWS_JSON = "application/x-amz-json-1.1";
    /** Headers {@link HttpClient} sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");
    /** Headers that describe one connection's framing, rewritten by the proxy. */
    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "content-length", "keep-alive", "transfer-encoding");

    static final JsonMapper json = JsonMapper.builder().build();

    private final URI upstream;
    private final int port;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ExecutorService workers;
    /** Connections waiting for their next request: an outage closes them at once. */
    private final Set<Socket> idle = ConcurrentHashMap.newKeySet();

    private volatile boolean outage;
    private ServerSocket server;

    /**
     * Binds a free loopback port in front of {@code upstream}; calls are taken from {@link
     * #startServing()} on.
     *
     * @param threadName the name of the proxy's threads, to tell them apart in a thread dump
     */
    RawHttpProxy(URI upstream, String threadName) throws IOException {
        this.upstream = upstream;
        this.workers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        this.server = listen(0);
        this.port = server.getLocalPort();
    }

    /**
     * Takes calls from now on. Called once the proxy is whole, never from a constructor: the
     * threads it starts see only what was set before they start.
     */
    final void startServing() {
        startAccepting(server);
    }

    /** Answers one request: an answer of the proxy's own, the emulator's, or {@link Answer#RESET}. */
    abstract Answer handle(Request request) throws IOException;

    /** Where clients should send their calls. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Stops listening and closes every connection: new calls are refused until {@link #endOutage()}.
     * Calls being handled are answered first, with {@code Connection: close}, so what they did is
     * known: a call the client was told landed did land.
     */
    public synchronized void startOutage() throws IOException {
        outage = true;
        server.close();
        for (Socket connection : idle) {
            connection.close();
        }
    }

    /** Listens again on the same port. */
    public synchronized void endOutage() throws IOException {
        if (outage) {
            outage = false;
            server = listen(port);
            startAccepting(server);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        startOutage();
        workers.shutdownNow();
    }

    /** Hands the request to the emulator and its answer back, without the hop-by-hop headers. */
    final Answer forward(Request request) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(upstream.resolve(request.target()))
                .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
        for (Map.Entry<String, String> header : request.headers()) {
            if (!RESTRICTED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                builder.header(header.getKey(), header.getValue());
            }
        }
        HttpResponse<byte[]> response;
        try {
            response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forwarding", e);
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> headers.add(Map.entry(name, value)));
            }
        });
        return new Answer(response.statusCode(), headers, response.body());
    }

    /** A whole-call error of the AWS JSON 1.1 protocol, as Firehose and Kinesis answer one. */
    static Answer error(int status, String type, String message) {
        ObjectNode body = json.createObjectNode().put("__type", type).put("message", message);
        return Answer.json(status, type, json.writeValueAsBytes(body));
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        // Rebinding the port after an outage must not wait for old connections' TIME_WAIT.
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        return socket;
    }

    private void startAccepting(ServerSocket listening) {
        workers.execute(() -> {
            while (!listening.isClosed()) {
                try {
                    Socket connection = listening.accept();
                    workers.execute(() -> serve(connection));
                } catch (IOException e) {
                    return; // closed: an outage or the end
                }
            }
        });
    }

    private void serve(Socket connection) {
        try (connection) {
            InputStream in = new BufferedInputStream(connection.getInputStream());
            OutputStream out = new BufferedOutputStream(connection.getOutputStream());
            while (!outage) {
                idle.add(connection);
                if (outage) {
                    return; // began while this connection was being registered
                }
                Request request = Request.read(in);
                idle.remove(connection);
                if (request == null) {
                    return;
                }
                Answer answer = handle(request);
                if (answer == Answer.RESET) {
                    // Linger 0 makes close() send RST instead of FIN: the client sees "connection reset".
                    connection.setSoLinger(true, 0);
                    return;
                }
                answer.writeTo(out, outage);
            }
        } catch (IOException e) {
            // The client went away, or an outage closed the connection: there is no one to answer.
        } finally {
            idle.remove(connection);
        }
    }

    /** A request as read off the client's connection. */
    record Request(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {

        /** Reads the next request; null when the client closed the connection between requests. */
        static Request read(InputStream in) throws IOException {
            String requestLine = readLine(in);
            if (requestLine == null) {
                return null;
            }
            String[] parts = requestLine.split(" ");
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                headers.add(Map.entry(
                        line.substring(0, colon).trim(),
                        line.substring(colon + 1).trim()));
            }
            Request head = new Request(parts[0], parts[1], headers, new byte[0]);
            if (head.header("Transfer-Encoding") != null) {
                throw new IOException("chunked request bodies are not supported");
            }
            String length = head.header("Content-Length");
            int size = length == null ? 0 : Integer.parseInt(length);
            byte[] body = in.readNBytes(size);
            if (body.length < size) {
                throw new EOFException("the request body ended early");
            }
            return head.withBody(body);
        }

        /** A line without its CRLF; null at the end of the stream before any byte. */
        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (b != '\r') {
                    line.write(b);
                }
            }
            if (b == -1) {
                if (line.size() == 0) {
                    return null;
                }
                throw new EOFException("the connection closed within a line");
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }

        String header(String name) {
            for (Map.Entry<String, String> header : headers) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    return header.getValue();
                }
            }
            return null;
        }

        Request withBody(byte[] body) {
            return new Request(method, target, headers, body);
        }
    }

    /** An answer to write back to the client. */
    record Answer(int status, List<Map.Entry<String, String>> headers, byte[] body) {

        /** Not an answer: the connection is to be reset instead. */
        static final Answer RESET = new Answer(0, List.of(), new byte[0]);

        /** An AWS JSON 1.1 answer; {@code errorType} names the error for the SDK, or is null on success. */
        static Answer json(int status, String errorType, byte[] body) {
            return json(status, errorType, body, AWS_JSON);
        }

        /** An AWS JSON answer of the given JSON protocol version's content type. */
        static Answer json(int status, String errorType, byte[] body, String contentType) {
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            headers.add(Map.entry("Content-Type", contentType));
            headers.add(Map.entry("x-amzn-RequestId", UUID.randomUUID().toString()));
            if (errorType != null) {
                headers.add(Map.entry("x-amzn-ErrorType", errorType));
            }
            return new Answer(status, headers, body);
        }

        /** Writes the answer; {@code last} tells the client the connection closes after it. */
        void writeTo(OutputStream out, boolean last) throws IOException {
            StringBuilder head = new StringBuilder("HTTP/1.1 ")
                    .append(status)
                    .append(' ')
                    .append(reason(status))
                    .append("\r\n");
            for (Map.Entry<String, String> header : headers) {
                head.append(header.getKey())
                        .append(": ")
                        .append(header.getValue())
                        .append("\r\n");
            }
            if (last) {
                // Else the client may pool the connection and send its next call into the closed socket.
                head.append("Connection: close\r\n");
            }
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        }

        private static String reason(int status) {
            return switch (status) {
                case 200 -> "OK";
                case 400 -> "Bad Request";
                case 500 -> "Internal Server Error";
                case 503 -> "Service Unavailable";
                default -> "Status " + status;
            };
        }
    }
}
