package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.pipeline.PipelineProperties.Metadata;
import io.firehosegateway.pipeline.PipelineProperties.MetadataFact;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which metadata member names a stream may pick: ones written into events as they are. */
class MetadataSettingsTests {

    private static final Validator validator =
            Validation.buildDefaultValidatorFactory().getValidator();

    @Test
    void theUsualNamesAreTaken() {
        for (String member : List.of("_meta", "meta", "@metadata", "gw.meta", "$m", "x-1")) {
            assertThat(validator.validate(new Metadata(member, List.of(MetadataFact.KEY))))
                    .as(member)
                    .isEmpty();
        }
    }

    @Test
    void namesThatWouldNeedEscapingOrHoldTheIdAreRefused() {
        for (String member : List.of("id", "", "a\"b", "a\\b", "ä", "with space", "x".repeat(65))) {
            assertThat(validator.validate(new Metadata(member, List.of(MetadataFact.KEY))))
                    .as(member)
                    .isNotEmpty();
        }
    }

    @Test
    void noFactsMeansOff() {
        assertThat(Metadata.OFF.isOn()).isFalse();
        assertThat(new Metadata("_meta", List.of(MetadataFact.RECEIVED_AT)).isOn())
                .isTrue();
    }
}
