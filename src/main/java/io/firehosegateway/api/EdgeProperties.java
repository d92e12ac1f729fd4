package io.firehosegateway.api;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What the gateway knows of where a request came from and of itself, for the metadata it adds to
 * events.
 *
 * @param trustedProxies the proxies (IP addresses or CIDR ranges, such as {@code 10.0.3.17} or
 *     {@code 10.0.0.0/16}) whose {@code X-Forwarded-For} is believed; empty, the default, believes no
 *     one's, so a client's address is always the address its connection came from
 * @param instance the name of this gateway instance in the metadata; the host's name (a pod's name
 *     in Kubernetes) when not set
 */
@ConfigurationProperties("gateway")
@Validated
record EdgeProperties(@DefaultValue List<String> trustedProxies, String instance) {

    EdgeProperties {
        trustedProxies = List.copyOf(trustedProxies);
    }
}
