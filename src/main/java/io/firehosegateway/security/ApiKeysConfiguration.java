package io.firehosegateway.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The API keys: those of the configuration, and the keys file's, kept current. */
@Configuration(proxyBeanMethods = false)
class ApiKeysConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ApiKeysConfiguration.class);

    @Bean
    ApiKeyRegistry apiKeyRegistry(SecurityProperties properties) {
        ApiKeyRegistry registry = new ApiKeyRegistry(properties.apiKeys(), properties.open());
        if (registry.open()) {
            log.warn("No API keys are configured (gateway.security.api-keys or gateway.security.keys-file):"
                    + " the gateway is open, anyone who reaches it may send events, run the generator and"
                    + " read health details");
        } else if (!properties.apiKeys().isEmpty()) {
            log.info("API keys from the configuration: {}", registry.names());
        }
        return registry;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty("gateway.security.keys-file")
    ApiKeysFileWatcher apiKeysFileWatcher(SecurityProperties properties, ApiKeyRegistry registry) {
        ApiKeysFileWatcher watcher =
                new ApiKeysFileWatcher(properties.keysFile(), properties.keysFileCheckInterval(), registry);
        log.info(
                "API keys from {} (checked for changes every {}): {}",
                properties.keysFile(),
                properties.keysFileCheckInterval(),
                registry.names());
        return watcher;
    }

    @Bean
    @ConditionalOnProperty("gateway.security.keys-file")
    ApiKeysFileHealthIndicator apiKeysFileHealthIndicator(ApiKeysFileWatcher watcher) {
        return new ApiKeysFileHealthIndicator(watcher);
    }
}
