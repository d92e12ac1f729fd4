package io.firehosegateway.idempotency;

import jakarta.validation.Valid;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The streams' event-id deduplication: the one setting of {@code gateway.streams.<name>} that is
 * this package's own, bound apart from the pipeline's settings of the same streams.
 *
 * @param streams the streams' settings, by name
 */
@ConfigurationProperties("gateway")
@Validated
public record DeduplicationProperties(@DefaultValue Map<String, @Valid Stream> streams) {

    /**
     * One stream's deduplication.
     *
     * @param deduplicateWindow how long the stream remembers the ids of the events it took: an event
     *     whose id it took within that time is answered as accepted, listed as a duplicate, and not
     *     sent again, whichever request or key carries it; {@code 0} (the default) remembers none
     */
    public record Stream(@DefaultValue("0s") Duration deduplicateWindow) {

        public Stream {
            if (deduplicateWindow == null || deduplicateWindow.isNegative()) {
                deduplicateWindow = Duration.ZERO;
            }
        }
    }
}
