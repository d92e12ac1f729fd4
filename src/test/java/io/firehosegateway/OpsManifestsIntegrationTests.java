package io.firehosegateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.api.ApiProperties;
import io.firehosegateway.journal.JournalProperties;
import io.firehosegateway.pipeline.DeliveryMode;
import io.firehosegateway.pipeline.PipelineProperties;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Kubernetes manifests ({@code ops/k8s}, as rendered into {@code ops/k8s/rendered} by {@code
 * render.mjs}) agree with the application: the probes ask actuator's readiness and liveness groups on
 * the management port the manifests set, every environment variable binds (by Spring's relaxed
 * binding) to a property the application declares, and the sizes and timeouts the manifests choose
 * fit together. {@code ops/k8s/validate.mjs} checks the same objects against the Kubernetes schemas.
 */
class OpsManifestsIntegrationTests {

    private static final Path RENDERED = Path.of("ops/k8s/rendered");
    private static final Path DOCKERFILE = Path.of("Dockerfile");
    private static final Path ALERTS_YML = Path.of("ops/prometheus/alerts.yml");
    private static final Path APPLICATION_YML = Path.of("src/main/resources/application.yml");
    private static final List<String> CHECKED_PREFIXES =
            List.of("GATEWAY_", "SPRING_", "MANAGEMENT_", "SERVER_", "LOGGING_");

    // ---- every environment variable binds to a declared property

    @ParameterizedTest
    @ValueSource(strings = {"confirmed", "buffered", "journaled"})
    void everyEnvironmentVariableBindsToAPropertyTheApplicationDeclares(String overlay) throws IOException {
        Manifests manifests = Manifests.of(overlay);
        DeclaredProperties declared = DeclaredProperties.load();

        Map<String, String> env = manifests.environment();
        assertThat(env).as("the manifests set the gateway's settings").containsKey("GATEWAY_DELIVERY_MODE");
        assertThat(env).as("the gateway logs JSON lines").containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");
        for (String name : env.keySet()) {
            if (CHECKED_PREFIXES.stream().anyMatch(name::startsWith)) {
                Optional<DeclaredProperty> property = declared.boundBy(name);
                assertThat(property)
                        .as("%s in overlays/%s binds to a property the application declares", name, overlay)
                        .isPresent();
                assertThat(property.get().deprecated())
                        .as(
                                "%s binds to %s, which is deprecated",
                                name, property.get().name())
                        .isFalse();
            }
        }
    }

    @Test
    void aMisspeltVariableBindsToNothing() throws IOException {
        DeclaredProperties declared = DeclaredProperties.load();

        assertThat(declared.boundBy("GATEWAY_DELIVERY_MODEE")).isEmpty();
        assertThat(declared.boundBy("GATEWAY_BUFFER_MAXBYTE")).isEmpty();
        assertThat(declared.boundBy("GATEWAY_SECURITY_KEYFILE")).isEmpty();
        assertThat(declared.boundBy("MANAGEMENT_SERVER_PORTS")).isEmpty();
        // The canonical form and the ones Spring also accepts, for a plain property, a list and a map:
        assertThat(declared.boundBy("GATEWAY_DELIVERY_DRAINTIMEOUT"))
                .map(DeclaredProperty::name)
                .hasValue("gateway.delivery.drain-timeout");
        assertThat(declared.boundBy("GATEWAY_SECURITY_APIKEYS_0_KEY"))
                .map(DeclaredProperty::name)
                .hasValue("gateway.security.api-keys");
        assertThat(declared.boundBy("GATEWAY_STREAMS_AUDIT_PACKBYTES"))
                .map(DeclaredProperty::name)
                .hasValue("gateway.streams");
        assertThat(declared.boundBy("MANAGEMENT_SERVER_PORT"))
                .map(DeclaredProperty::name)
                .hasValue("management.server.port");
        assertThat(declared.boundBy("LOGGING_STRUCTURED_FORMAT_CONSOLE"))
                .map(DeclaredProperty::name)
                .hasValue("logging.structured.format.console");
        assertThat(declared.boundBy("LOGGING_STRUCTURED_FORMAT_CONSOL")).isEmpty();
    }

    @Test
    void aManifestWithAMisspeltVariableFailsTheCheck() throws IOException {
        Manifests sample = Manifests.parse("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: firehose-gateway}
                data:
                  GATEWAY_DELIVERY_MODE: journaled
                  GATEWAY_JOURNAL_DIRCTORY: /app/journal
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: firehose-gateway}
                spec:
                  template:
                    spec:
                      containers:
                        - name: gateway
                          envFrom: [{configMapRef: {name: firehose-gateway}}]
                """);
        DeclaredProperties declared = DeclaredProperties.load();

        assertThat(sample.environment().keySet().stream()
                        .filter(name -> declared.boundBy(name).isEmpty()))
                .containsExactly("GATEWAY_JOURNAL_DIRCTORY");
    }

    // ---- probes, ports, Service, ServiceMonitor, Ingress, NetworkPolicy

    @ParameterizedTest
    @ValueSource(strings = {"confirmed", "buffered", "journaled"})
    void probesAskActuatorsReadinessAndLivenessOnTheManagementPort(String overlay) throws IOException {
        Manifests manifests = Manifests.of(overlay);
        Map<String, Object> container = manifests.gatewayContainer();
        int managementPort = Integer.parseInt(manifests.environment().get("MANAGEMENT_SERVER_PORT"));

        assertThat(containerPort(container, "management")).isEqualTo(managementPort);
        assertThat(containerPort(container, "http")).as("server.port's default").isEqualTo(8080);
        assertThat(probe(container, "readinessProbe")).containsEntry("path", "/actuator/health/readiness");
        assertThat(probe(container, "livenessProbe")).containsEntry("path", "/actuator/health/liveness");
        assertThat(probe(container, "startupProbe")).containsEntry("path", "/actuator/health/liveness");
        for (String kind : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertThat(probe(container, kind)).as(kind).containsEntry("port", "management");
        }
        // The application serves those paths: probes on, the groups defined, actuator at /actuator.
        Map<String, Object> management = map(applicationYml(), "management");
        assertThat(at(management, "endpoint", "health", "probes", "enabled")).isEqualTo(true);
        assertThat(map(management, "endpoint", "health", "group")).containsKeys("readiness", "liveness");
        assertThat(at(management, "endpoints", "web", "base-path")).isNull();
        assertThat(String.valueOf(at(management, "endpoints", "web", "exposure", "include")))
                .contains("health")
                .contains("prometheus");
    }

    @ParameterizedTest
    @ValueSource(strings = {"confirmed", "buffered", "journaled"})
    void theGatewayOnTheManifestsSettingsAnswersTheirProbesOnItsManagementPort(String overlay, @TempDir Path dir)
            throws Exception {
        Manifests manifests = Manifests.of(overlay);
        Map<String, Object> container = manifests.gatewayContainer();
        String key = "0123456789abcdef".repeat(2);
        Path keys = Files.writeString(dir.resolve("keys"), "ingest:" + key + ":\n");
        // The pod's environment, but ports the test may take, the local sink instead of Firehose,
        // and the pod's directories and keys file under a temporary directory.
        Map<String, Object> overrides = Map.of(
                "server.port", "0",
                "management.server.port", "0",
                "gateway.sink", "local",
                "gateway.local.directory", dir.resolve("data").toString(),
                "gateway.journal.directory", dir.resolve("journal").toString(),
                "gateway.delivery.dead-letter-directory",
                        dir.resolve("dead-letter").toString(),
                "gateway.security.keys-file", keys.toString());
        StandardEnvironment environment = new StandardEnvironment();
        Map<String, Object> podEnvironment = new LinkedHashMap<>(manifests.environment());
        // Logging is one per JVM and outlives this context: JSON logs here would reach the tests that
        // run after it in this JVM and read plain-text output. DeliveryFaultLogIntegrationTests runs
        // a gateway with the manifests' JSON logs in a process of its own.
        podEnvironment.remove("LOGGING_STRUCTURED_FORMAT_CONSOLE");
        environment
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource("manifest-systemEnvironment", podEnvironment));
        environment.getPropertySources().addFirst(new MapPropertySource("test", overrides));

        try (ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class)
                .environment(environment)
                .run()) {
            int managementPort =
                    Integer.parseInt(gateway.getEnvironment().getRequiredProperty("local.management.port"));
            int apiPort = Integer.parseInt(gateway.getEnvironment().getRequiredProperty("local.server.port"));
            assertThat(managementPort).isNotEqualTo(apiPort);
            for (String kind : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
                String path = (String) probe(container, kind).get("path");
                assertThat(status(managementPort, path)).as("%s %s", kind, path).isEqualTo(200);
            }
            String scraped =
                    (String) list(map(manifests.one("ServiceMonitor", "firehose-gateway"), "spec"), "endpoints")
                            .get(0)
                            .get("path");
            assertThat(status(managementPort, scraped)).as(scraped).isEqualTo(200);
            assertThat(status(apiPort, "/actuator/health/readiness", "Bearer " + key))
                    .as("actuator is not on the API port, which the Ingress routes")
                    .isEqualTo(404);
        }
    }

    private static int status(int port, String path) throws IOException, InterruptedException {
        return status(port, path, null);
    }

    private static int status(int port, String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient()
                .send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @ParameterizedTest
    @ValueSource(strings = {"confirmed", "buffered", "journaled"})
    void theManagementPortIsScrapedButNeitherRoutedNorOpenOutsideTheCluster(String overlay) throws IOException {
        Manifests manifests = Manifests.of(overlay);
        Map<String, Object> service = manifests.one("Service", "firehose-gateway");
        Map<String, Object> managementPort = servicePort(service, "management");
        assertThat(managementPort).containsEntry("targetPort", "management");

        Map<String, Object> monitor = manifests.one("ServiceMonitor", "firehose-gateway");
        List<Map<String, Object>> endpoints = list(map(monitor, "spec"), "endpoints");
        assertThat(endpoints).singleElement().satisfies(endpoint -> {
            assertThat(endpoint).containsEntry("port", "management");
            assertThat(endpoint).containsEntry("path", "/actuator/prometheus");
        });

        Map<String, Object> ingress = manifests.one("Ingress", "firehose-gateway");
        for (Map<String, Object> rule : list(map(ingress, "spec"), "rules")) {
            for (Map<String, Object> path : list(map(rule, "http"), "paths")) {
                Map<String, Object> backend = map(path, "backend", "service");
                assertThat(backend).containsEntry("name", "firehose-gateway");
                assertThat(map(backend, "port")).containsEntry("name", "http");
            }
        }

        Map<String, Object> policy = manifests.one("NetworkPolicy", "firehose-gateway");
        assertThat(String.valueOf(map(policy, "spec").get("policyTypes"))).contains("Ingress");
        for (Map<String, Object> rule : list(map(policy, "spec"), "ingress")) {
            boolean admitsManagement = list(rule, "ports").stream()
                    .anyMatch(port -> "management".equals(port.get("port"))
                            || Integer.valueOf(8081).equals(port.get("port")));
            if (admitsManagement) {
                List<Map<String, Object>> from = list(rule, "from");
                assertThat(from).as("who may reach the management port").isNotEmpty();
                assertThat(from).allSatisfy(peer -> assertThat(peer).doesNotContainKey("ipBlock"));
            }
        }
    }

    // ---- sizes and timeouts that fit together

    @ParameterizedTest
    @ValueSource(strings = {"confirmed", "buffered", "journaled"})
    void theIngressTakesBodiesAsLargeAsTheGatewayDoes(String overlay) throws IOException {
        Manifests manifests = Manifests.of(overlay);
        Map<String, Object> annotations = map(manifests.one("Ingress", "firehose-gateway"), "metadata", "annotations");
        long ingressLimit = nginxSize((String) annotations.get("nginx.ingress.kubernetes.io/proxy-body-size"));
        long maxRequestSize = manifests
                .bind("gateway.limits", ApiProperties.class)
                .maxRequestSize()
                .toBytes();

        assertThat(ingressLimit).isGreaterThanOrEqualTo(maxRequestSize);
    }

    @ParameterizedTest
    @ValueSource(strings = {"confirmed", "buffered", "journaled"})
    void heapContainerMemoryAndBufferAreConsistent(String overlay) throws IOException {
        Manifests manifests = Manifests.of(overlay);
        Map<String, Object> resources = map(manifests.gatewayContainer(), "resources");
        long limit = quantity(String.valueOf(map(resources, "limits").get("memory")));
        long request = quantity(String.valueOf(map(resources, "requests").get("memory")));
        long heap = heap(manifests.containerEnvironment().get("JAVA_TOOL_OPTIONS"), limit);
        long buffer = manifests
                .bind("gateway", PipelineProperties.class)
                .buffer()
                .maxBytes()
                .toBytes();

        assertThat(request)
                .as("memory request = limit: the JVM sizes itself from the limit")
                .isEqualTo(limit);
        assertThat(heap)
                .as("heap, leaving a fifth of the container for the rest")
                .isLessThanOrEqualTo(limit * 4 / 5);
        assertThat(buffer * 4)
                .as("the buffer comfortably below the heap (a quarter at most)")
                .isLessThanOrEqualTo(heap);
    }

    @ParameterizedTest
    @ValueSource(strings = {"confirmed", "buffered", "journaled"})
    void theGracePeriodOutlastsThePreStopDelayTheShutdownPhaseAndTheDrain(String overlay) throws IOException {
        Manifests manifests = Manifests.of(overlay);
        Map<String, Object> podSpec = manifests.podSpec();
        long grace = ((Number) podSpec.get("terminationGracePeriodSeconds")).longValue();
        long preStop =
                ((Number) at(manifests.gatewayContainer(), "lifecycle", "preStop", "sleep", "seconds")).longValue();
        Duration drain =
                manifests.bind("gateway", PipelineProperties.class).delivery().drainTimeout();
        Duration shutdownPhase = DurationStyle.detectAndParse(
                String.valueOf(at(applicationYml(), "spring", "lifecycle", "timeout-per-shutdown-phase")));

        assertThat(preStop).as("a preStop delay").isPositive();
        assertThat(grace).isGreaterThan(preStop + drain.toSeconds());
        assertThat(grace).isGreaterThan(preStop + shutdownPhase.toSeconds() + drain.toSeconds());
    }

    // ---- workloads per mode

    @ParameterizedTest
    @ValueSource(strings = {"confirmed", "buffered"})
    void theStatelessModesRunAnAutoscaledDeploymentWithoutShapingTheQuota(String overlay) throws IOException {
        Manifests manifests = Manifests.of(overlay);
        Map<String, Object> hpa = manifests.one("HorizontalPodAutoscaler", "firehose-gateway");

        assertThat(manifests.workload()).containsEntry("kind", "Deployment");
        assertThat(manifests
                        .bind("gateway", PipelineProperties.class)
                        .delivery()
                        .mode())
                .isEqualTo(DeliveryMode.valueOf(overlay.toUpperCase(Locale.ROOT)));
        assertThat(map(hpa, "spec", "scaleTargetRef")).containsEntry("kind", "Deployment");
        assertThat(map(manifests.workload(), "spec")).doesNotContainKey("replicas");
        // The autoscaler changes the number of replicas without restarting them, so no replica could
        // know its share: quota shaping stays off and the adaptive concurrency limit reacts to throttling.
        assertThat(manifests.environment().keySet())
                .noneMatch(name -> name.startsWith("GATEWAY_STREAMS_") && name.contains("_QUOTA_"))
                .doesNotContain("GATEWAY_REPLICAS");
        assertThat(manifests.one("PodDisruptionBudget", "firehose-gateway")).isNotNull();
    }

    @Test
    void journaledModeRunsAStatefulSetWithAJournalVolumePerReplicaAndNoAutoscaler() throws IOException {
        Manifests manifests = Manifests.of("journaled");
        Map<String, Object> statefulSet = manifests.workload();
        JournalProperties journal = manifests.bind("gateway.journal", JournalProperties.class);

        assertThat(statefulSet).containsEntry("kind", "StatefulSet");
        assertThat(manifests
                        .bind("gateway", PipelineProperties.class)
                        .delivery()
                        .mode())
                .isEqualTo(DeliveryMode.JOURNALED);
        assertThat(manifests.all("HorizontalPodAutoscaler")).isEmpty();
        Map<String, Object> claim = list(map(statefulSet, "spec"), "volumeClaimTemplates").stream()
                .filter(template -> isUnder(journal.directory(), mountPath(manifests, name(template))))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume claim holds " + journal.directory()));
        long storage = quantity(
                String.valueOf(map(claim, "spec", "resources", "requests").get("storage")));
        assertThat(storage)
                .as("the journal's volume holds its max-size")
                .isGreaterThan(journal.maxSize().toBytes());
        assertThat(map(statefulSet, "spec", "persistentVolumeClaimRetentionPolicy"))
                .containsEntry("whenScaled", "Retain");
    }

    // ---- security

    @ParameterizedTest
    @ValueSource(strings = {"confirmed", "buffered", "journaled"})
    void theGatewayRunsAsTheImagesUserAndWritesOnlyToItsVolumes(String overlay) throws IOException {
        Manifests manifests = Manifests.of(overlay);
        Map<String, Object> podSecurity = map(manifests.podSpec(), "securityContext");
        Map<String, Object> security = map(manifests.gatewayContainer(), "securityContext");
        String imageUser = lastInstruction("USER").get(0).split(":")[0];
        List<String> imageVolumes = lastInstruction("VOLUME");

        assertThat(podSecurity).containsEntry("runAsNonRoot", true);
        assertThat(String.valueOf(podSecurity.get("runAsUser"))).isEqualTo(imageUser);
        assertThat(security).containsEntry("readOnlyRootFilesystem", true);
        assertThat(security).containsEntry("allowPrivilegeEscalation", false);
        assertThat(String.valueOf(at(security, "capabilities", "drop"))).isEqualTo("[ALL]");
        assertThat(manifests.podSpec())
                .as("the gateway never calls the Kubernetes API")
                .containsEntry("automountServiceAccountToken", false);
        List<String> writable = list(manifests.gatewayContainer(), "volumeMounts").stream()
                .filter(mount -> !Boolean.TRUE.equals(mount.get("readOnly")))
                .map(mount -> (String) mount.get("mountPath"))
                .toList();
        assertThat(imageVolumes).as("writable mounts are the image's volumes").containsAll(writable);
        PipelineProperties pipeline = manifests.bind("gateway", PipelineProperties.class);
        assertThat(writable)
                .as("the dead-letter directory is writable")
                .anyMatch(mount -> isUnder(pipeline.delivery().deadLetterDirectory(), mount));
        if (pipeline.delivery().mode() == DeliveryMode.JOURNALED) {
            Path journal =
                    manifests.bind("gateway.journal", JournalProperties.class).directory();
            assertThat(writable).anyMatch(mount -> isUnder(journal, mount));
        }
        assertThat(writable).contains("/tmp");
    }

    @ParameterizedTest
    @ValueSource(strings = {"confirmed", "buffered", "journaled"})
    void keysComeFromASecretThroughTheKeysFile(String overlay) throws IOException {
        Manifests manifests = Manifests.of(overlay);
        Path keysFile = Path.of(manifests.environment().get("GATEWAY_SECURITY_KEYSFILE"));

        Map<String, Object> mount = list(manifests.gatewayContainer(), "volumeMounts").stream()
                .filter(candidate -> isUnder(keysFile, (String) candidate.get("mountPath")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("nothing is mounted where the keys file is"));
        assertThat(mount).containsEntry("readOnly", true);
        assertThat(mount).as("a subPath mount would never see a rotated Secret").doesNotContainKey("subPath");
        Map<String, Object> volume = list(manifests.podSpec(), "volumes").stream()
                .filter(candidate -> candidate.get("name").equals(mount.get("name")))
                .findFirst()
                .orElseThrow();
        assertThat(volume).containsKey("secret");
        assertThat(manifests.environment().keySet()).noneMatch(name -> name.startsWith("GATEWAY_SECURITY_APIKEYS"));
    }

    // ---- the alerts

    @ParameterizedTest
    @ValueSource(strings = {"confirmed", "buffered", "journaled"})
    void thePrometheusRuleHoldsTheSameAlertsAsOpsPrometheus(String overlay) throws IOException {
        Map<String, Object> alerts = new Yaml().load(Files.readString(ALERTS_YML));
        Map<String, Object> rule = Manifests.of(overlay).one("PrometheusRule", "firehose-gateway");

        assertThat((List<?>) alerts.get("groups"))
                .as("ops/prometheus/alerts.yml's groups")
                .isNotEmpty();
        assertThat(map(rule, "spec").get("groups"))
                .as("the PrometheusRule of overlays/%s has the groups of %s: copy them over", overlay, ALERTS_YML)
                .isEqualTo(alerts.get("groups"));
    }

    @Test
    void noStaticAwsKeysAnywhere() throws IOException {
        Pattern accessKey = Pattern.compile("\\b(AKIA|ASIA)[A-Z0-9]{16}\\b");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Path.of("ops/k8s"))) {
            files = walk.filter(Files::isRegularFile)
                    .filter(file -> !file.toString().contains("node_modules"))
                    .filter(file -> file.toString().endsWith(".yaml"))
                    .toList();
        }

        assertThat(files).isNotEmpty();
        for (Path file : files) {
            String content = Files.readString(file);
            assertThat(content)
                    .as(file.toString())
                    .doesNotContain("AWS_ACCESS_KEY_ID")
                    .doesNotContain("AWS_SECRET_ACCESS_KEY")
                    .doesNotContain("AWS_SESSION_TOKEN")
                    .doesNotContainPattern(accessKey);
        }
        for (String overlay : List.of("confirmed", "buffered", "journaled")) {
            assertThat(Manifests.of(overlay).all("Secret"))
                    .as("no Secret objects are committed")
                    .isEmpty();
        }
    }

    // ---- reading the manifests

    private record Manifests(List<Map<String, Object>> objects) {

        static Manifests of(String overlay) throws IOException {
            return parse(Files.readString(RENDERED.resolve(overlay + ".yaml")));
        }

        @SuppressWarnings("unchecked")
        static Manifests parse(String yaml) {
            List<Map<String, Object>> objects = new ArrayList<>();
            for (Object document : new Yaml().loadAll(yaml)) {
                if (document != null) {
                    objects.add((Map<String, Object>) document);
                }
            }
            return new Manifests(objects);
        }

        List<Map<String, Object>> all(String kind) {
            return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        }

        Map<String, Object> one(String kind, String name) {
            List<Map<String, Object>> found = all(kind).stream()
                    .filter(o -> name.equals(map(o, "metadata").get("name")))
                    .toList();
            assertThat(found).as("%s/%s", kind, name).hasSize(1);
            return found.get(0);
        }

        Map<String, Object> workload() {
            List<Map<String, Object>> workloads = Stream.concat(all("Deployment").stream(), all("StatefulSet").stream())
                    .toList();
            assertThat(workloads).hasSize(1);
            return workloads.get(0);
        }

        Map<String, Object> podSpec() {
            return map(workload(), "spec", "template", "spec");
        }

        Map<String, Object> gatewayContainer() {
            return list(podSpec(), "containers").stream()
                    .filter(c -> "gateway".equals(c.get("name")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no container named gateway"));
        }

        Map<String, String> containerEnvironment() {
            Map<String, String> env = new LinkedHashMap<>();
            for (Map<String, Object> variable : list(gatewayContainer(), "env")) {
                env.put((String) variable.get("name"), String.valueOf(variable.get("value")));
            }
            return env;
        }

        /** What the container sees: the ConfigMaps of envFrom, then env, which wins. */
        Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            for (Map<String, Object> source : list(gatewayContainer(), "envFrom")) {
                String name = (String) map(source, "configMapRef").get("name");
                map(one("ConfigMap", name), "data").forEach((key, value) -> env.put(key, String.valueOf(value)));
            }
            env.putAll(containerEnvironment());
            return env;
        }

        /** The settings the gateway binds from this environment, as it would in the pod. */
        <T> T bind(String prefix, Class<T> type) {
            SystemEnvironmentPropertySource source = new SystemEnvironmentPropertySource(
                    "manifest-systemEnvironment", new LinkedHashMap<>(environment()));
            return new Binder(ConfigurationPropertySources.from(source)).bindOrCreate(prefix, type);
        }
    }

    /** A property from the configuration metadata of the application and of Spring Boot. */
    private record DeclaredProperty(String name, String type, boolean deprecated) {

        boolean holdsMany() {
            return type != null
                    && (type.startsWith("java.util.Map")
                            || type.startsWith("java.util.List")
                            || type.startsWith("java.util.Set")
                            || type.startsWith("java.util.Collection")
                            || type.endsWith("[]"));
        }
    }

    private record DeclaredProperties(List<DeclaredProperty> properties) {

        /**
         * Every {@code META-INF/spring-configuration-metadata.json} on the classpath: the application's
         * (written by the configuration processor into target/classes) and Spring Boot's own jars'.
         */
        static DeclaredProperties load() throws IOException {
            JsonMapper json = JsonMapper.builder().build();
            List<DeclaredProperty> properties = new ArrayList<>();
            Enumeration<URL> files = OpsManifestsIntegrationTests.class
                    .getClassLoader()
                    .getResources("META-INF/spring-configuration-metadata.json");
            boolean applications = false;
            for (URL file : Collections.list(files)) {
                try (InputStream in = file.openStream()) {
                    for (JsonNode property : json.readTree(in).path("properties")) {
                        String name = property.path("name").asString();
                        applications |= name.startsWith("gateway.");
                        properties.add(new DeclaredProperty(
                                name,
                                property.path("type").asString(null),
                                property.path("deprecated").asBoolean(false) || property.has("deprecation")));
                    }
                }
            }
            assertThat(applications)
                    .as("the application's metadata (from the configuration processor) is on the classpath")
                    .isTrue();
            return new DeclaredProperties(properties);
        }

        /** The property an environment variable would set, by Spring's relaxed binding. */
        Optional<DeclaredProperty> boundBy(String variable) {
            ConfigurationPropertySource source = ConfigurationPropertySource.from(
                    new SystemEnvironmentPropertySource("variable-systemEnvironment", Map.of(variable, "value")));
            return properties.stream()
                    .filter(property -> ConfigurationPropertyName.isValid(property.name()))
                    .filter(property -> {
                        ConfigurationPropertyName name = ConfigurationPropertyName.of(property.name());
                        return source.getConfigurationProperty(name) != null
                                || (property.holdsMany()
                                        && source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT);
                    })
                    .findFirst();
        }
    }

    // ---- small readers

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> from, String... path) {
        Object value = at(from, path);
        assertThat(value).as(String.join(".", path)).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> from, String key) {
        Object value = from.get(key);
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> from, String... path) {
        Object value = from;
        for (String key : path) {
            if (!(value instanceof Map)) {
                return null;
            }
            value = ((Map<String, Object>) value).get(key);
        }
        return value;
    }

    private static String name(Map<String, Object> object) {
        return (String) map(object, "metadata").get("name");
    }

    private static String mountPath(Manifests manifests, String volume) {
        return list(manifests.gatewayContainer(), "volumeMounts").stream()
                .filter(mount -> volume.equals(mount.get("name")))
                .map(mount -> (String) mount.get("mountPath"))
                .findFirst()
                .orElse("/nowhere");
    }

    private static boolean isUnder(Path file, String directory) {
        return file.normalize().startsWith(Path.of(directory));
    }

    private static int containerPort(Map<String, Object> container, String name) {
        return list(container, "ports").stream()
                .filter(port -> name.equals(port.get("name")))
                .map(port -> ((Number) port.get("containerPort")).intValue())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container port " + name));
    }

    private static Map<String, Object> servicePort(Map<String, Object> service, String name) {
        return list(map(service, "spec"), "ports").stream()
                .filter(port -> name.equals(port.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no service port " + name));
    }

    private static Map<String, Object> probe(Map<String, Object> container, String kind) {
        return map(container, kind, "httpGet");
    }

    private static Map<String, Object> applicationYml() throws IOException {
        return new Yaml().load(Files.readString(APPLICATION_YML));
    }

    /** A Kubernetes memory quantity in bytes: {@code 1Gi}, {@code 512Mi}, {@code 2G}, {@code 1000}. */
    static long quantity(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?").matcher(quantity);
        assertThat(m.matches()).as("a memory quantity: %s", quantity).isTrue();
        long number = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return number
                * switch (unit) {
                    case "Ki" -> 1L << 10;
                    case "Mi" -> 1L << 20;
                    case "Gi" -> 1L << 30;
                    case "Ti" -> 1L << 40;
                    case "k" -> 1_000L;
                    case "M" -> 1_000_000L;
                    case "G" -> 1_000_000_000L;
                    case "T" -> 1_000_000_000_000L;
                    default -> 1L;
                };
    }

    /** nginx's size syntax ({@code 8m}, {@code 512k}, {@code 1g}), in bytes; 0 means unlimited. */
    static long nginxSize(String size) {
        Matcher m = Pattern.compile("(\\d+)([kKmMgG])?").matcher(size);
        assertThat(m.matches()).as("an nginx size: %s", size).isTrue();
        long number = Long.parseLong(m.group(1));
        if (number == 0) {
            return Long.MAX_VALUE;
        }
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        return number
                * switch (unit) {
                    case "k" -> 1L << 10;
                    case "m" -> 1L << 20;
                    case "g" -> 1L << 30;
                    default -> 1L;
                };
    }

    /** The heap the JVM takes: -Xmx, else MaxRAMPercentage of the limit; the image's options if unset. */
    private static long heap(String javaToolOptions, long memoryLimit) throws IOException {
        String options = javaToolOptions != null ? javaToolOptions : imageJavaToolOptions();
        Matcher xmx = Pattern.compile("-Xmx(\\d+[kKmMgG]?)").matcher(options);
        if (xmx.find()) {
            return DataSize.parse(xmx.group(1).toUpperCase(Locale.ROOT) + "B").toBytes();
        }
        Matcher percentage = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)").matcher(options);
        double share = percentage.find() ? Double.parseDouble(percentage.group(1)) : 25;
        return (long) (memoryLimit * share / 100);
    }

    private static String imageJavaToolOptions() throws IOException {
        Matcher m = Pattern.compile("ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"").matcher(Files.readString(DOCKERFILE));
        return m.find() ? m.group(1) : "";
    }

    /** The arguments of the Dockerfile's last instruction of this name, JSON array or words. */
    private static List<String> lastInstruction(String instruction) throws IOException {
        String last = null;
        for (String line : Files.readAllLines(DOCKERFILE)) {
            if (line.startsWith(instruction + " ")) {
                last = line.substring(instruction.length() + 1).trim();
            }
        }
        assertThat(last).as("a %s instruction", instruction).isNotNull();
        if (last.startsWith("[")) {
            List<String> values = new ArrayList<>();
            Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(last);
            while (m.find()) {
                values.add(m.group(1));
            }
            return values;
        }
        return List.of(last.split("\\s+"));
    }
}
