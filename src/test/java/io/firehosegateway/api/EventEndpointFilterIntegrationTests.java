package io.firehosegateway.api;

import static io.firehosegateway.support.KeyedGateways.AUDITOR;
import static io.firehosegateway.support.KeyedGateways.INGEST;
import static io.firehosegateway.support.KeyedGateways.ORIGIN;
import static io.firehosegateway.support.KeyedGateways.SHOP;
import static io.firehosegateway.support.WireAnswers.comparable;
import static io.firehosegateway.support.WireAnswers.delivered;
import static io.firehosegateway.support.WireAnswers.exchange;
import static io.firehosegateway.support.WireAnswers.port;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.KeyedGateways;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.context.support.ServletRequestHandledEvent;

/**
 * The event endpoints served by {@link EventEndpointFilter} and by Spring MVC's dispatch, side by
 * side: two gateways, the same settings, the same requests in the same order (bodies good, bad,
 * empty, NDJSON, arrays, gzipped, oversized; content types and {@code Accept} headers MVC takes,
 * negotiates or refuses; keys, origins, {@code ids}, idempotency keys given again and reused,
 * {@code Prefer: respond-async}, request ids, methods the endpoints do not take), each answer
 * compared as it came over the wire: status line, every header line in order, body. Only {@code
 * Date} and the event ids the gateway makes differ. Afterwards the request, security, event and
 * idempotency meters of the two agree, and so do the events delivered; and with the filter on, MVC's
 * dispatch answered with success only what the filter leaves to it (an {@code Accept} to negotiate).
 */
class EventEndpointFilterIntegrationTests {

    static final String NEGOTIATED = "/streams/events/events";

    @TempDir
    static Path temp;

    static ConfigurableApplicationContext mvc;
    static ConfigurableApplicationContext direct;

    /** The event posts MVC's DispatcherServlet answered with success, per gateway. */
    static final Map<Boolean, Queue<String>> handledByMvc =
            Map.of(false, new ConcurrentLinkedQueue<>(), true, new ConcurrentLinkedQueue<>());

    @BeforeAll
    static void start() {
        mvc = start(false);
        direct = start(true);
    }

    @AfterAll
    static void stop() {
        if (mvc != null) {
            mvc.close();
        }
        if (direct != null) {
            direct.close();
        }
    }

    private static ConfigurableApplicationContext start(boolean directDispatch) {
        SpringApplicationBuilder builder = new SpringApplicationBuilder().listeners(event -> {
            if (event instanceof ServletRequestHandledEvent handled
                    && handled.getStatusCode() < 300
                    && handled.getMethod().equals("POST")
                    && handled.getRequestUrl().endsWith("/events")) {
                handledByMvc.get(directDispatch).add(handled.getMethod() + " " + handled.getRequestUrl());
            }
        });
        Path files = temp.resolve("direct-dispatch-" + directDispatch);
        return KeyedGateways.start(
                builder,
                files,
                "gateway.idempotency.directory=" + files.resolve("idempotency"),
                "gateway.limits.max-request-size=1KB",
                "gateway.limits.list-ids-up-to=2",
                "gateway.edge.direct-dispatch=" + directDispatch);
    }

    @Test
    void answersEveryRequestAsMvcDoes() {
        List<byte[]> requests = requests();
        List<String> differences = new ArrayList<>();
        Set<Integer> statuses = new TreeSet<>();
        for (int i = 0; i < requests.size(); i++) {
            byte[] request = withId(requests.get(i), "diff-" + i);
            String byMvc = comparable(exchange(port(mvc), request));
            String byFilter = comparable(exchange(port(direct), request));
            statuses.add(Integer.parseInt(byMvc.substring(9, 12)));
            if (!byMvc.equals(byFilter)) {
                differences.add(
                        new String(request, ISO_8859_1) + "\n--- mvc:\n" + byMvc + "\n--- filter:\n" + byFilter);
            }
        }

        assertThat(differences).as("%d requests", requests.size()).isEmpty();
        assertThat(statuses)
                .as("the requests reach every kind of answer")
                .contains(200, 202, 400, 401, 403, 404, 405, 406, 413, 415, 422);
        assertThat(meters(direct)).isEqualTo(meters(mvc)).isNotEmpty();
        assertThat(delivered(direct)).isEqualTo(delivered(mvc)).anyMatch(record -> record.contains("\"ingest\""));
        assertThat(handledByMvc.get(false)).as("MVC's dispatch, off").contains("POST /events", "POST " + NEGOTIATED);
        assertThat(handledByMvc.get(true))
                .as("MVC's dispatch, on")
                .isNotEmpty()
                .allMatch(("POST " + NEGOTIATED)::equals);
    }

    private static List<byte[]> requests() {
        String ingest = "Authorization: Bearer " + INGEST + "\r\n";
        List<String> paths = List.of(
                "/events",
                "/events?ids=true",
                "/events?ids=false",
                "/events?ids=maybe",
                "/events?ids=true&ids=false",
                "/events?ids=",
                "/events/",
                "/streams/audit/events",
                "/streams/clicks/events",
                "/streams/nope/events",
                "/streams/a%20b/events");
        List<String> keys = List.of(
                "",
                ingest,
                "X-API-Key: " + AUDITOR + "\r\n",
                "Authorization: Bearer wrong-key-000000000000000\r\n",
                "X-API-Key: " + SHOP + "\r\nOrigin: " + ORIGIN + "\r\n");
        List<String> contentTypes = Arrays.asList(
                "application/json",
                "application/json;charset=UTF-8",
                "APPLICATION/JSON",
                "application/x-ndjson",
                "text/plain;charset=UTF-8",
                "application/xml",
                null,
                "garbage",
                "application/*");
        List<byte[]> bodies = List.of(
                utf8("{\"a\":1}"),
                utf8("[{\"a\":1},{\"b\":2},{\"c\":3}]"),
                utf8("{\"a\":1}\n{\"b\":2}\n"),
                utf8("{\"a\":"),
                utf8(""),
                utf8("[]"),
                utf8("42"),
                utf8("{\"a\":\"" + "x".repeat(1100) + "\"}"),
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'});
        List<byte[]> requests = new ArrayList<>();
        for (String path : paths) {
            for (String key : keys) {
                for (String contentType : contentTypes) {
                    for (byte[] body : bodies) {
                        requests.add(request("POST", path, key, contentType, body));
                    }
                }
            }
        }
        List<String> accepts = List.of(
                "Accept: */*\r\n",
                "Accept: application/json\r\n",
                "Accept: Application/JSON\r\n",
                "Accept: application/xml\r\n",
                "Accept: application/problem+json\r\n",
                "Accept: text/html\r\n",
                "Accept: application/json, text/plain\r\n",
                "Accept: application/json\r\nAccept: text/plain\r\n",
                "Accept: \r\n",
                "Accept: ;;\r\n");
        // A path of their own: what MVC negotiates (a list in Accept) still succeeds through it.
        for (String path : List.of(NEGOTIATED, "/streams/nope/events")) {
            for (String accept : accepts) {
                for (String contentType : contentTypes) {
                    for (byte[] body : List.of(bodies.get(0), bodies.get(3))) {
                        requests.add(request("POST", path, ingest + accept, contentType, body));
                    }
                }
            }
        }
        byte[] gzipped = gzip(utf8("{\"g\":1}\n{\"g\":2}"));
        for (String encoding : List.of("Content-Encoding: gzip\r\n", "Content-Encoding: br\r\n")) {
            requests.add(request("POST", "/events", ingest + encoding, "application/x-ndjson", gzipped));
            requests.add(request("POST", "/events", ingest + encoding, "application/json", utf8("{\"g\":3}")));
        }
        // An idempotency key: run, given again, reused for another body, and one too long.
        String idempotency = ingest + "Idempotency-Key: key-1\r\n";
        requests.add(request("POST", "/events", idempotency, "application/json", utf8("{\"i\":1}")));
        requests.add(request("POST", "/events", idempotency, "application/json", utf8("{\"i\":1}")));
        requests.add(request("POST", "/events", idempotency, "application/json", utf8("{\"i\":2}")));
        requests.add(request(
                "POST",
                "/events",
                ingest + "Idempotency-Key: " + "k".repeat(300) + "\r\n",
                "application/json",
                utf8("{}")));
        requests.add(request("POST", "/events", ingest + "Prefer: respond-async\r\n", "application/json", utf8("{}")));
        requests.add(request("POST", "/events", ingest + "X-Request-Id: bad\"id\r\n", "application/json", utf8("{}")));
        for (String method : List.of("GET", "PUT", "DELETE", "OPTIONS", "HEAD", "post")) {
            requests.add(request(method, "/events", ingest, "application/json", utf8("{\"m\":1}")));
            requests.add(request(method, "/streams/audit/events", ingest, null, null));
        }
        return requests;
    }

    private static byte[] request(String method, String path, String headers, String contentType, byte[] body) {
        StringBuilder head = new StringBuilder()
                .append(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n")
                .append(headers.contains("X-Request-Id") ? "" : "X-Request-Id: {id}\r\n")
                .append(headers);
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(head.toString().getBytes(ISO_8859_1));
        if (body != null) {
            request.writeBytes(body);
        }
        return request.toByteArray();
    }

    private static byte[] withId(byte[] request, String id) {
        return new String(request, ISO_8859_1).replace("{id}", id).getBytes(ISO_8859_1);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(UTF_8);
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return zipped.toByteArray();
    }

    /** What both count by: requests by route and status, keys, beacons, events and idempotency keys. */
    private static List<String> meters(ConfigurableApplicationContext gateway) {
        String scrape = exchange(
                port(gateway),
                "GET /actuator/prometheus HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(UTF_8));
        return scrape.lines()
                .filter(line -> line.startsWith("gateway_security_requests_total")
                        || line.startsWith("gateway_beacon_requests_total")
                        || line.startsWith("gateway_events_received_total")
                        || line.startsWith("gateway_events_delivered_total")
                        || line.startsWith("gateway_idempotency_requests_total")
                        || (line.startsWith("http_server_requests_seconds_count") && !line.contains("/actuator")))
                .sorted()
                .toList();
    }
}
