package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.CloudFormationTemplate;
import io.firehosegateway.support.FirehoseEmulator;
import io.firehosegateway.support.MotoServer;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.DefaultValue;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * {@code ops/cloudformation/idempotency.yaml}: the table is the one the DynamoDB store reads and
 * writes (its key, its TTL attribute, on demand), its policy allows the calls the store makes and no
 * other, and moto's CloudFormation deploys it into a table the store works on.
 */
class IdempotencyTableTemplateIntegrationTests {

    private static final Path TEMPLATE = Path.of("ops/cloudformation/idempotency.yaml");

    private static Map<String, Object> resources;
    private static Map<String, Object> parameters;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readTemplate() throws IOException {
        Map<String, Object> template = CloudFormationTemplate.read(TEMPLATE);
        resources = (Map<String, Object>) template.get("Resources");
        parameters = (Map<String, Object>) template.get("Parameters");
    }

    @Test
    void theTableIsKeyedAndExpiredAsTheStoreReadsItAndOnDemand() throws Exception {
        Map<String, Object> table = properties("IdempotencyTable");

        assertThat(table.get("BillingMode")).isEqualTo("PAY_PER_REQUEST");
        assertThat(table.get("KeySchema"))
                .isEqualTo(List.of(Map.of("AttributeName", DynamoDbIdempotencyStore.KEY, "KeyType", "HASH")));
        assertThat(table.get("AttributeDefinitions"))
                .isEqualTo(List.of(Map.of("AttributeName", DynamoDbIdempotencyStore.KEY, "AttributeType", "S")));
        assertThat(table.get("TimeToLiveSpecification"))
                .isEqualTo(Map.of("AttributeName", DynamoDbIdempotencyStore.TTL, "Enabled", true));
        assertThat(table.get("TableName")).isEqualTo(Map.of("Ref", "TableName"));
        RecordComponent[] components = IdempotencyProperties.class.getRecordComponents();
        Constructor<?> canonical = IdempotencyProperties.class.getDeclaredConstructor(
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        int tableSetting = Arrays.asList(components)
                .indexOf(Arrays.stream(components)
                        .filter(component -> component.getName().equals("table"))
                        .findFirst()
                        .orElseThrow());
        String gatewayDefault = canonical.getParameters()[tableSetting].getAnnotation(DefaultValue.class)
                .value()[0];
        assertThat(map(parameters.get("TableName")).get("Default")).isEqualTo(gatewayDefault);
    }

    @Test
    void thePolicyAllowsTheStoresCallsOnTheTableOnly() {
        Map<String, Object> statement = policyStatement();

        assertThat(statement.get("Effect")).isEqualTo("Allow");
        assertThat(statement.get("Resource")).isEqualTo(Map.of("Fn::GetAtt", List.of("IdempotencyTable", "Arn")));
        assertThat(actions(statement))
                .containsExactlyInAnyOrder(
                        "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable");
    }

    /** cfn-lint, AWS's linter, where installed. */
    @Test
    void cfnLintFindsNothing() throws Exception {
        Assumptions.assumeTrue(onPath("cfn-lint"), "Skipped: cfn-lint is not installed (pip install cfn-lint)");
        Process process = new ProcessBuilder("cfn-lint", TEMPLATE.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    @Test
    void motoDeploysATableTheStoreKeepsAnswersInWithOnlyThePoliciesCalls() throws Exception {
        URI moto = MotoServer.endpoint();
        String name = "idempotency-" + UUID.randomUUID().toString().substring(0, 8);
        String table = deploy(moto, name).get("TableName");
        assertThat(table).isEqualTo(name);
        try (DynamoDbClient dynamoDb = DynamoDbTables.syncClient(moto)) {
            TableDescription described = dynamoDb.describeTable(describe -> describe.tableName(table))
                    .table();
            assertThat(described.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
            assertThat(described.keySchema()).singleElement().satisfies(key -> {
                assertThat(key.attributeName()).isEqualTo(DynamoDbIdempotencyStore.KEY);
                assertThat(key.keyType()).isEqualTo(KeyType.HASH);
            });
            // moto's CloudFormation leaves out TimeToLiveSpecification (5.2.1): the template's is checked above.
        }

        Set<String> calls = ConcurrentHashMap.newKeySet();
        ExecutionInterceptor recording = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.add("dynamodb:" + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            }
        };
        Instant now = Instant.now();
        try (DynamoDbIdempotencyStore store = new DynamoDbIdempotencyStore(
                () -> DynamoDbTables.client(moto, recording), table, Duration.ofMinutes(1), Clock.systemUTC())) {
            assertThat(store.claim("shop\nk-1", now)).isInstanceOf(IdempotencyStore.Granted.class);
            store.keep("shop\nk-1", IdempotencyStoreContract.kept(200, "kept", now.plusSeconds(60)));
            assertThat(store.claim("shop\nk-1", now)).isInstanceOf(IdempotencyStore.Found.class);
            assertThat(store.claim("shop\nk-2", now)).isInstanceOf(IdempotencyStore.Granted.class);
            store.release("shop\nk-2");
            await().atMost(Duration.ofSeconds(10)).until(store::size, size -> size == 1);
        }
        assertThat(calls).isSubsetOf(actions(policyStatement()));
    }

    private static Map<String, String> deploy(URI moto, String table) throws IOException {
        try (CloudFormationClient cloudFormation = CloudFormationClient.builder()
                .endpointOverride(moto)
                .region(Region.of(FirehoseEmulator.REGION))
                .credentialsProvider(DynamoDbTables.credentials())
                .build()) {
            String stack = "gateway-" + table;
            cloudFormation.createStack(create -> create.stackName(stack)
                    .templateBody(readString())
                    .parameters(parameter -> parameter.parameterKey("TableName").parameterValue(table)));
            var deployed = await("stack " + stack)
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () -> cloudFormation
                                    .describeStacks(describe -> describe.stackName(stack))
                                    .stacks()
                                    .get(0),
                            described -> described.stackStatus() != StackStatus.CREATE_IN_PROGRESS);
            assertThat(deployed.stackStatus()).as(deployed.stackStatusReason()).isEqualTo(StackStatus.CREATE_COMPLETE);
            return deployed.outputs().stream().collect(Collectors.toMap(Output::outputKey, Output::outputValue));
        }
    }

    private static String readString() {
        try {
            return Files.readString(TEMPLATE);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> policyStatement() {
        Map<String, Object> document = map(properties("IdempotencyPolicy").get("PolicyDocument"));
        List<Object> statements = (List<Object>) document.get("Statement");
        assertThat(statements).hasSize(1);
        return map(statements.get(0));
    }

    @SuppressWarnings("unchecked")
    private static Set<String> actions(Map<String, Object> statement) {
        return new TreeSet<>((List<String>) statement.get("Action"));
    }

    private static Map<String, Object> properties(String resource) {
        return map(map(resources.get(resource)).get("Properties"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    private static boolean onPath(String name) {
        for (String directory : System.getenv("PATH").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(directory, name))) {
                return true;
            }
        }
        return false;
    }
}
