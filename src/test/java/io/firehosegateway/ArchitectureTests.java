package io.firehosegateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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
                .and()
                .doNotHaveSimpleName("FirehoseClientConfiguration")
                .and()
                .doNotHaveSimpleName("FirehoseHealthIndicator")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + ".pipeline..")
                .check(classes);
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
