package io.firehosegateway.schema;

import io.firehosegateway.event.KnownStreams;
import io.firehosegateway.metrics.GatewayMetrics;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The schemas of the streams, compiled at start: one that does not compile fails the start. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SchemaProperties.class)
class SchemaConfiguration {

    @Bean
    EventSchemas eventSchemas(SchemaProperties properties, KnownStreams streams, GatewayMetrics metrics, Clock clock) {
        return new EventSchemas(properties, streams.names(), metrics, clock);
    }
}
