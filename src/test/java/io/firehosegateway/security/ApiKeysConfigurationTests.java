package io.firehosegateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/** How the keys are set up at start, and what stops a start. */
@ExtendWith(OutputCaptureExtension.class)
class ApiKeysConfigurationTests {

    private static final String OPEN_WARNING = "No API keys are configured";

    /** A key that is also a valid name, as {@code openssl rand -hex 32} makes them. */
    private static final String HEX_SECRET = "8c0d5e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5";

    /** A key with characters no name may have, as {@code openssl rand -base64 24} makes them. */
    private static final String BASE64_SECRET = "q8Zr/Tf+Ww2kLm9xPa0vBn4cYe7uHs1J";

    private final ApplicationContextRunner contexts =
            new ApplicationContextRunner().withUserConfiguration(Properties.class, ApiKeysConfiguration.class);

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SecurityProperties.class)
    static class Properties {}

    @Test
    void withoutKeysTheGatewayIsOpenAndSaysSoOnce(CapturedOutput output) {
        contexts.run(context -> {
            assertThat(context).hasNotFailed();
            ApiKeyRegistry keys = context.getBean(ApiKeyRegistry.class);
            assertThat(keys.open()).isTrue();
            keys.find("anything-at-all-0000");
            assertThat(output.getOut().split(OPEN_WARNING, -1)).hasSize(2);
        });
    }

    @Test
    void withKeysThereIsNoWarningAndOnlyTheirValuesAuthenticate(CapturedOutput output) {
        contexts.withPropertyValues(
                        "gateway.security.api-keys[0].name=ingest",
                        "gateway.security.api-keys[0].key=ingest-key-0123456789",
                        "gateway.security.api-keys[0].streams=a,b")
                .run(context -> {
                    ApiKeyRegistry keys = context.getBean(ApiKeyRegistry.class);
                    assertThat(keys.open()).isFalse();
                    assertThat(keys.find("ingest-key-0123456789"))
                            .hasValueSatisfying(
                                    client -> assertThat(client.name()).isEqualTo("ingest"));
                    assertThat(keys.find("ingest-key-012345678")).isEmpty();
                    assertThat(keys.find("ingest")).isEmpty();
                    assertThat(output.getOut()).doesNotContain(OPEN_WARNING).doesNotContain("ingest-key-0123456789");
                });
    }

    @Test
    void aKeysFileThatIsEmptyClosesTheGatewayAllTheSameWithAWarning(@TempDir Path directory, CapturedOutput output)
            throws IOException {
        Path file = Files.writeString(directory.resolve("keys"), "# no keys yet\n");
        contexts.withPropertyValues("gateway.security.keys-file=" + file).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ApiKeyRegistry.class).open()).isFalse();
            assertThat(output.getOut()).containsPattern("WARN .* holds no keys");
        });
    }

    @Test
    void aKeysFileOverTheSizeBoundStopsTheStart(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("keys");
        try (java.io.RandomAccessFile huge = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            huge.setLength(3L << 30);
        }
        contexts.withPropertyValues("gateway.security.keys-file=" + file)
                .run(context ->
                        assertThat(context).getFailure().rootCause().hasMessageContaining("is larger than 1048576"));
    }

    @Test
    void aMissingKeysFileStopsTheStart(@TempDir Path directory) {
        contexts.withPropertyValues("gateway.security.keys-file=" + directory.resolve("missing"))
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("missing"));
    }

    @Test
    void aBrowserKeyHoldsItsOriginsAndItsLimitPerClient() {
        contexts.withPropertyValues(
                        "gateway.security.api-keys[0].name=shop",
                        "gateway.security.api-keys[0].key=" + HEX_SECRET,
                        "gateway.security.api-keys[0].origins=https://shop.example.com,http://localhost:8081",
                        "gateway.security.api-keys[0].rate-limit-per-client.requests-per-second=5")
                .run(context -> {
                    ApiClient shop = context.getBean(ApiKeyRegistry.class)
                            .find(HEX_SECRET)
                            .orElseThrow();
                    assertThat(shop.browser()).isTrue();
                    assertThat(shop.allowsOrigin("https://shop.example.com")).isTrue();
                    assertThat(shop.allowsOrigin("https://shop.example.com.evil.example"))
                            .isFalse();
                    assertThat(shop.allowsOrigin(null)).isFalse();
                    assertThat(shop.perClient().requestsPerSecond()).isEqualTo(5);
                });
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://*.example.com",
                "https://shop.example.com/",
                "https://shop.example.com/page",
                "https://Shop.example.com",
                "https://shop.example.com:443",
                "shop.example.com",
                "ftp://shop.example.com",
                "https://user@shop.example.com"
            })
    void anOriginNotWrittenAsABrowserSendsItStopsTheStart(String origin) {
        contexts.withPropertyValues(
                        "gateway.security.api-keys[0].name=shop",
                        "gateway.security.api-keys[0].key=" + HEX_SECRET,
                        "gateway.security.api-keys[0].origins=" + origin)
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("gateway.security.api-keys[0]: an origin must be written"));
    }

    @Test
    void aBrowserKeyWithTheGeneratorRightStopsTheStart() {
        contexts.withPropertyValues(
                        "gateway.security.api-keys[0].name=shop",
                        "gateway.security.api-keys[0].key=" + HEX_SECRET,
                        "gateway.security.api-keys[0].origins=https://shop.example.com",
                        "gateway.security.api-keys[0].generator=true")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("may not have the generator right"));
    }

    @Test
    void aWeakKeyStopsTheStartNamedByItsPlaceNotShown() {
        contexts.withPropertyValues(
                        "gateway.security.api-keys[0].name=ingest", "gateway.security.api-keys[0].key=short-secret")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("gateway.security.api-keys[0]: the key must be")
                        .message()
                        .doesNotContain("short-secret"));
    }

    @Test
    void twoKeysOfOneNameOrOneValueStopTheStart() {
        contexts.withPropertyValues(
                        "gateway.security.api-keys[0].name=ingest",
                        "gateway.security.api-keys[0].key=ingest-key-0123456789",
                        "gateway.security.api-keys[1].name=ingest",
                        "gateway.security.api-keys[1].key=other-key-0123456789")
                .run(
                        context -> assertThat(context)
                                .getFailure()
                                .rootCause()
                                .hasMessageContaining(
                                        "gateway.security.api-keys[1]: the name is already used by gateway.security.api-keys[0]"));
        contexts.withPropertyValues(
                        "gateway.security.api-keys[0].name=ingest",
                        "gateway.security.api-keys[0].key=ingest-key-0123456789",
                        "gateway.security.api-keys[1].name=copy",
                        "gateway.security.api-keys[1].key=ingest-key-0123456789")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("gateway.security.api-keys[1]: the key has the same value as"
                                + " gateway.security.api-keys[0]"));
    }

    @Test
    void theNamesTheMetricsUseForNoKeyAndTheOpenGatewayAreReserved() {
        contexts.withPropertyValues(
                        "gateway.security.api-keys[0].name=open",
                        "gateway.security.api-keys[0].key=ingest-key-0123456789")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("reserved"));
    }

    /**
     * The shapes of a line that put the key where the name belongs, or leave it the only field: the
     * name left out, a key that is itself a valid name, {@code name=<key>}. The start fails, and
     * neither its log nor its exception chain shows the key.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                HEX_SECRET + ":events",
                BASE64_SECRET + ":events",
                HEX_SECRET + ":",
                "name=" + HEX_SECRET,
                "name=" + HEX_SECRET + ":events",
                "ingest=" + BASE64_SECRET + "::generator"
            })
    void aKeysFileLineWithoutANameStopsTheStartWithoutShowingTheKey(
            String line, @TempDir Path directory, CapturedOutput output) throws IOException {
        Path file = Files.writeString(directory.resolve("keys"), "# name:key[:streams[:generator]]\n" + line + "\n");
        SpringApplicationBuilder application = new SpringApplicationBuilder(
                        Properties.class, ApiKeysConfiguration.class)
                .web(WebApplicationType.NONE)
                .properties("gateway.security.keys-file=" + file);

        Throwable failure = catchStartFailure(application);

        assertThat(output.getAll()).contains("Application run failed");
        String secret = line.contains(HEX_SECRET) ? HEX_SECRET : BASE64_SECRET;
        assertThat(output.getAll()).doesNotContain(secret);
        assertThat(stackTrace(failure)).doesNotContain(secret);
        assertThat(failure).rootCause().hasMessageContaining("Line 2");
    }

    @Test
    void aConfiguredKeyInTheNameIsNotShownEither(CapturedOutput output) {
        SpringApplicationBuilder application = new SpringApplicationBuilder(
                        Properties.class, ApiKeysConfiguration.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "gateway.security.api-keys[0].name=" + HEX_SECRET, "gateway.security.api-keys[0].key=events");

        Throwable failure = catchStartFailure(application);

        assertThat(output.getAll()).contains("Application run failed").doesNotContain(HEX_SECRET);
        assertThat(stackTrace(failure)).doesNotContain(HEX_SECRET);
        assertThat(failure).rootCause().hasMessageContaining("gateway.security.api-keys[0]");
    }

    private static Throwable catchStartFailure(SpringApplicationBuilder application) {
        return assertThatException().isThrownBy(() -> application.run().close()).actual();
    }

    private static String stackTrace(Throwable failure) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }
}
