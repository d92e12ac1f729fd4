package io.firehosegateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.WebMvcObservationAutoConfiguration;

/** Every request is timed once: by the gateway's filter, and not by Spring Boot's observation filter too. */
class HttpServerRequestsConfigurationTests {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    ObservationAutoConfiguration.class,
                    MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class,
                    WebMvcObservationAutoConfiguration.class))
            .withUserConfiguration(HttpServerRequestsConfiguration.class);

    @Test
    @SuppressWarnings("rawtypes")
    void theOnlyEnabledRequestTimerIsTheGateways() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeansOfType(FilterRegistrationBean.class).values().stream()
                            .filter(FilterRegistrationBean::isEnabled)
                            .<Class<?>>map(
                                    registration -> registration.getFilter().getClass()))
                    .containsExactly(HttpServerRequestsFilter.class);
        });
    }
}
