package io.firehosegateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/** How the keys are set up at start, and what stops a start. */
@ExtendWith(OutputCaptureExtension.class)
class ApiKeysConfigurationTests {

    private static final String OPEN_WARNING = "No API keys are configured";

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
    void aKeysFileThatIsEmptyClosesTheGatewayAllTheSame(@TempDir Path directory) throws IOException {
        Path file = Files.writeString(directory.resolve("keys"), "# no keys yet\n");
        contexts.withPropertyValues("gateway.security.keys-file=" + file).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ApiKeyRegistry.class).open()).isFalse();
        });
    }

    @Test
    void aMissingKeysFileStopsTheStart(@TempDir Path directory) {
        contexts.withPropertyValues("gateway.security.keys-file=" + directory.resolve("missing"))
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("missing"));
    }

    @Test
    void aWeakKeyStopsTheStartNamedByItsNameNotShown() {
        contexts.withPropertyValues(
                        "gateway.security.api-keys[0].name=ingest", "gateway.security.api-keys[0].key=short-secret")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("'ingest'")
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
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("Two API keys are named 'ingest'"));
        contexts.withPropertyValues(
                        "gateway.security.api-keys[0].name=ingest",
                        "gateway.security.api-keys[0].key=ingest-key-0123456789",
                        "gateway.security.api-keys[1].name=copy",
                        "gateway.security.api-keys[1].key=ingest-key-0123456789")
                .run(context ->
                        assertThat(context).getFailure().rootCause().hasMessageContaining("'copy' has the same value"));
    }

    @Test
    void theNamesTheMetricsUseForNoKeyAndTheOpenGatewayAreReserved() {
        contexts.withPropertyValues(
                        "gateway.security.api-keys[0].name=open",
                        "gateway.security.api-keys[0].key=ingest-key-0123456789")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("reserved"));
    }
}
