package io.firehosegateway.sink.local;

import io.firehosegateway.sink.Sink;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The local file sink, the default when {@code gateway.sink} is not set. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "gateway.sink", havingValue = "local", matchIfMissing = true)
class LocalSinkConfiguration {

    @Bean(destroyMethod = "close")
    Sink localFileSink(LocalSinkProperties properties, Clock clock) {
        return new LocalFileSink(properties, clock);
    }
}
