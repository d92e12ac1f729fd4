package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.firehosegateway.sink.FailureKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * A host whose clock is an hour behind AWS's, against a service that refuses a request signed more
 * than 5 minutes from its own clock, as AWS does: the refusal is transient, and the SDK, its retries
 * off, still corrects its signing clock from the answer, so the pipeline's resend is taken.
 */
class SqsClockSkewTests {

    private static final Duration SERVICE_AHEAD = Duration.ofHours(1);
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private final List<Instant> signedAt = new CopyOnWriteArrayList<>();
    private ServerSocket server;
    private SqsAsyncClient client;
    private int offsetBefore;

    /**
     * A service on a raw socket, one request a connection: a JDK {@code HttpServer} writes its own
     * {@code Date}, and the SDK learns the service's clock from that header.
     */
    private void start(String refusalCode) throws IOException {
        offsetBefore = SdkGlobalTime.getGlobalTimeOffset();
        SdkGlobalTime.setGlobalTimeOffset(0);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    answer(socket, refusalCode);
                } catch (IOException e) {
                    // Closed at the test's end, or a client that went away: the test's assertions tell.
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        client = SqsTestClients.client(URI.create("http://localhost:" + server.getLocalPort()));
    }

    private void answer(Socket socket, String refusalCode) throws IOException {
        BufferedReader in =
                new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        String amzDate = null;
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            String name = line.substring(0, Math.max(0, line.indexOf(':'))).trim();
            String value = line.substring(line.indexOf(':') + 1).trim();
            if (name.equalsIgnoreCase("X-Amz-Date")) {
                amzDate = value;
            } else if (name.equalsIgnoreCase("Content-Length")) {
                length = Integer.parseInt(value);
            }
        }
        in.skip(length);
        Instant now = Instant.now().plus(SERVICE_AHEAD);
        Instant signed = AMZ_DATE.parse(amzDate, Instant::from);
        signedAt.add(signed);
        boolean skewed = Duration.between(signed, now).abs().compareTo(Duration.ofMinutes(5)) > 0;
        byte[] body = (skewed
                        ? "{\"__type\":\"" + refusalCode + "\",\"message\":\"Signature expired: "
                                + AMZ_DATE.format(signed) + " is now earlier than " + AMZ_DATE.format(now) + "\"}"
                        : "{\"QueueUrl\":\"http://localhost/123456789012/orders\"}")
                .getBytes(StandardCharsets.UTF_8);
        String head = (skewed
                        ? "HTTP/1.1 400 Bad Request\r\nx-amzn-ErrorType: " + refusalCode + "\r\n"
                        : "HTTP/1.1 200 OK\r\n")
                + "Date: " + HTTP_DATE.format(now) + "\r\n"
                + "Content-Type: application/x-amz-json-1.0\r\n"
                + "Connection: close\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** The SDK keeps the offset it learnt for every client it builds later: other tests must not inherit it. */
    @AfterEach
    void stop() throws IOException {
        SdkGlobalTime.setGlobalTimeOffset(offsetBefore);
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aSignatureRefusedForClockSkewIsTransientAndTheResendIsSignedByTheServicesClock() throws Exception {
        start("InvalidSignatureException");

        Throwable refused = catchThrowable(
                () -> client.getQueueUrl(request -> request.queueName("orders")).join());

        assertThat(new SqsErrorClassifier().classify(refused).kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(client.getQueueUrl(request -> request.queueName("orders"))
                        .join()
                        .queueUrl())
                .endsWith("/orders");
        assertThat(signedAt).hasSize(2);
        assertThat(Duration.between(signedAt.get(0), signedAt.get(1))).isGreaterThan(Duration.ofMinutes(55));
    }

    @Test
    void aRequestExpiredIsTransientAndTheResendIsTaken() throws Exception {
        start("RequestExpired");

        Throwable refused = catchThrowable(
                () -> client.getQueueUrl(request -> request.queueName("orders")).join());

        assertThat(new SqsErrorClassifier().classify(refused).kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(client.getQueueUrl(request -> request.queueName("orders"))
                        .join()
                        .queueUrl())
                .endsWith("/orders");
    }
}
