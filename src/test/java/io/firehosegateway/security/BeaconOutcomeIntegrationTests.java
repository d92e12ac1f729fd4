package io.firehosegateway.security;

import static io.firehosegateway.security.GatewayHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.RecordingSink;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * A page's {@code sendBeacon} cannot read its answer, so the gateway counts what became of each
 * {@code text/plain} request by key, outcome and reason, and logs a refusal once per key and reason.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.sink=firehose",
            "gateway.security.api-keys[0].name=site",
            "gateway.security.api-keys[0].key=" + BeaconOutcomeIntegrationTests.SITE,
        })
@Import(RecordingSink.Configuration.class)
@ExtendWith(OutputCaptureExtension.class)
class BeaconOutcomeIntegrationTests {

    static final String SITE = "site-key-3333333333333333";

    private static final String BEACON = "text/plain;charset=UTF-8";

    @LocalServerPort
    int port;

    @Autowired
    RecordingSink sink;

    @Test
    void countsEachBeaconByOutcomeAndLogsARefusalOncePerKeyAndReason(CapturedOutput output) {
        GatewayHttp http = new GatewayHttp(port);
        String run = UUID.randomUUID().toString();
        double acceptedBefore = beacons(http, "site", "accepted", "none");
        double malformedBefore = beacons(http, "site", "refused", "malformed-json");
        double unauthorizedBefore = beacons(http, "none", "refused", "unauthorized");

        assertThat(beacon(http, "[{\"id\":\"" + run + "-a\"},{\"id\":\"" + run + "-b\"}]", bearer(SITE))
                        .statusCode())
                .isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(beacon(http, "[{\"id\":\"" + run + "-bad\"},{\"v\":}]", bearer(SITE))
                            .statusCode())
                    .isEqualTo(400);
        }
        assertThat(beacon(http, "{\"id\":\"" + run + "-nokey\"}").statusCode()).isEqualTo(401);

        assertThat(beacons(http, "site", "accepted", "none") - acceptedBefore).isEqualTo(1.0);
        assertThat(beacons(http, "site", "refused", "malformed-json") - malformedBefore)
                .isEqualTo(3.0);
        assertThat(beacons(http, "none", "refused", "unauthorized") - unauthorizedBefore)
                .isEqualTo(1.0);
        assertThat(sink.records())
                .filteredOn(record -> record.contains(run))
                .as("the accepted beacon's two events, nothing of the refused ones")
                .hasSize(2)
                .noneMatch(record -> record.contains(run + "-bad") || record.contains(run + "-nokey"));
        assertThat(lines(output, "A beacon with key 'site' was refused (400, malformed-json)"))
                .isEqualTo(1);
        assertThat(lines(output, "A beacon with key 'none' was refused (401, unauthorized)"))
                .isEqualTo(1);
        assertThat(output.getAll()).doesNotContain(SITE);
    }

    @Test
    void aJsonRequestIsNoBeacon() {
        GatewayHttp http = new GatewayHttp(port);
        double refusedBefore = beacons(http, "site", "refused", "malformed-json");

        assertThat(http.post("/events", "{\"v\":}", bearer(SITE)).statusCode()).isEqualTo(400);

        assertThat(beacons(http, "site", "refused", "malformed-json")).isEqualTo(refusedBefore);
    }

    private static java.net.http.HttpResponse<String> beacon(GatewayHttp http, String body, String... headers) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Content-Type";
        all[headers.length + 1] = BEACON;
        return http.send("POST", "/events", body, all);
    }

    private static long lines(CapturedOutput output, String text) {
        return output.getAll().lines().filter(line -> line.contains(text)).count();
    }

    /** {@code gateway_beacon_requests_total} for one key, outcome and reason; 0 before its first. */
    private static double beacons(GatewayHttp http, String key, String outcome, String reason) {
        String scrape = http.get("/actuator/prometheus").body();
        Matcher sample = Pattern.compile(
                        "^gateway_beacon_requests_total\\{key=\"" + key + "\",outcome=\"" + outcome + "\",reason=\""
                                + reason + "\"} (\\S+)$",
                        Pattern.MULTILINE)
                .matcher(scrape);
        return sample.find() ? Double.parseDouble(sample.group(1)) : 0.0;
    }
}
