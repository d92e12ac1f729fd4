package io.firehosegateway.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call the gateway. With neither {@code api-keys} nor {@code keys-file} set the gateway is
 * open to anyone, and says so in one warning at start.
 *
 * @param apiKeys keys given in the configuration, typically from the environment
 *     ({@code GATEWAY_SECURITY_APIKEYS_0_NAME}, {@code GATEWAY_SECURITY_APIKEYS_0_KEY}, ...)
 * @param keysFile a file of keys, one {@code name:key[:streams[:generator]]} a line, read at start
 *     and again whenever its content changes, so keys rotate without a restart
 * @param keysFileCheckInterval how often the keys file is read again to see whether it changed
 * @param rateLimit the rate each key may send requests at; off unless {@code requests-per-second}
 *     is set
 * @param eventFilter whether the event endpoints ({@code /events}, {@code /streams/{stream}/events})
 *     are checked by one plain filter instead of Spring Security's filter chain: the same answers
 *     for less CPU per request; off only to compare the two
 */
@ConfigurationProperties("gateway.security")
@Validated
public record SecurityProperties(
        @DefaultValue List<@Valid ApiKey> apiKeys,
        Path keysFile,
        @DefaultValue("10s") @NotNull Duration keysFileCheckInterval,
        @DefaultValue @Valid RateLimit rateLimit,
        @DefaultValue("true") boolean eventFilter) {

    /** Whether the gateway takes requests from anyone: no key is configured, in any way. */
    public boolean open() {
        return apiKeys.isEmpty() && keysFile == null;
    }

    /**
     * One API key. Its value is checked by {@link ApiKeyRegistry}, whose messages name the key by its
     * index ({@code gateway.security.api-keys[0]}), never show a field of it.
     *
     * @param name the key's name, used in logs and metrics: letters, digits, '.', '_' and '-'
     * @param key the secret a client sends: at least 16 visible ASCII characters, no ':'
     * @param streams the streams the key may send to; empty for every stream
     * @param generator whether the key may start and watch load-generation jobs
     * @param origins the exact origins ({@code https://shop.example.com}, no wildcard, no path) of
     *     the web pages that may use the key; a key with origins is a browser key, which may sit in a
     *     page's source: it may only send events, only from a request whose {@code Origin} is one of
     *     these, and may come as {@code ?key=} on the URL
     * @param rateLimitPerClient a browser key's rate limit for each client address, since every
     *     visitor of the page shares the key; when off, {@code gateway.security.rate-limit} applies
     *     per client address instead
     */
    public record ApiKey(
            String name,
            String key,
            @DefaultValue List<String> streams,
            @DefaultValue("false") boolean generator,
            @DefaultValue List<String> origins,
            @DefaultValue @Valid RateLimit rateLimitPerClient) {

        @ConstructorBinding
        public ApiKey {}

        /** A key for servers: no origins, the gateway's rate limit. */
        public ApiKey(String name, String key, List<String> streams, boolean generator) {
            this(name, key, streams, generator, List.of(), new RateLimit(0, 0));
        }

        /** Never the key itself: records print every component, and settings get logged. */
        @Override
        public String toString() {
            return "ApiKey[name=" + name + ", streams=" + streams + ", generator=" + generator + ", origins=" + origins
                    + "]";
        }
    }

    /**
     * A token bucket per key.
     *
     * @param requestsPerSecond the sustained rate a key may send requests at; 0 turns the limit off
     * @param burst how many requests a key may send at once after being idle; 0 means as many as
     *     {@code requests-per-second}
     */
    public record RateLimit(
            @DefaultValue("0") @Min(0) int requestsPerSecond,
            @DefaultValue("0") @Min(0) int burst) {

        public boolean enabled() {
            return requestsPerSecond > 0;
        }

        /** The bucket's capacity. */
        public int capacity() {
            return burst > 0 ? burst : requestsPerSecond;
        }
    }
}
