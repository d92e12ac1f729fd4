package io.firehosegateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the package boundaries the README describes true as the code grows: dependencies point
 * towards {@code event}; {@code api} talks only to the pipeline; sinks never reach back into the
 * pipeline or the API.
 */
class ArchitectureTests {

    private static final String ROOT = "io.firehosegateway";
    private static final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void eventDependsOnNothingElseOfTheGateway() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".event..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        ROOT + ".api..",
                        ROOT + ".pipeline..",
                        ROOT + ".sink..",
                        ROOT + ".journal..",
                        ROOT + ".generator..",
                        ROOT + ".metrics..")
                .check(classes);
    }

    @Test
    void journalDependsOnlyOnEvent() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".journal..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".api..", ROOT + ".pipeline..", ROOT + ".sink..", ROOT + ".generator..")
                .check(classes);
    }

    @Test
    void sinksNeverReachBackIntoThePipelineOrTheApi() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".sink..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".api..", ROOT + ".generator..", ROOT + ".journal..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".sink..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + ".pipeline..")
                .check(classes);
    }

    @Test
    void thePipelineKnowsTheSinkContractNotItsKinds() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".pipeline..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".sink.*..")
                .check(classes);
    }

    /**
     * The compiler inlines constants, so a class that reads another package's constant shows no
     * dependency in its bytecode: the sources must not name what the bytecode rules forbid.
     */
    @Test
    void noSourceNamesWhatItsPackageMayNotDependOn() throws IOException {
        assertSourcesDoNotName("api", "sink", "journal");
        assertSourcesDoNotName("generator", "sink", "journal");
        assertSourcesDoNotName("sink", "pipeline", "api", "generator", "journal");
        assertSourcesDoNotName("journal", "api", "pipeline", "sink", "generator");
        assertSourcesDoNotName("event", "api", "pipeline", "sink", "journal", "generator", "metrics");
        assertSourcesDoNotName("pipeline", "sink.firehose", "sink.local", "sink.sqs");
    }

    private static void assertSourcesDoNotName(String module, String... forbidden) throws IOException {
        Path root = Path.of("src/main/java", ROOT.replace('.', '/'), module.replace('.', '/'));
        List<String> offences = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                for (String target : forbidden) {
                    if (Pattern.compile("\\b" + Pattern.quote(ROOT + "." + target) + "\\b")
                            .matcher(source)
                            .find()) {
                        offences.add(file + " names " + ROOT + "." + target);
                    }
                }
            }
        }
        assertThat(offences).isEmpty();
    }

    @Test
    void theApiTalksToThePipelineNotToSinksOrTheJournal() {
        noClasses()
                .that()
                .resideInAnyPackage(ROOT + ".api..", ROOT + ".generator..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".sink..", ROOT + ".journal..")
                .check(classes);
    }

    @Test
    void onlyTheSecurityPackageKnowsSpringSecurityAndItReachesNoSinkOrJournal() {
        noClasses()
                .that()
                .resideOutsideOfPackage(ROOT + ".security..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.springframework.security..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".security..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".sink..", ROOT + ".journal..", ROOT + ".generator..")
                .check(classes);
    }

    @Test
    void onlyConfigurationClassesTouchSdkBuilders() {
        noClasses()
                .that()
                .doNotHaveSimpleName("FirehoseClientConfiguration")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("software.amazon.awssdk.services.firehose.FirehoseAsyncClientBuilder")
                .check(classes);
    }
}
