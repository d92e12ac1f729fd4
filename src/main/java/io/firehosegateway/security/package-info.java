/**
 * Who may use the gateway: API keys at the edge, per-key stream and generator rights and rate
 * limits, and an actuator that serves only health, info and prometheus.
 *
 * <p>One small Spring Security filter chain does it all, statelessly: {@link
 * io.firehosegateway.security.ApiKeyAuthenticationFilter} turns a valid key into an {@link
 * io.firehosegateway.security.ApiClient}, the chain's authorization rules check the client's streams
 * and generator right before a body is read, and {@link io.firehosegateway.security.RateLimitFilter}
 * spends the client's tokens last. The event endpoints, where almost every request goes, get the
 * same checks from one plain filter, {@link io.firehosegateway.security.EventPathFilter}, which
 * uses the chain's header writer, CORS rules, rate limit and problems. Keys are held only as SHA-256 digests, compared in constant time,
 * and named by their name in logs and metrics. With no keys configured every request is the client
 * {@link io.firehosegateway.security.ApiClient#OPEN}, and the gateway says so once at start. The
 * keys file is read again by {@link io.firehosegateway.security.ApiKeysFileWatcher}, which refuses a
 * version it cannot trust, keeps the keys in use, and shows the file stale in health. It answers
 * refusals with the types of {@code problem}, reads the default stream from the pipeline's settings,
 * and counts through {@code metrics}; nothing else of the gateway depends on it.
 */
package io.firehosegateway.security;
