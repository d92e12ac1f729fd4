package io.firehosegateway.api;

import org.apache.coyote.AbstractProtocol;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Gives Tomcat the body read timeout: its connection timeout is how long a blocking read of a body
 * waits for the next byte (and how long a new connection may take to send its request line). The
 * total deadline per body is {@link BodyReadDeadlineInputStream}'s. Runs after Spring Boot's own
 * customizer, so {@code gateway.limits.body-read-timeout} wins over {@code
 * server.tomcat.connection-timeout}.
 */
@Component
class BodyReadTimeouts implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

    private final ApiProperties limits;

    BodyReadTimeouts(ApiProperties limits) {
        this.limits = limits;
    }

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
        int millis = (int) Math.min(Integer.MAX_VALUE, limits.bodyReadTimeout().toMillis());
        factory.addConnectorCustomizers(connector -> {
            if (connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
                protocol.setConnectionTimeout(millis);
            }
        });
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
