package io.firehosegateway.idempotency;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DynamoDB endpoint that fails every call: as DynamoDB does when a table is over its throughput,
 * or, once told to {@link #hangUp}, by closing the connection without an answer.
 */
final class DynamoDbFaults implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean hangUp;

    private DynamoDbFaults(HttpServer server) {
        this.server = server;
    }

    /** Started on a free port, throttling. */
    static DynamoDbFaults start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        DynamoDbFaults faults = new DynamoDbFaults(server);
        server.createContext("/", faults::answer);
        server.start();
        return faults;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** From now on, closes each connection without an answer instead of throttling. */
    void hangUp(boolean hangUp) {
        this.hangUp = hangUp;
    }

    /** The calls that reached it. */
    int calls() {
        return calls.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        calls.incrementAndGet();
        exchange.getRequestBody().readAllBytes();
        if (hangUp) {
            exchange.close();
            return;
        }
        byte[] body = ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
                        + "\"message\":\"The level of configured provisioned throughput for the table was exceeded\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
        exchange.sendResponseHeaders(400, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
