package io.firehosegateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps renamed settings working for a release: every {@code gateway.*} property that the
 * configuration metadata marks deprecated with a replacement (in
 * {@code META-INF/additional-spring-configuration-metadata.json}) is read under its old name when
 * its new one is not set, with a warning at start naming both. The metadata is the one list: IDEs
 * show the same deprecations.
 */
public final class RenamedProperties implements EnvironmentPostProcessor, Ordered {

    static final String SOURCE = "gateway-renamed-properties";

    private static final String METADATA = "classpath*:META-INF/spring-configuration-metadata.json";

    private final Log log;

    public RenamedProperties(DeferredLogFactory logs) {
        this.log = logs.getLog(RenamedProperties.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> renamed = new LinkedHashMap<>();
        renames().forEach((old, replacement) -> {
            String value = environment.getProperty(old);
            if (value == null) {
                return;
            }
            if (environment.containsProperty(replacement)) {
                log.warn(old + " is deprecated and ignored, since " + replacement + " is set too; remove " + old);
            } else {
                log.warn(old + " is deprecated; use " + replacement + " (it still works in this release)");
                renamed.put(replacement, value);
            }
        });
        if (!renamed.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE, renamed));
        }
    }

    /** Old name to new, from the configuration metadata. */
    static Map<String, String> renames() {
        Map<String, String> renames = new LinkedHashMap<>();
        for (JsonNode property : gatewayMetadata()) {
            String replacement =
                    property.path("deprecation").path("replacement").asString();
            if (!replacement.isEmpty()) {
                renames.put(property.path("name").asString(), replacement);
            }
        }
        return renames;
    }

    /** The {@code gateway.*} properties of the configuration metadata. */
    static List<JsonNode> gatewayMetadata() {
        List<JsonNode> properties = new ArrayList<>();
        JsonMapper json = JsonMapper.builder().build();
        try {
            for (Resource resource : new PathMatchingResourcePatternResolver().getResources(METADATA)) {
                try (InputStream in = resource.getInputStream()) {
                    for (JsonNode property : json.readTree(in).path("properties")) {
                        if (property.path("name").asString().startsWith("gateway.")) {
                            properties.add(property);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the configuration metadata", e);
        }
        return properties;
    }

    /** After the configuration files are read, so renamed keys in them are found. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
