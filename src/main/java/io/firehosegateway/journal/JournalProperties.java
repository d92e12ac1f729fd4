package io.firehosegateway.journal;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the journal, used in the {@code journaled} delivery mode.
 *
 * @param directory where the journal's segment files live; keep it on a persistent volume
 * @param maxSize the most disk the journal may use; when full, requests are refused with 503
 * @param segmentSize the size at which the journal starts a new segment file; delivered segments are
 *     deleted whole, so smaller segments free space sooner
 */
@ConfigurationProperties("gateway.journal")
@Validated
public record JournalProperties(
        @DefaultValue("./journal") @NotNull Path directory,
        @DefaultValue("1GB") @NotNull DataSize maxSize,
        @DefaultValue("16MB") @NotNull DataSize segmentSize) {}
