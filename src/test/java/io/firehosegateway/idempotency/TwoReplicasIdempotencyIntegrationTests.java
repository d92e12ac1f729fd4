package io.firehosegateway.idempotency;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.support.FirehoseEmulator;
import io.firehosegateway.support.GatewayProcess;
import io.firehosegateway.support.MotoServer;
import io.firehosegateway.support.RawHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways behind an imagined load balancer, sharing one DynamoDB table (moto's) and one
 * Firehose delivery stream: each request's answer is lost and its retry lands on the other replica.
 * Every event reaches Firehose once, and every retry whose first answer was read gets that answer.
 */
class TwoReplicasIdempotencyIntegrationTests {

    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    /** Kept when the test fails: the gateways' logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void eachRetryOnTheOtherReplicaGetsTheFirstAnswerAndEveryEventReachesFirehoseOnce() throws Exception {
        URI moto = MotoServer.endpoint();
        String stream = "replicas-" + Long.toHexString(System.nanoTime());
        try (FirehoseEmulator firehose = new FirehoseEmulator(moto)) {
            String bucket = firehose.createStream(stream);
            String table = DynamoDbTables.create(moto);
            CompletableFuture<GatewayProcess> startingA = start("a", moto, stream, table);
            CompletableFuture<GatewayProcess> startingB = start("b", moto, stream, table);
            try (GatewayProcess a = startingA.join();
                    GatewayProcess b = startingB.join()) {
                List<GatewayProcess> replicas = List.of(a, b);
                int requests = 200;
                Map<String, String> firstAnswers = new HashMap<>();
                for (int i = 0; i < requests; i++) {
                    GatewayProcess first = replicas.get(i % 2);
                    if (i % 2 == 0) {
                        sendAndHangUp(first, i);
                    } else {
                        firstAnswers.put(key(i), readAnswerAndHangUp(first, i));
                    }
                }

                HttpClient http = HttpClient.newHttpClient();
                for (int i = 0; i < requests; i++) {
                    GatewayProcess other = replicas.get((i + 1) % 2);
                    HttpRequest retry = request(other, i);
                    HttpResponse<String> answer = await().atMost(Duration.ofSeconds(30))
                            .until(
                                    () -> http.send(retry, HttpResponse.BodyHandlers.ofString()),
                                    response -> response.statusCode() != 409);

                    assertThat(answer.statusCode()).as(key(i)).isEqualTo(200);
                    assertThat(ids(answer.body())).as(key(i)).containsExactly(id(i));
                    if (firstAnswers.containsKey(key(i))) {
                        assertThat(answer.headers().firstValue(IdempotencyKeys.REPLAYED))
                                .as(key(i))
                                .hasValue("true");
                        assertThat(answer.body()).as(key(i)).isEqualTo(firstAnswers.get(key(i)));
                    }
                }

                await("every event reaches Firehose (logs in " + work + ")")
                        .atMost(Duration.ofSeconds(60))
                        .untilAsserted(
                                () -> assertThat(delivered(firehose, bucket)).hasSize(requests));
                assertThat(delivered(firehose, bucket).values()).containsOnly(1L);
                assertThat(DynamoDbTables.count(moto, table)).isEqualTo(requests);
            }
        }
    }

    private CompletableFuture<GatewayProcess> start(String name, URI moto, String stream, String table) {
        Map<String, String> settings = Map.of(
                "gateway.sink",
                "firehose",
                "gateway.firehose.endpoint",
                moto.toString(),
                "gateway.aws.region",
                FirehoseEmulator.REGION,
                "gateway.default-stream",
                stream,
                "gateway.idempotency.store",
                "dynamodb",
                "gateway.idempotency.table",
                table,
                "gateway.idempotency.endpoint",
                moto.toString(),
                "gateway.delivery.dead-letter-directory",
                work.resolve("dead-letter-" + name).toString());
        Path log = work.resolve("gateway-" + name + ".log");
        return CompletableFuture.supplyAsync(() -> {
            try {
                return GatewayProcess.start(settings, log);
            } catch (IOException e) {
                throw new IllegalStateException("Could not start replica " + name, e);
            }
        });
    }

    /** The request sent whole, and the connection closed before a byte of the answer is read. */
    private static void sendAndHangUp(GatewayProcess gateway, int i) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.uri("/").getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(raw(i));
            out.flush();
        }
    }

    /** The answer read whole, as the client got it before its connection was lost. */
    private static String readAnswerAndHangUp(GatewayProcess gateway, int i) {
        try (RawHttp http = new RawHttp(gateway.uri("/").getPort())) {
            http.write(raw(i));
            RawHttp.Response response = http.readResponse();
            assertThat(response.status()).as(key(i)).isEqualTo(200);
            return response.body();
        }
    }

    private static byte[] raw(int i) {
        String body = body(i);
        return ("POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + IdempotencyKeys.HEADER + ": " + key(i) + "\r\nContent-Length: " + body.length()
                        + "\r\n\r\n" + body)
                .getBytes(US_ASCII);
    }

    private static HttpRequest request(GatewayProcess gateway, int i) {
        return HttpRequest.newBuilder(gateway.uri("/events"))
                .header("Content-Type", "application/json")
                .header(IdempotencyKeys.HEADER, key(i))
                .POST(HttpRequest.BodyPublishers.ofString(body(i)))
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    private static String key(int i) {
        return "replica-key-" + i;
    }

    private static String id(int i) {
        return "replica-event-" + i;
    }

    private static String body(int i) {
        return "{\"id\":\"" + id(i) + "\",\"n\":" + i + "}";
    }

    private static List<String> ids(String answer) {
        Matcher ids = Pattern.compile("\"ids\":\\[([^\\]]*)]").matcher(answer);
        assertThat(ids.find()).as(answer).isTrue();
        return Pattern.compile("\"([^\"]+)\"")
                .matcher(ids.group(1))
                .results()
                .map(match -> match.group(1))
                .toList();
    }

    /** How many times each event id landed in the delivery stream's bucket. */
    private static Map<String, Long> delivered(FirehoseEmulator firehose, String bucket) {
        return firehose.lines(bucket).stream()
                .map(ID::matcher)
                .filter(Matcher::find)
                .map(matcher -> matcher.group(1))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}
