package io.firehosebench;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The ceiling the gateway is measured against: the same Spring Boot, web MVC, actuator and
 * Prometheus registry on the same classpath, with a {@code POST /events} that parses the JSON body
 * into a tree and answers at once. Whatever the gateway costs beyond this is its own work.
 *
 * <p>Spring Security is on the classpath (the gateway needs it) but is left out here: the gateway's
 * own key checks and rate limit are part of what it costs, so the ceiling has none.
 *
 * <p>It lives outside {@code io.firehosegateway} so the gateway's component scan never finds it, and
 * leaves out the gateway's sink auto-configurations.
 * Run: {@code java -cp <test classpath> io.firehosebench.NoopEventsApplication --server.port=N}.
 */
@SpringBootApplication(
        excludeName = {
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            // The gateway's sinks are auto-configurations (META-INF/spring/...AutoConfiguration.imports),
            // so they would be loaded here too, and fail without the gateway's properties.
            "io.firehosegateway.sink.firehose.FirehoseClientConfiguration",
            "io.firehosegateway.sink.kinesis.KinesisClientConfiguration",
            "io.firehosegateway.sink.local.LocalSinkConfiguration",
            "io.firehosegateway.sink.sqs.SqsClientConfiguration"
        })
public class NoopEventsApplication {

    public static void main(String[] args) {
        SpringApplication.run(NoopEventsApplication.class, args);
    }

    @RestController
    static class NoopEventsController {

        @PostMapping(
                path = "/events",
                consumes = MediaType.APPLICATION_JSON_VALUE,
                produces = MediaType.APPLICATION_JSON_VALUE)
        Map<String, Integer> events(@RequestBody JsonNode body) {
            return Map.of("accepted", body.isArray() ? body.size() : 1);
        }
    }
}
