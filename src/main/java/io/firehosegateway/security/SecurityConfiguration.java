package io.firehosegateway.security;

import io.firehosegateway.api.ClientAddressResolver;
import io.firehosegateway.api.Pixel;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.pipeline.PipelineProperties;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.CorsFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * The one filter chain. Stateless, with no CSRF protection since there are no cookies or sessions to
 * protect: a key authenticates each request, the rules below authorize it before its body is read,
 * and the rate limit comes last. Of actuator, only health, info and prometheus are reachable. The
 * event endpoints, the gateway's hot path, get the same checks from {@link EventPathFilter} instead
 * ({@code gateway.security.event-filter}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final PathPatternRequestMatcher.Builder PATHS = PathPatternRequestMatcher.withDefaults();

    /** Testing events against a stream's schema: for the keys that may send to it. */
    private static final RequestMatcher STREAM_VALIDATE = PATHS.matcher(HttpMethod.POST, "/streams/{stream}/validate");

    private static final RequestMatcher GENERATOR =
            new OrRequestMatcher(PATHS.matcher("/events/generate"), PATHS.matcher("/events/generate/**"));

    /**
     * Spring Security's own observations follow {@code management.observations.enable.spring.security}
     * (off in {@code application.yml}). That property alone turns each observation into a no-op but
     * still wraps every filter of the chain, on every request, to start one; these settings leave the
     * chain undecorated when it is off.
     */
    @Bean
    static SecurityObservationSettings securityObservationSettings(
            @Value("${management.observations.enable.spring.security:true}") boolean observe) {
        return observe
                ? SecurityObservationSettings.withDefaults().build()
                : SecurityObservationSettings.noObservations();
    }

    /**
     * Takes a browser key off the URL before any filter, the security chain's included, sees the
     * request, so that no log line that prints a URL prints the key.
     */
    @Bean
    FilterRegistrationBean<UrlKeyFilter> urlKeyFilter() {
        FilterRegistrationBean<UrlKeyFilter> registration = new FilterRegistrationBean<>(new UrlKeyFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
        return registration;
    }

    /** The firewall's refusals (an encoded dot, a semicolon, an unknown method) are problems too. */
    @Bean
    RequestRejectedHandler requestRejectedHandler(
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver) {
        return SecurityProblems.firewall(resolver);
    }

    /** What the chain and the event paths' filter share; not a filter itself, so not registered as one. */
    @Bean
    SecurityFilters securityFilters(
            ApiKeyRegistry keys,
            SecurityProperties properties,
            PipelineProperties pipeline,
            GatewayMetrics metrics,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver,
            ObjectProvider<ClientAddressResolver> edge) {
        // Without the edge (a slice of the web layer), the address the connection came from.
        ClientAddressResolver resolvedAddresses = edge.getIfAvailable();
        Function<HttpServletRequest, String> clientAddresses =
                resolvedAddresses != null ? resolvedAddresses::clientAddress : HttpServletRequest::getRemoteAddr;
        SecurityProblems problems = new SecurityProblems(resolver, metrics);
        RequestMatcher events = PATHS.matcher(HttpMethod.POST, "/events");
        RequestMatcher streamEvents = PATHS.matcher(HttpMethod.POST, "/streams/{stream}/events");
        RequestMatcher pixel = PATHS.matcher(HttpMethod.GET, Pixel.PATH);
        // Any method: a preflight is an OPTIONS request to the path the page will POST to.
        RequestMatcher eventPaths =
                new OrRequestMatcher(PATHS.matcher("/events"), PATHS.matcher("/streams/{stream}/events"));
        RequestMatcher tracker = PATHS.matcher(HttpMethod.GET, BrowserCors.TRACKER);
        return new SecurityFilters(
                new ClientAccess(pipeline.defaultStream()),
                new BrowserCors(eventPaths, tracker, keys),
                problems,
                new BeaconOutcomeFilter(new OrRequestMatcher(events, streamEvents), pixel, metrics),
                new RateLimitFilter(
                        new OrRequestMatcher(events, streamEvents, pixel, STREAM_VALIDATE, GENERATOR),
                        properties.rateLimit(),
                        problems,
                        metrics,
                        clientAddresses));
    }

    @Bean
    SecurityFilterChain gatewayFilterChain(
            HttpSecurity http, ApiKeyRegistry keys, SecurityProperties properties, SecurityFilters filters)
            throws Exception {
        if (properties.eventFilter()) {
            // EventPathFilter answers these paths, right after the chain's firewall.
            String defaultStream = filters.access().defaultStreamName();
            http.securityMatcher(request -> EventPathFilter.streamOf(request, defaultStream) == null);
        }
        RequestMatcher streamSchema = PATHS.matcher(HttpMethod.GET, "/streams/{stream}/schema");
        return http.csrf(AbstractHttpConfigurer::disable)
                // Spring's CorsFilter, in its place, with a processor that a wildcard Content-Type does not trip.
                .cors(AbstractHttpConfigurer::disable)
                .addFilterAt(corsFilter(filters), CorsFilter.class)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new ApiKeyAuthenticationFilter(keys), AnonymousAuthenticationFilter.class)
                .addFilterBefore(filters.beacon(), ApiKeyAuthenticationFilter.class)
                .addFilterAfter(filters.rateLimit(), AuthorizationFilter.class)
                .exceptionHandling(errors ->
                        errors.authenticationEntryPoint(filters.problems()).accessDeniedHandler(filters.problems()))
                .authorizeHttpRequests(requests -> authorize(
                        requests,
                        filters.access(),
                        PATHS.matcher(HttpMethod.POST, "/events"),
                        PATHS.matcher(HttpMethod.POST, "/streams/{stream}/events"),
                        PATHS.matcher(HttpMethod.GET, Pixel.PATH),
                        List.of(STREAM_VALIDATE, streamSchema),
                        GENERATOR))
                .build();
    }

    private static CorsFilter corsFilter(SecurityFilters filters) {
        CorsFilter cors = new CorsFilter(filters.cors());
        cors.setCorsProcessor(new ContentTypeBlindCors());
        return cors;
    }

    /**
     * The event paths' checks, the chain's own header writer among them, where the chain used to run
     * them: right after it, with nothing between.
     */
    @Bean
    FilterRegistrationBean<EventPathFilter> eventPathFilter(
            SecurityFilterChain gatewayFilterChain,
            SecurityFilters filters,
            ApiKeyRegistry keys,
            SecurityProperties properties,
            @Value("${spring.security.filter.order:" + SecurityFilterProperties.DEFAULT_FILTER_ORDER + "}")
                    int chainOrder) {
        HeaderWriterFilter headers = gatewayFilterChain.getFilters().stream()
                .filter(HeaderWriterFilter.class::isInstance)
                .map(HeaderWriterFilter.class::cast)
                .findFirst()
                .orElseThrow();
        FilterRegistrationBean<EventPathFilter> registration =
                new FilterRegistrationBean<>(new EventPathFilter(headers, filters, keys));
        registration.setOrder(chainOrder + 1);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.setEnabled(properties.eventFilter());
        return registration;
    }

    /** The rules, the first that matches a request deciding. */
    private static void authorize(
            AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry requests,
            ClientAccess access,
            RequestMatcher events,
            RequestMatcher streamEvents,
            RequestMatcher pixel,
            List<RequestMatcher> serverStreamPaths,
            RequestMatcher generator) {
        // Of actuator only these three, open to all: health keeps its details for callers with a key.
        requests.requestMatchers(EndpointRequest.to("health", "info", "prometheus"))
                .permitAll();
        requests.requestMatchers(EndpointRequest.toAnyEndpoint()).denyAll();
        // The API: a key, with the right to the stream or to the generator, before the body is read.
        requests.requestMatchers(events).access(access.defaultStream());
        requests.requestMatchers(streamEvents).access(access.pathStream());
        requests.requestMatchers(pixel).access(access.pixelStream());
        for (RequestMatcher streamPath : serverStreamPaths) {
            requests.requestMatchers(streamPath).access(access.pathStreamForServers());
        }
        requests.requestMatchers(generator).access(access.generator());
        requests.requestMatchers("/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html", "/error")
                .permitAll();
        requests.requestMatchers(HttpMethod.GET, BrowserCors.TRACKER).permitAll();
        requests.anyRequest().authenticated();
    }
}
