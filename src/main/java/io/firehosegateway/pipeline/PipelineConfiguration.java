package io.firehosegateway.pipeline;

import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.sink.Sink;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the pipeline to the configured sink and its health to actuator. */
@Configuration(proxyBeanMethods = false)
class PipelineConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    GatewayMetrics gatewayMetrics(MeterRegistry registry) {
        return new GatewayMetrics(registry);
    }

    @Bean
    Pipeline pipeline(PipelineProperties properties, Sink sink, GatewayMetrics metrics, Clock clock) {
        return new Pipeline(properties, sink, metrics, clock);
    }

    @Bean
    BufferHealthIndicator bufferHealthIndicator(Pipeline pipeline) {
        return new BufferHealthIndicator(pipeline.budget());
    }

    @Bean
    DeliveryHealthIndicator deliveryHealthIndicator(Pipeline pipeline) {
        return new DeliveryHealthIndicator(pipeline);
    }
}
