package io.firehosegateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.firehosegateway.pipeline.PipelineProperties;
import io.firehosegateway.security.SecurityProperties;
import io.firehosegateway.sink.kinesis.KinesisProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.support.SpringApplicationJsonEnvironmentPostProcessor;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.unit.DataSize;
import org.yaml.snakeyaml.Yaml;

/**
 * A {@code gateway.*} key that no setting reads fails the start, naming the key and the nearest
 * setting, whatever form it is written in; every form Spring's relaxed binding binds, and every key
 * the docs (README.md and docs/), the compose file and the application's own configuration set, is
 * known.
 */
class UnknownSettingsIntegrationTests {

    private static final Path README = Path.of("README.md");
    private static final Path DOCS = Path.of("docs");
    private static final Path CONFIGURATION = DOCS.resolve("configuration.md");
    private static final Path COMPOSE = Path.of("docker-compose.yml");

    @TempDir
    Path temp;

    // ---- a start with an unknown key fails

    @Test
    void aStreamSettingThatDoesNotExistFailsTheStartNamingTheNearestSetting() {
        Throwable failure = start(Map.of("gateway.streams.clicks.pack-size", "5KB"), Map.of());

        assertThat(failure)
                .as("the start failed")
                .isNotNull()
                .hasMessageContaining("gateway.streams.clicks.pack-size")
                .hasMessageContaining("the nearest one is gateway.streams.clicks.pack-bytes");
    }

    @Test
    void aMistypedPartitionKeyOrOrderingFailsTheStartRatherThanTurnOrderOff() {
        Throwable failure = start(
                Map.of(
                        "gateway.streams.clicks.sink", "kinesis",
                        "gateway.kinesis.endpoint", "http://127.0.0.1:9",
                        "gateway.aws.region", "us-east-1",
                        "gateway.streams.clicks.partiton-key", "/user",
                        "gateway.streams.clicks.odering", "per-key"),
                Map.of());

        assertThat(failure)
                .as("the start failed")
                .isNotNull()
                .hasMessageContaining(
                        "gateway.streams.clicks.partiton-key",
                        "the nearest one is gateway.streams.clicks.partition-key")
                .hasMessageContaining(
                        "gateway.streams.clicks.odering", "the nearest one is gateway.streams.clicks.ordering");
    }

    @Test
    void aMistypedEnvironmentVariableFailsTheStartNamingTheVariable() {
        Throwable failure = start(Map.of(), Map.of("GATEWAY_STREAMS_CLICKS_ODERING", "per-key"));

        assertThat(failure)
                .as("the start failed")
                .isNotNull()
                .hasMessageContaining("GATEWAY_STREAMS_CLICKS_ODERING")
                .hasMessageContaining("the nearest one is gateway.streams.clicks.ordering");
    }

    /**
     * The gateway started on a free port and the local sink under the test's directory, with these
     * settings and environment variables: what it failed with, or null when it started.
     */
    private Throwable start(Map<String, Object> settings, Map<String, Object> variables) {
        Map<String, Object> local = new LinkedHashMap<>(settings);
        local.put("server.port", "0");
        local.put("gateway.local.directory", temp.resolve("data").toString());
        local.put(
                "gateway.delivery.dead-letter-directory",
                temp.resolve("dead-letter").toString());
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment", variables));
        environment.getPropertySources().addFirst(new MapPropertySource("test-settings", local));
        return catchThrowable(() -> {
            try (ConfigurableApplicationContext started = new SpringApplicationBuilder(GatewayApplication.class)
                    .environment(environment)
                    .run()) {
                assertThat(started.isActive()).isTrue();
            }
        });
    }

    // ---- every form Spring binds is known

    @Test
    void everyFormSpringsRelaxedBindingBindsIsKnown() {
        StandardEnvironment environment = environment(
                Map.of(
                        "gateway.delivery.maxInFlight", "7",
                        "gateway.streams.orders.partitionKey", "/user",
                        "gateway.streams.orders.sink", "kinesis",
                        "gateway.streams[my.stream].pack-bytes", "5KB",
                        "gateway.streams.clicks.metadata.facts[0]", "key",
                        "gateway.streams.audit.metadata.facts.0", "request-id",
                        "gateway.streams.app.schemas[0].value", "signup",
                        "gateway.streams.app.schemas[0].schema", "/s.json",
                        "gateway.public-url", "https://events.example.com"),
                Map.of(
                        "GATEWAY_KINESIS_MAX_BYTES_PER_CALL", "5MB",
                        "GATEWAY_STREAMS_ORDERS_PACKBYTES", "1KB",
                        "GATEWAY_STREAMS_JOBS_MAX_IN_FLIGHT", "64",
                        "GATEWAY_SECURITY_APIKEYS_0_NAME", "loader",
                        "GATEWAY_SECURITY_APIKEYS_0_STREAMS_0", "orders",
                        "GATEWAY_SECURITY_API_KEYS_0_GENERATOR", "true",
                        "GATEWAY_FIREHOSE_SENDWHENIDLE", "false"));

        assertThat(UnknownSettings.unknown(environment)).isEmpty();
        // Each is a form Spring binds, not one the check merely lets through.
        Binder binder = Binder.get(environment);
        PipelineProperties pipeline =
                binder.bind("gateway", PipelineProperties.class).get();
        assertThat(pipeline.delivery().maxInFlight()).isEqualTo(7);
        assertThat(pipeline.stream("orders").partitionKey()).isEqualTo("/user");
        assertThat(pipeline.stream("orders").packBytes()).isEqualTo(DataSize.ofKilobytes(1));
        assertThat(pipeline.stream("my.stream").packBytes()).isEqualTo(DataSize.ofKilobytes(5));
        assertThat(pipeline.stream("jobs").maxInFlight()).isEqualTo(64);
        assertThat(pipeline.stream("clicks").metadata().facts()).containsExactly(PipelineProperties.MetadataFact.KEY);
        assertThat(pipeline.stream("audit").metadata().facts())
                .containsExactly(PipelineProperties.MetadataFact.REQUEST_ID);
        SecurityProperties.ApiKey key = binder.bind("gateway.security", SecurityProperties.class)
                .get()
                .apiKeys()
                .get(0);
        assertThat(key.name()).isEqualTo("loader");
        assertThat(key.generator()).isTrue();
        assertThat(key.streams()).containsExactly("orders");
        assertThat(binder.bind("gateway.kinesis", KinesisProperties.class).get().maxBytesPerCall())
                .isEqualTo(DataSize.ofMegabytes(5));
    }

    @Test
    void eachUnknownKeyIsNamedWithTheNearestSettingInTheFormItWasWrittenIn() {
        StandardEnvironment environment = environment(
                Map.of(
                        "gateway.delivry.mode", "journaled",
                        "gateway.security.api-keys[0].nmae", "loader",
                        "gateway.delivery.mode.journaled", "true"),
                Map.of("GATEWAY_DELIVERY_MAX_IN_FLIGT", "3"));

        assertThat(UnknownSettings.unknown(environment))
                .hasSize(4)
                .anySatisfy(problem -> assertThat(problem)
                        .startsWith("gateway.delivry.mode")
                        .endsWith("the nearest one is gateway.delivery.mode"))
                .anySatisfy(problem -> assertThat(problem)
                        .startsWith("gateway.security.api-keys[0].nmae")
                        .endsWith("the nearest one is gateway.security.api-keys[0].name"))
                .anySatisfy(problem -> assertThat(problem)
                        .startsWith("gateway.delivery.mode.journaled")
                        .endsWith("the nearest one is gateway.delivery.mode"))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("GATEWAY_DELIVERY_MAX_IN_FLIGT")
                        .endsWith("the nearest one is gateway.delivery.max-in-flight"));
    }

    @Test
    void theVariablesKubernetesSetsForAServiceNamedGatewayAreNoTypos() {
        StandardEnvironment environment = environment(
                Map.of("gateway.port", "8080"),
                Map.of(
                        "GATEWAY_PORT", "tcp://10.0.0.7:8080",
                        "GATEWAY_PORT_8080_TCP_ADDR", "10.0.0.7",
                        "GATEWAY_SERVICE_HOST", "10.0.0.7",
                        "GATEWAY_SERVICE_PORT_HTTP", "8080"));

        assertThat(UnknownSettings.unknown(environment))
                .singleElement()
                .asString()
                .startsWith("gateway.port (");
    }

    @Test
    void theVariablesKubernetesSetsForAnyServiceWhoseNameStartsWithGatewayAreNoTypos() {
        // A neighbouring Service named gateway-admin or gateway-api gives every pod of the namespace
        // these, which Spring reads as gateway.admin.service.host and the like.
        StandardEnvironment environment = environment(
                Map.of(),
                Map.of(
                        "GATEWAY_ADMIN_SERVICE_HOST", "10.0.0.8",
                        "GATEWAY_ADMIN_SERVICE_PORT", "9000",
                        "GATEWAY_ADMIN_SERVICE_PORT_GRPC_WEB", "9000",
                        "GATEWAY_ADMIN_PORT", "tcp://10.0.0.8:9000",
                        "GATEWAY_ADMIN_PORT_9000_TCP", "tcp://10.0.0.8:9000",
                        "GATEWAY_ADMIN_PORT_9000_TCP_PROTO", "tcp",
                        "GATEWAY_ADMIN_PORT_9000_TCP_PORT", "9000",
                        "GATEWAY_ADMIN_PORT_9000_TCP_ADDR", "10.0.0.8",
                        "GATEWAY_API_V2_PORT_53_UDP_ADDR", "10.0.0.9"));

        assertThat(UnknownSettings.unknown(environment)).isEmpty();
    }

    @Test
    void aMistypedVariableThatOnlyLooksLikeAServiceLinkIsStillRefused() {
        StandardEnvironment environment = environment(
                Map.of(),
                Map.of(
                        "GATEWAY_STREAMS_CLICKS_ODERING", "per-key",
                        "GATEWAY_ADMIN_PORT_9000_TCP_HOST", "10.0.0.8",
                        "GATEWAY_ADMIN_SERVICE_ADDR", "10.0.0.8"));

        assertThat(UnknownSettings.unknown(environment))
                .hasSize(3)
                .anySatisfy(line -> assertThat(line).startsWith("gateway.streams.clicks.odering ("));
    }

    // ---- what the project itself sets is known

    @Test
    void everySettingTheReadmeNamesOrSetsIsKnown() throws IOException {
        String docs = docs();
        String configuration = Files.readString(CONFIGURATION);
        configuration = configuration.substring(configuration.indexOf("\n## Every setting\n"));
        configuration = configuration.substring(0, configuration.indexOf("\n## ", 1));
        Map<String, Object> named = new LinkedHashMap<>();
        Matcher rows =
                Pattern.compile("^\\| `(gateway\\.[^`]+)`", Pattern.MULTILINE).matcher(configuration);
        while (rows.find()) {
            named.put(rows.group(1).replace("<name>", "clicks").replace("[n]", "[0]"), "x");
        }
        assertThat(named).as("the README's settings").containsKey("gateway.streams.clicks.partition-key");
        StandardEnvironment environment = environment(named, Map.of());
        Matcher examples =
                Pattern.compile("```yaml\\n(gateway:.*?)```", Pattern.DOTALL).matcher(docs);
        int found = 0;
        while (examples.find()) {
            for (PropertySource<?> example : new YamlPropertySourceLoader()
                    .load(
                            "README example " + ++found,
                            new ByteArrayResource(examples.group(1).getBytes(StandardCharsets.UTF_8)))) {
                environment.getPropertySources().addLast(example);
            }
        }
        assertThat(found).as("the README's examples").isGreaterThanOrEqualTo(2);

        assertThat(UnknownSettings.unknown(environment)).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everySettingOfTheComposeFilesGatewayIsKnown() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(COMPOSE));
        Map<String, Object> gateway =
                (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("gateway");
        Map<String, Object> variables = new LinkedHashMap<>((Map<String, Object>) gateway.get("environment"));
        assertThat(variables)
                .containsKeys("GATEWAY_SINK", "GATEWAY_KINESIS_MAX_BYTES_PER_CALL", "SPRING_APPLICATION_JSON");
        StandardEnvironment environment = environment(Map.of(), variables);
        new SpringApplicationJsonEnvironmentPostProcessor()
                .postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("gateway.streams.clicks.partition-key"))
                .isEqualTo("/user");

        assertThat(UnknownSettings.unknown(environment)).isEmpty();
    }

    /** README.md and every docs/*.md as one text: the YAML examples are read wherever they are. */
    private static String docs() throws IOException {
        StringBuilder text = new StringBuilder(Files.readString(README));
        try (Stream<Path> files = Files.list(DOCS)) {
            for (Path file : files.filter(file -> file.toString().endsWith(".md"))
                    .sorted()
                    .toList()) {
                text.append('\n').append(Files.readString(file));
            }
        }
        return text.toString();
    }

    /** Settings and environment variables only: what the machine running the test has set is left out. */
    private static StandardEnvironment environment(Map<String, Object> settings, Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment
                .getPropertySources()
                .addLast(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        environment.getPropertySources().addFirst(new MapPropertySource("test-settings", settings));
        return environment;
    }
}
