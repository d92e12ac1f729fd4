package io.firehosegateway.security;

import static io.firehosegateway.support.KeyedGateways.AUDITOR;
import static io.firehosegateway.support.KeyedGateways.INGEST;
import static io.firehosegateway.support.KeyedGateways.ORIGIN;
import static io.firehosegateway.support.KeyedGateways.SHOP;
import static io.firehosegateway.support.WireAnswers.comparable;
import static io.firehosegateway.support.WireAnswers.delivered;
import static io.firehosegateway.support.WireAnswers.exchange;
import static io.firehosegateway.support.WireAnswers.port;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.KeyedGateways;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The event endpoints answered by {@link EventPathFilter} and by Spring Security's chain, side by
 * side: two gateways, the same keys, the same requests (with and without a key, a wrong key, a key
 * limited to another stream, a browser key from its page, from another and on the URL, preflights,
 * methods the endpoints do not take, what the firewall refuses), and each answer compared as it
 * came over the wire: status line, every header line in order, body. Only {@code Date} and the
 * event ids the gateway makes differ; the request ids are the test's own. Afterwards the security,
 * beacon and request meters of the two agree, and so do the events delivered, with the key's name
 * the controller read from the request's principal.
 */
class EventPathFilterIntegrationTests {

    @TempDir
    static Path temp;

    static ConfigurableApplicationContext chain;
    static ConfigurableApplicationContext filter;

    @BeforeAll
    static void start() {
        chain = start(false);
        filter = start(true);
    }

    @AfterAll
    static void stop() {
        if (chain != null) {
            chain.close();
        }
        if (filter != null) {
            filter.close();
        }
    }

    private static ConfigurableApplicationContext start(boolean eventFilter) {
        return KeyedGateways.start(
                new SpringApplicationBuilder(),
                temp.resolve("event-filter-" + eventFilter),
                "gateway.security.event-filter=" + eventFilter,
                "gateway.security.api-keys[0].generator=true");
    }

    @Test
    void answersEveryRequestAsTheChainDoes() {
        List<String> requests = requests();
        List<String> differences = new ArrayList<>();
        Set<Integer> statuses = new TreeSet<>();
        for (int i = 0; i < requests.size(); i++) {
            String request = requests.get(i).replace("{id}", "diff-" + i);
            String byChain = comparable(exchange(port(chain), request.getBytes(UTF_8)));
            String byFilter = comparable(exchange(port(filter), request.getBytes(UTF_8)));
            statuses.add(Integer.parseInt(byChain.substring(9, 12)));
            if (!byChain.equals(byFilter)) {
                differences.add(request + "\n--- chain:\n" + byChain + "\n--- filter:\n" + byFilter);
            }
        }

        assertThat(differences).as("%d requests", requests.size()).isEmpty();
        assertThat(statuses).as("the requests reach every kind of answer").contains(200, 400, 401, 403, 404, 405, 415);
        assertThat(meters(filter)).isEqualTo(meters(chain)).isNotEmpty();
        assertThat(delivered(filter)).isEqualTo(delivered(chain)).anyMatch(record -> record.contains("\"shop\""));
    }

    /** Every path, key, origin and method in combination, then preflights and what the firewall refuses. */
    private static List<String> requests() {
        List<String> paths = List.of(
                "/events",
                "/events?ids=true",
                "/events/",
                "/streams/audit/events",
                "/streams/clicks/events",
                "/streams/nope/events",
                "/streams/a%20b/events",
                "/streams/clicks/events?key=" + SHOP,
                "/events?key=" + SHOP,
                "/streams/clicks/events?key=wrong-url-key-000000000",
                "/streams/clicks/validate",
                // The chain's other rules, unchanged: a job that never was, so no answer depends on timing.
                "/events/generate/0190f0e5-0000-7000-8000-000000000000");
        List<String> keys = List.of(
                "",
                "Authorization: Bearer " + INGEST + "\r\n",
                "X-API-Key: " + AUDITOR + "\r\n",
                "Authorization: Bearer wrong-key-000000000000000\r\n",
                "X-API-Key: " + SHOP + "\r\n",
                "Authorization: Basic " + INGEST + "\r\n",
                "Authorization: Bearer " + AUDITOR + "\r\nX-API-Key: " + INGEST + "\r\n");
        List<String> origins = List.of("", "Origin: " + ORIGIN + "\r\n", "Origin: https://evil.example\r\n");
        List<String[]> methods = List.of(
                new String[] {"POST", "application/json", "{\"a\":1}"},
                new String[] {"POST", "text/plain;charset=UTF-8", "{\"a\":2}"},
                new String[] {"POST", "application/json", "{\"a\":"},
                new String[] {"POST", "application/xml", "<a/>"},
                new String[] {"GET", null, null},
                new String[] {"PUT", "application/json", "{\"a\":3}"},
                new String[] {"OPTIONS", null, null});
        List<String> requests = new ArrayList<>();
        for (String path : paths) {
            for (String key : keys) {
                for (String origin : origins) {
                    for (String[] method : methods) {
                        requests.add(request(method[0], path, key + origin, method[1], method[2]));
                    }
                }
            }
        }
        List<String> preflights = List.of(
                "Access-Control-Request-Method: POST\r\n",
                "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type,x-api-key\r\n",
                "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: x-other\r\n",
                "Access-Control-Request-Method: DELETE\r\n");
        for (String path : paths) {
            for (String origin : origins) {
                for (String preflight : preflights) {
                    requests.add(request("OPTIONS", path, origin + preflight, null, null));
                }
            }
        }
        String key = "Authorization: Bearer " + INGEST + "\r\n";
        for (String refused : List.of(
                "/events;jsessionid=1", "/streams/%2e%2e/events", "/streams/a%2Fb/events", "//events", "/events%00")) {
            requests.add(request("POST", refused, key, "application/json", "{\"a\":4}"));
        }
        requests.add(request("FOO", "/events", key, "application/json", "{\"a\":5}"));
        requests.add(request("DELETE", "/streams/clicks/events", key, null, null));
        requests.add(request("HEAD", "/events", key, null, null));
        return requests;
    }

    private static String request(String method, String path, String headers, String contentType, String body) {
        StringBuilder request = new StringBuilder()
                .append(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Request-Id: {id}\r\n")
                .append(headers);
        if (contentType != null) {
            request.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (body != null) {
            request.append("Content-Length: ")
                    .append(body.getBytes(UTF_8).length)
                    .append("\r\n\r\n")
                    .append(body);
        } else {
            request.append("\r\n");
        }
        return request.toString();
    }

    /** The meters both filters count by: security outcomes, beacons, and requests by route and status. */
    private static List<String> meters(ConfigurableApplicationContext gateway) {
        String scrape = exchange(
                port(gateway),
                "GET /actuator/prometheus HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(UTF_8));
        return scrape.lines()
                .filter(line -> line.startsWith("gateway_security_requests_total")
                        || line.startsWith("gateway_beacon_requests_total")
                        || (line.startsWith("http_server_requests_seconds_count") && !line.contains("/actuator")))
                .sorted()
                .collect(Collectors.toList());
    }
}
