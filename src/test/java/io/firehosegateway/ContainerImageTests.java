package io.firehosegateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.journal.JournalProperties;
import io.firehosegateway.pipeline.PipelineProperties;
import io.firehosegateway.sink.local.LocalSinkProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The image runs as a user other than root and on a read-only root filesystem: every directory the
 * gateway writes by default, resolved from the image's working directory, is a volume. There is no
 * Docker daemon where the tests run, so this reads the Dockerfile against the settings' defaults.
 */
class ContainerImageTests {

    private static final Path DOCKERFILE = Path.of("Dockerfile");

    @Test
    void theImageRunsAsAUserOtherThanRoot() throws IOException {
        String user = lastInstruction("USER").get(0);

        assertThat(user).doesNotStartWith("root").doesNotStartWith("0:").isNotEqualTo("0");
    }

    @Test
    void theImageRunsOnJava25SoStalledUploadsHoldNoRequestThread() throws IOException {
        String runtime = lastInstruction("FROM").get(0);

        // Virtual threads serve requests from Java 21 on; 25 is the LTS that SlowClientsIntegrationTests runs.
        assertThat(runtime).matches("eclipse-temurin:25(\\.[0-9.]+)?-jre-.*");
    }

    @Test
    void everyDirectoryTheGatewayWritesByDefaultIsAVolume() throws IOException {
        Path workdir = Path.of(lastInstruction("WORKDIR").get(0));
        List<String> volumes = lastInstruction("VOLUME");
        Binder defaults = new Binder(new MapConfigurationPropertySource(Map.of()));
        List<Path> written = List.of(
                defaults.bindOrCreate("gateway.local", LocalSinkProperties.class)
                        .directory(),
                defaults.bindOrCreate("gateway.journal", JournalProperties.class)
                        .directory(),
                defaults.bindOrCreate("gateway", PipelineProperties.class)
                        .delivery()
                        .deadLetterDirectory(),
                Path.of("/tmp"));

        for (Path directory : written) {
            assertThat(volumes)
                    .as("the volumes of the Dockerfile")
                    .contains(workdir.resolve(directory).normalize().toString());
        }
    }

    /** The arguments of the last instruction of that name, in JSON or shell form. */
    private static List<String> lastInstruction(String name) throws IOException {
        String text = Files.readString(DOCKERFILE).replace("\\\n", " ");
        Matcher matcher = Pattern.compile("(?m)^" + name + "\\s+(.+)$").matcher(text);
        String arguments = null;
        while (matcher.find()) {
            arguments = matcher.group(1).strip();
        }
        assertThat(arguments).as("a %s instruction in the Dockerfile", name).isNotNull();
        List<String> values = new ArrayList<>();
        if (arguments.startsWith("[")) {
            Matcher quoted = Pattern.compile("\"([^\"]*)\"").matcher(arguments);
            while (quoted.find()) {
                values.add(quoted.group(1));
            }
        } else {
            values.addAll(List.of(arguments.split("\\s+")));
        }
        return values;
    }
}
