package io.firehosegateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeysFileFormatTests {

    @Test
    void readsNameKeyStreamsAndTheGeneratorRightSkippingCommentsAndBlankLines() {
        List<ApiKeysFileFormat.Line> lines = ApiKeysFileFormat.parse("""
                # name:key[:streams[:generator]]

                ingest:key-one-0123456789ab
                auditor:key-two-0123456789ab:audit, billing
                loadtest:key-three-0123456789::generator\r
                """);

        assertThat(lines).extracting(ApiKeysFileFormat.Line::number).containsExactly(3, 4, 5);
        assertThat(lines.stream().map(ApiKeysFileFormat.Line::key))
                .extracting(
                        SecurityProperties.ApiKey::name,
                        SecurityProperties.ApiKey::key,
                        SecurityProperties.ApiKey::streams,
                        SecurityProperties.ApiKey::generator)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("ingest", "key-one-0123456789ab", List.of(), false),
                        org.assertj.core.groups.Tuple.tuple(
                                "auditor", "key-two-0123456789ab", List.of("audit", "billing"), false),
                        org.assertj.core.groups.Tuple.tuple("loadtest", "key-three-0123456789", List.of(), true));
    }

    @Test
    void namesTheBadLineByItsNumberNeverItsContent() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ApiKeysFileFormat.parse("ok:key-one-0123456789ab\nbroken-secret-value\n"))
                .withMessageContaining("Line 2")
                .withMessageNotContaining("broken-secret-value");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ApiKeysFileFormat.parse("a:key-one-0123456789ab:s:admin\n"))
                .withMessageContaining("Line 1")
                .withMessageContaining("generator");
    }

    @Test
    void readsABrowserKeysOrigins() {
        List<ApiKeysFileFormat.Line> lines = ApiKeysFileFormat.parse(
                "shop:key-one-0123456789ab:clicks:origins=https://shop.example.com,http://localhost:8081\n");

        assertThat(lines.get(0).key().origins()).containsExactly("https://shop.example.com", "http://localhost:8081");
        assertThat(lines.get(0).key().streams()).containsExactly("clicks");
        assertThat(lines.get(0).key().generator()).isFalse();
    }

    @Test
    void aKeyPrintsWithoutItsValue() {
        SecurityProperties.ApiKey key =
                new SecurityProperties.ApiKey("ingest", "key-one-0123456789ab", List.of(), false);

        assertThat(key.toString()).contains("ingest").doesNotContain("key-one");
    }
}
