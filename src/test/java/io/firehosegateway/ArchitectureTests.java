package io.firehosegateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Configuration;

/**
 * The map of the code, as an allow-list: every package is a layer, and each layer may use only the
 * layers named here, so an import nobody thought to forbid fails too. Dependencies point towards
 * {@code event}; the api and the generator talk to the pipeline and the schemas, and the api claims
 * idempotency keys; the pipeline uses
 * the sink contract, the journal and the metrics; sinks and the journal know only events; the
 * problem types are shared by the api, security and the generator.
 */
class ArchitectureTests {

    private static final String ROOT = "io.firehosegateway";
    private static final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    /** What each package's sources may name of the others: the allow-list of the layers, read as packages. */
    private static final Map<String, Set<String>> MAY_NAME = Map.ofEntries(
            Map.entry("api", Set.of("pipeline", "schema", "idempotency", "problem", "event")),
            Map.entry("generator", Set.of("api", "pipeline", "schema", "problem", "event")),
            Map.entry("security", Set.of("api", "pipeline", "problem", "metrics")),
            Map.entry("idempotency", Set.of("problem", "metrics", "event", "sink")),
            Map.entry("problem", Set.of()),
            Map.entry("schema", Set.of("metrics", "event")),
            Map.entry("pipeline", Set.of("sink", "journal", "metrics", "event")),
            Map.entry("sink", Set.of("event")),
            Map.entry("journal", Set.of("event")),
            Map.entry("metrics", Set.of()),
            Map.entry("event", Set.of()));

    @Test
    void everyPackageUsesOnlyTheLayersItIsAllowed() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .ensureAllClassesAreContainedInArchitecture()
                .layer("Application")
                .definedBy(ROOT)
                .layer("Api")
                .definedBy(ROOT + ".api..")
                .layer("Generator")
                .definedBy(ROOT + ".generator..")
                .layer("Security")
                .definedBy(ROOT + ".security..")
                .layer("Idempotency")
                .definedBy(ROOT + ".idempotency..")
                .layer("Problem")
                .definedBy(ROOT + ".problem..")
                .layer("Schema")
                .definedBy(ROOT + ".schema..")
                .layer("Pipeline")
                .definedBy(ROOT + ".pipeline..")
                .layer("SinkContract")
                .definedBy(ROOT + ".sink")
                .layer("Sinks")
                .definedBy(ROOT + ".sink.*..")
                .layer("Journal")
                .definedBy(ROOT + ".journal..")
                .layer("Metrics")
                .definedBy(ROOT + ".metrics..")
                .layer("Event")
                .definedBy(ROOT + ".event..")
                .whereLayer("Application")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Application")
                .mayNotAccessAnyLayer()
                // The generator writes its events with the api's metadata, as a request would.
                // Security reads the client's address as the edge resolves it: a browser key is limited per visitor.
                .whereLayer("Api")
                .mayOnlyBeAccessedByLayers("Generator", "Security")
                .whereLayer("Api")
                .mayOnlyAccessLayers("Pipeline", "Schema", "Idempotency", "Problem", "Event")
                .whereLayer("Generator")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Generator")
                .mayOnlyAccessLayers("Api", "Pipeline", "Schema", "Problem", "Event")
                .whereLayer("Security")
                .mayNotBeAccessedByAnyLayer()
                // Security reads the streams' settings to know which keys may write to which stream.
                .whereLayer("Security")
                .mayOnlyAccessLayers("Api", "Pipeline", "Problem", "Metrics")
                // Idempotency keys are claimed by the api, before a request runs.
                .whereLayer("Idempotency")
                .mayOnlyBeAccessedByLayers("Api")
                // The DynamoDB store builds its client as every AWS client is built: with sink.aws
                // (what AWS clients share), and no other part of sink (see idempotencyUsesOnlyTheSharedAwsPieces).
                .whereLayer("Idempotency")
                .mayOnlyAccessLayers("Problem", "Metrics", "Event", "Sinks")
                .whereLayer("Problem")
                .mayOnlyBeAccessedByLayers("Api", "Generator", "Security", "Idempotency")
                .whereLayer("Problem")
                .mayNotAccessAnyLayer()
                .whereLayer("Schema")
                .mayOnlyBeAccessedByLayers("Api", "Generator")
                .whereLayer("Schema")
                .mayOnlyAccessLayers("Metrics", "Event")
                .whereLayer("Pipeline")
                .mayOnlyBeAccessedByLayers("Api", "Generator", "Security")
                .whereLayer("Pipeline")
                .mayOnlyAccessLayers("SinkContract", "Journal", "Metrics", "Event")
                .whereLayer("SinkContract")
                .mayOnlyBeAccessedByLayers("Pipeline", "Sinks")
                .whereLayer("SinkContract")
                .mayOnlyAccessLayers("Event")
                // Each kind of sink is found by Spring, never named by the code that sends to it.
                .whereLayer("Sinks")
                .mayOnlyBeAccessedByLayers("Idempotency")
                .whereLayer("Sinks")
                .mayOnlyAccessLayers("SinkContract", "Event")
                .whereLayer("Journal")
                .mayOnlyBeAccessedByLayers("Pipeline")
                .whereLayer("Journal")
                .mayOnlyAccessLayers("Event")
                // Sinks never count themselves: the pipeline counts what they did.
                .whereLayer("Metrics")
                .mayOnlyBeAccessedByLayers("Pipeline", "Schema", "Security", "Idempotency")
                .whereLayer("Metrics")
                .mayNotAccessAnyLayer()
                .whereLayer("Event")
                .mayNotAccessAnyLayer()
                .check(classes);
    }

    @Test
    void noPackageDependsOnItselfThroughAnother() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    /**
     * The compiler inlines constants, so a class that reads another package's constant shows no
     * dependency in its bytecode: the sources must not name a package their layer may not use.
     */
    @Test
    void noSourceNamesWhatItsPackageMayNotDependOn() throws IOException {
        for (Map.Entry<String, Set<String>> module : MAY_NAME.entrySet()) {
            List<String> forbidden = new ArrayList<>();
            for (String other : MAY_NAME.keySet()) {
                if (!other.equals(module.getKey()) && !module.getValue().contains(other)) {
                    forbidden.add(other);
                }
            }
            if (module.getKey().equals("pipeline")) {
                forbidden.addAll(List.of(kindsOfSink()));
            }
            if (module.getKey().equals("idempotency")) {
                forbidden.addAll(Stream.of(kindsOfSink())
                        .filter(kind -> !kind.equals("sink.aws"))
                        .toList());
            }
            assertSourcesDoNotName(module.getKey(), forbidden.toArray(String[]::new));
        }
    }

    /** Every package under {@code sink}: one per kind of sink, and what they share. */
    private static String[] kindsOfSink() throws IOException {
        Path sink = Path.of("src/main/java", ROOT.replace('.', '/'), "sink");
        try (Stream<Path> entries = Files.list(sink)) {
            return entries.filter(Files::isDirectory)
                    .map(directory -> "sink." + directory.getFileName())
                    .toArray(String[]::new);
        }
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

    /**
     * The idempotency store on DynamoDB shares the AWS client settings and the reading of failures
     * with the sinks; it never uses the sink contract or a kind of sink.
     */
    @Test
    void idempotencyUsesOnlyTheSharedAwsPieces() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".idempotency..")
                .should()
                .dependOnClassesThat(JavaClass.Predicates.resideInAPackage(ROOT + ".sink..")
                        .and(JavaClass.Predicates.resideOutsideOfPackage(ROOT + ".sink.aws..")))
                .check(classes);
    }

    @Test
    void onlyTheSecurityPackageKnowsSpringSecurity() {
        noClasses()
                .that()
                .resideOutsideOfPackage(ROOT + ".security..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.springframework.security..")
                .check(classes);
    }

    /**
     * Each SDK client is built in its sink's one configuration class, where the SDK's retries are
     * turned off and its timeouts and pool set; a builder anywhere else could make a client without.
     */
    @Test
    void onlyConfigurationClassesTouchSdkBuilders() {
        noClasses()
                .that()
                .areNotMetaAnnotatedWith(Configuration.class)
                .should()
                .dependOnClassesThat()
                .haveNameMatching("software\\.amazon\\.awssdk\\.services\\..*ClientBuilder")
                .check(classes);
        Map.of(
                        "firehose", "FirehoseClientConfiguration",
                        "kinesis", "KinesisClientConfiguration",
                        "sqs", "SqsClientConfiguration",
                        "dynamodb", "IdempotencyConfiguration")
                .forEach((service, configuration) -> noClasses()
                        .that()
                        .doNotHaveSimpleName(configuration)
                        .should()
                        .dependOnClassesThat()
                        .haveNameMatching("software\\.amazon\\.awssdk\\.services\\." + service + "\\..*ClientBuilder")
                        .check(classes));
    }
}
