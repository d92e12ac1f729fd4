package io.firehosegateway.generator;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the load generator.
 *
 * @param maxCount the most events one job may make
 * @param retainedJobs how many finished jobs stay visible at their URL before the oldest is forgotten
 */
@ConfigurationProperties("gateway.generator")
@Validated
public record GeneratorProperties(
        @DefaultValue("1000000") @Min(1) int maxCount,
        @DefaultValue("100") @Min(1) int retainedJobs) {}
