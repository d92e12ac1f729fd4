package io.firehosegateway.sink.local;

import io.firehosegateway.sink.ConditionalOnSinkKind;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The local file sink, the default when {@code gateway.sink} is not set. An auto-configuration, so
 * that it steps aside for a sink of this kind that the application defines under the same bean name.
 */
@AutoConfiguration
@ConditionalOnSinkKind(SinkKind.LOCAL)
@ConditionalOnMissingBean(name = LocalSinkConfiguration.SINK_BEAN)
public class LocalSinkConfiguration {

    /** The name of the local sink's bean. */
    public static final String SINK_BEAN = "localSink";

    @Bean(name = SINK_BEAN, destroyMethod = "close")
    Sink localFileSink(LocalSinkProperties properties, Clock clock) {
        return new LocalFileSink(properties, clock);
    }
}
