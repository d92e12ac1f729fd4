package io.firehosegateway.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the event endpoints are served.
 *
 * @param directDispatch whether {@code POST /events} and {@code POST /streams/{stream}/events} are
 *     served by one filter that calls the controller directly instead of through Spring MVC's
 *     dispatch; the answers are the same, byte for byte, and cost less CPU; {@code false} brings MVC's
 *     dispatch back
 */
@ConfigurationProperties("gateway.edge")
@Validated
record EventEndpointProperties(@DefaultValue("true") boolean directDispatch) {}
