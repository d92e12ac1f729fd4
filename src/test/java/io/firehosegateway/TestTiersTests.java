package io.firehosegateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Keeps the two tiers of tests apart: a test that starts the application on a port or starts another
 * process is named {@code *IntegrationTests}, which {@code ./mvnw test} leaves to {@code ./mvnw verify}
 * (pom.xml, docs/contributing.md). A test that only runs for minutes cannot be seen here: its author
 * names it so.
 */
class TestTiersTests {

    /** What starts a process: moto_server, ElasticMQ's server, a gateway JVM, any other program. */
    private static final Set<String> PROCESS_STARTERS = Set.of(
            "io.firehosegateway.support.MotoServer",
            "io.firehosegateway.support.ElasticMqServer",
            "io.firehosegateway.support.GatewayProcess",
            "java.lang.ProcessBuilder");

    /** The compiled tests alone: the tiers are a matter of src/test. */
    private static final JavaClasses TESTS = new ClassFileImporter().importPath(Path.of("target", "test-classes"));

    @Test
    void everyTestThatNeedsAPortOrAProcessIsAnIntegrationTest() {
        List<String> inTheFastTier = TESTS.stream()
                .filter(TestTiersTests::isRunBySurefire)
                .filter(TestTiersTests::needsAPortOrAProcess)
                .map(JavaClass::getName)
                .sorted()
                .toList();

        assertThat(inTheFastTier)
                .as("tests that need a port or a process but are not named *IntegrationTests")
                .isEmpty();
    }

    @Test
    void theRuleSeesTheTestsThatNeedAPortOrAProcess() {
        // Without this, a rule that matched nothing would pass above.
        assertThat(Stream.of(
                                "io.firehosegateway.api.BadInputIntegrationTests",
                                "io.firehosegateway.api.SlowClientsIntegrationTests",
                                "io.firehosegateway.sink.sqs.ElasticMqLimitsIntegrationTests",
                                "io.firehosegateway.sink.sqs.SqsDeliveryIntegrationTests",
                                "io.firehosegateway.UnknownSettingsIntegrationTests",
                                "io.firehosegateway.CloudFormationTemplateIntegrationTests")
                        .map(TESTS::get))
                .allMatch(TestTiersTests::needsAPortOrAProcess);
        assertThat(TESTS.get("io.firehosegateway.security.ApiKeysConfigurationTests"))
                .matches(test -> !needsAPortOrAProcess(test), "needs neither");
    }

    /** A class surefire runs: a concrete top-level *Tests class that is neither integration nor fuzz. */
    private static boolean isRunBySurefire(JavaClass test) {
        String name = test.getSimpleName();
        return test.isTopLevelClass()
                && !test.getModifiers().contains(JavaModifier.ABSTRACT)
                && name.endsWith("Tests")
                && !name.endsWith("IntegrationTests")
                && !name.endsWith("FuzzTests");
    }

    /** Whether the test or a class it extends starts the application on a port or another process. */
    private static boolean needsAPortOrAProcess(JavaClass test) {
        return Stream.concat(Stream.of(test), test.getAllRawSuperclasses().stream())
                .anyMatch(type -> startsOnAPort(type) || startsAProcess(type));
    }

    private static boolean startsOnAPort(JavaClass type) {
        boolean embeddedServer = type.tryGetAnnotationOfType(SpringBootTest.class)
                .map(test -> test.webEnvironment().isEmbedded())
                .orElse(false);
        // An application built by hand is a web application on a port unless it is told otherwise.
        boolean startsByHand = calls(type, SpringApplicationBuilder.class, "run");
        boolean withoutServer = calls(type, SpringApplicationBuilder.class, "web");
        return embeddedServer || (startsByHand && !withoutServer);
    }

    private static boolean startsAProcess(JavaClass type) {
        return withNested(type)
                .flatMap(nested -> nested.getDirectDependenciesFromSelf().stream())
                .anyMatch(dependency ->
                        PROCESS_STARTERS.contains(dependency.getTargetClass().getName())
                                || dependency.getTargetClass().getPackageName().startsWith("org.testcontainers"));
    }

    private static boolean calls(JavaClass type, Class<?> owner, String method) {
        return withNested(type)
                .flatMap(nested -> nested.getMethodCallsFromSelf().stream())
                .anyMatch(call -> call.getTargetOwner().isEquivalentTo(owner)
                        && call.getName().equals(method));
    }

    /** The class and those nested in it (anonymous classes, @Nested tests), where its code also runs. */
    private static Stream<JavaClass> withNested(JavaClass type) {
        return TESTS.stream()
                .filter(candidate ->
                        candidate.equals(type) || candidate.getName().startsWith(type.getName() + "$"));
    }
}
