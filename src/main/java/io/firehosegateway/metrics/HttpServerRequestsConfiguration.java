package io.firehosegateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * {@code http.server.requests} from {@link HttpServerRequestsFilter} instead of Spring Boot's
 * observation filter: the same timer, names and tags, without an observation per request. Boot's
 * guard on the number of {@code uri} tags ({@code management.metrics.web.server.max-uri-tags}) and
 * the {@code management.metrics.distribution.*} settings apply to it by its name, as before.
 */
@Configuration(proxyBeanMethods = false)
class HttpServerRequestsConfiguration {

    /** Where Boot's filter was: after the request id and the URL key's removal, before all else. */
    @Bean
    FilterRegistrationBean<HttpServerRequestsFilter> httpServerRequestsFilter(MeterRegistry registry) {
        FilterRegistrationBean<HttpServerRequestsFilter> registration =
                new FilterRegistrationBean<>(new HttpServerRequestsFilter(registry));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        return registration;
    }

    /**
     * Boot makes its observation filter only while no registration of one exists: this one, never
     * enabled, keeps it from timing every request a second time.
     */
    @Bean
    FilterRegistrationBean<ServerHttpObservationFilter> bootObservationFilterReplaced() {
        FilterRegistrationBean<ServerHttpObservationFilter> registration =
                new FilterRegistrationBean<>(new ServerHttpObservationFilter(ObservationRegistry.NOOP));
        registration.setEnabled(false);
        return registration;
    }
}
