package io.firehosegateway.sink.local;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the local file sink.
 *
 * @param directory where the files go, one folder per stream
 * @param rollInterval how long a file stays open before it is closed and shows under its final name
 */
@ConfigurationProperties("gateway.local")
@Validated
public record LocalSinkProperties(
        @DefaultValue("./data") @NotNull Path directory,
        @DefaultValue("1s") @NotNull Duration rollInterval) {}
