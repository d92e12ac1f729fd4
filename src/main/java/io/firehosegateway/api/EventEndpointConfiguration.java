package io.firehosegateway.api;

import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** {@link EventEndpointFilter} (setting {@code gateway.edge.direct-dispatch}). */
@Configuration(proxyBeanMethods = false)
class EventEndpointConfiguration {

    /** Last of the filters, where DispatcherServlet would come next: every other filter has run. */
    @Bean
    FilterRegistrationBean<EventEndpointFilter> eventEndpointFilter(
            EventEndpointProperties properties,
            @Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> mappings,
            @Qualifier("requestMappingHandlerAdapter") ObjectProvider<RequestMappingHandlerAdapter> adapters,
            ObjectProvider<HandlerExceptionResolver> resolvers) {
        FilterRegistrationBean<EventEndpointFilter> registration =
                new FilterRegistrationBean<>(new EventEndpointFilter(mappings, adapters, resolvers));
        registration.setOrder(Ordered.LOWEST_PRECEDENCE);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.setEnabled(properties.directDispatch());
        return registration;
    }
}
