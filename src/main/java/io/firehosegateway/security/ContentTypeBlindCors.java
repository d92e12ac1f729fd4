package io.firehosegateway.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsProcessor;
import org.springframework.web.cors.DefaultCorsProcessor;

/**
 * Spring's CORS processor, shown the request without its {@code Content-Type}, which CORS never reads.
 * Spring's processor first copies every request header into {@link HttpHeaders}, adding the request's
 * character encoding to the content type; a wildcard type ({@code application/*}, which no body can
 * have) cannot take one, and the copy threw: a page's request with one was answered 500 instead of
 * reaching the endpoint, which refuses it with its own 415.
 */
final class ContentTypeBlindCors implements CorsProcessor {

    private final CorsProcessor spring = new DefaultCorsProcessor();

    @Override
    public boolean processRequest(
            CorsConfiguration configuration, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        return spring.processRequest(configuration, new WithoutContentType(request), response);
    }

    private static final class WithoutContentType extends HttpServletRequestWrapper {

        WithoutContentType(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getContentType() {
            return null;
        }

        @Override
        public String getHeader(String name) {
            return isContentType(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return isContentType(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                    .filter(name -> !isContentType(name))
                    .toList());
        }

        private static boolean isContentType(String name) {
            return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name);
        }
    }
}
