package io.firehosegateway.support;

import io.firehosegateway.GatewayApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Gateways for differential tests of the event paths, two in one JVM: each on a free port with the
 * {@link RecordingSink}, three keys (one for servers, one limited to the audit stream, a browser key
 * for the clicks stream from one page's origin), and metadata that records what the controller read
 * of the request's principal and headers.
 */
public final class KeyedGateways {

    public static final String INGEST = "ingest-key-1111111111111111";
    public static final String AUDITOR = "auditor-key-222222222222222";
    public static final String SHOP = "shop-browser-key-333333333";
    public static final String ORIGIN = "https://shop.example.com";

    private KeyedGateways() {}

    /**
     * Starts a gateway with the keys, {@code settings} on top.
     *
     * @param builder the application's builder, with what the test adds (listeners); the sources are added here
     * @param files where this gateway keeps its files
     */
    public static ConfigurableApplicationContext start(
            SpringApplicationBuilder builder, Path files, String... settings) {
        List<String> properties = new ArrayList<>(List.of(
                "server.port=0",
                "gateway.sink=firehose",
                "gateway.delivery.dead-letter-directory=" + files.resolve("dead-letter"),
                "gateway.streams.audit.pack-bytes=0B",
                "gateway.streams.clicks.pack-bytes=0B",
                "gateway.streams.events.metadata.facts=key,request-id,origin",
                "gateway.streams.clicks.metadata.facts=key,request-id,origin",
                "gateway.security.api-keys[0].name=ingest",
                "gateway.security.api-keys[0].key=" + INGEST,
                "gateway.security.api-keys[1].name=auditor",
                "gateway.security.api-keys[1].key=" + AUDITOR,
                "gateway.security.api-keys[1].streams=audit",
                "gateway.security.api-keys[2].name=shop",
                "gateway.security.api-keys[2].key=" + SHOP,
                "gateway.security.api-keys[2].streams=clicks",
                "gateway.security.api-keys[2].origins=" + ORIGIN));
        properties.addAll(List.of(settings));
        return builder.sources(GatewayApplication.class, RecordingSink.Configuration.class)
                .properties(properties.toArray(String[]::new))
                .run();
    }
}
