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
 * @param maxRunningJobs the most jobs running at once on this gateway; past it a start is {@code 503}
 * @param maxRunningJobsPerKey the most jobs one API key may run at once; past it a start is {@code 429}
 */
@ConfigurationProperties("gateway.generator")
@Validated
public record GeneratorProperties(
        @DefaultValue("1000000") @Min(1) int maxCount,
        @DefaultValue("100") @Min(1) int retainedJobs,
        @DefaultValue("4") @Min(1) int maxRunningJobs,
        @DefaultValue("2") @Min(1) int maxRunningJobsPerKey) {}
