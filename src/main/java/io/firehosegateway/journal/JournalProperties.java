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
 * @param directory where the journal's segment files live, owned by one gateway at a time (a lock on
 *     {@code journal.lock} keeps a second one out); keep it on a persistent volume of its own
 * @param maxSize the most disk the journal may use, at least 8KB; when full, requests are refused
 *     with 503, and a request larger than all of it with 413
 * @param segmentSize the size at which the journal starts a new segment file, at most a quarter of
 *     {@code maxSize} (a larger setting is lowered to that); delivered segments are deleted whole, so
 *     smaller segments free space sooner
 */
@ConfigurationProperties("gateway.journal")
@Validated
public record JournalProperties(
        @DefaultValue("./journal") @NotNull Path directory,
        @DefaultValue("1GB") @NotNull DataSize maxSize,
        @DefaultValue("16MB") @NotNull DataSize segmentSize) {}
