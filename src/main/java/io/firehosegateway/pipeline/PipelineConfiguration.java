package io.firehosegateway.pipeline;

import io.firehosegateway.event.KnownStreams;
import io.firehosegateway.journal.Journal;
import io.firehosegateway.journal.JournalProperties;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.StreamRoutes;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Wires the pipeline to the sinks its streams are sent to, and its health to actuator. */
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

    /** Where each stream goes, for the sinks: published here so they never read the pipeline's settings. */
    @Bean
    StreamRoutes streamRoutes(PipelineProperties settings, Environment environment) {
        PipelineProperties properties = everyNamedStream(settings, environment);
        List<StreamRoutes.Route> routes = new ArrayList<>();
        Map<String, Integer> ownCaps = new java.util.HashMap<>();
        for (String stream : properties.streamNames()) {
            routes.add(new StreamRoutes.Route(
                    stream,
                    properties.destination(stream),
                    properties.sink(stream),
                    properties.stream(stream).partitionKey() != null));
            if (properties.stream(stream).maxInFlight() != null) {
                ownCaps.put(stream, properties.maxInFlight(stream));
            }
        }
        return new StreamRoutes(routes, properties.delivery().maxInFlight(), ownCaps);
    }

    /**
     * The pipeline's streams, made in the open at the start: the settings checked against their
     * sinks, and for each stream its destination described (for Kinesis a blocking {@code
     * DescribeStreamSummary}, bounded in time), its {@code pack-bytes} checked, its dispatcher made.
     */
    @Bean
    PipelineStreams pipelineStreams(
            PipelineProperties properties,
            Environment environment,
            ObjectProvider<Sink> sinks,
            GatewayMetrics metrics,
            Clock clock) {
        return PipelineAssembly.assemble(
                everyNamedStream(properties, environment),
                sinks.orderedStream().toList(),
                metrics,
                clock,
                NanoClock.SYSTEM);
    }

    @Bean
    Pipeline pipeline(
            PipelineProperties properties,
            Environment environment,
            PipelineStreams streams,
            ObjectProvider<JournaledDelivery> journaled) {
        return new Pipeline(
                everyNamedStream(properties, environment), streams, NanoClock.SYSTEM, journaled.getIfAvailable());
    }

    /** The streams' names, for the features that check their settings against them without the pipeline. */
    @Bean
    KnownStreams knownStreams(Pipeline pipeline) {
        return new KnownStreams(pipeline.streams());
    }

    /**
     * Every name under {@code gateway.streams} is a stream, whatever its settings: binding the
     * pipeline's settings alone leaves out a stream that has only another feature's (a schema).
     */
    static PipelineProperties everyNamedStream(PipelineProperties properties, Environment environment) {
        Map<String, Object> named = Binder.get(environment)
                .bind("gateway.streams", Bindable.mapOf(String.class, Object.class))
                .orElse(Map.of());
        return properties.withStreams(named.keySet());
    }

    /** The journal and what reads it, in the journaled mode only. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "gateway.delivery.mode", havingValue = "journaled")
    static class JournalConfiguration {

        @Bean(destroyMethod = "close")
        Journal journal(JournalProperties properties, Clock clock, GatewayMetrics metrics) throws IOException {
            Journal journal = Journal.open(properties, clock);
            metrics.journalGauges(
                    journal::bytes,
                    () -> (double) journal.bytes() / journal.maxBytes(),
                    journal::pendingEntries,
                    () -> journal.oldestPendingMillis().isPresent()
                            ? (clock.millis() - journal.oldestPendingMillis().getAsLong()) / 1000.0
                            : 0.0);
            metrics.journalDamage(journal::damagedSegments, journal::lostEntries, journal::unrecordedDeliveries);
            return journal;
        }

        /** The pipeline's use of the journal: appending requests, acknowledging settled entries. */
        @Bean
        JournaledDelivery journaledDelivery(Journal journal) {
            return new JournaledDelivery(journal);
        }

        @Bean
        JournalFeeder journalFeeder(JournaledDelivery journaled, Pipeline pipeline) {
            return new JournalFeeder(journaled, pipeline);
        }

        @Bean
        JournalHealthIndicator journalHealthIndicator(Journal journal, Clock clock) {
            return new JournalHealthIndicator(journal, clock);
        }
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
