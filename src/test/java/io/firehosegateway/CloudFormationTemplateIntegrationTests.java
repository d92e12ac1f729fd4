package io.firehosegateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.pipeline.PipelineProperties;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.local.LocalFileSink;
import io.firehosegateway.sink.local.LocalSinkProperties;
import jakarta.validation.constraints.Pattern;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code ops/cloudformation/gateway.yaml} read without AWS: every reference resolves, the names and
 * the S3 layout are the gateway's, and the policies grant what the gateway's code calls and no more.
 */
class CloudFormationTemplateIntegrationTests {

    /** Names CloudFormation defines in every stack. */
    private static final Set<String> PSEUDO_PARAMETERS = Set.of(
            "AWS::AccountId",
            "AWS::NoValue",
            "AWS::NotificationARNs",
            "AWS::Partition",
            "AWS::Region",
            "AWS::StackId",
            "AWS::StackName",
            "AWS::URLSuffix");

    /** What the Firehose sink calls: FirehoseSink (PutRecordBatch), FirehoseHealthIndicator (Describe). */
    private static final Set<String> FIREHOSE_SINK_ACTIONS =
            Set.of("firehose:PutRecordBatch", "firehose:DescribeDeliveryStream");

    private static final Set<String> KINESIS_SINK_ACTIONS =
            Set.of("kinesis:PutRecords", "kinesis:DescribeStreamSummary", "kinesis:ListShards");

    /** {@code sqs:SendMessage} is also what allows {@code SendMessageBatch}. */
    private static final Set<String> SQS_SINK_ACTIONS =
            Set.of("sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes");

    private static final java.util.regex.Pattern SUB_VARIABLE = java.util.regex.Pattern.compile("\\$\\{([^!}][^}]*)}");

    private static Map<String, Object> template;
    private static Map<String, Object> parameters;
    private static Map<String, Object> resources;
    private static Map<String, Object> conditions;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = CloudFormationTemplate.read();
        parameters = map(template.get("Parameters"));
        resources = map(template.get("Resources"));
        conditions = map(template.get("Conditions"));
    }

    @Test
    void everyRefGetAttSubAndConditionNamesSomethingTheTemplateDeclares() {
        List<String> unresolved = new ArrayList<>();
        walk(template, "", unresolved);
        for (var resource : resources.entrySet()) {
            Object condition = map(resource.getValue()).get("Condition");
            if (condition != null && !conditions.containsKey(condition)) {
                unresolved.add(resource.getKey() + ": Condition " + condition);
            }
        }
        for (var output : map(template.get("Outputs")).entrySet()) {
            Object condition = map(output.getValue()).get("Condition");
            if (condition != null && !conditions.containsKey(condition)) {
                unresolved.add("Outputs." + output.getKey() + ": Condition " + condition);
            }
        }
        assertThat(unresolved).isEmpty();
    }

    @Test
    void theStreamParameterDefaultsToTheGatewaysDefaultStreamAndAcceptsTheSameNames() throws Exception {
        var components = PipelineProperties.class.getRecordComponents();
        int index = Stream.of(components)
                .map(java.lang.reflect.RecordComponent::getName)
                .toList()
                .indexOf("defaultStream");
        assertThat(index).as("PipelineProperties has a defaultStream").isNotNegative();
        // The binding annotations sit on the canonical constructor's parameters.
        var defaultStream = PipelineProperties.class.getDeclaredConstructor(Stream.of(components)
                        .map(java.lang.reflect.RecordComponent::getType)
                        .toArray(Class<?>[]::new))
                .getParameters()[index];

        Map<String, Object> streamName = map(parameters.get("StreamName"));
        assertThat(streamName.get("Default"))
                .isEqualTo(defaultStream.getAnnotation(DefaultValue.class).value()[0])
                .isEqualTo("events");
        assertThat(streamName.get("AllowedPattern"))
                .isEqualTo(defaultStream.getAnnotation(Pattern.class).regexp());
        Map<String, Object> deliveryStream = properties("DeliveryStream");
        assertThat(deliveryStream.get("DeliveryStreamName")).isEqualTo(Map.of("Ref", "StreamName"));
        assertThat(deliveryStream.get("DeliveryStreamType")).isEqualTo("DirectPut");
        assertThat(properties("KinesisStream").get("Name")).isEqualTo(Map.of("Ref", "StreamName"));
        assertThat(properties("Queue").get("QueueName")).isEqualTo(Map.of("Ref", "StreamName"));
    }

    @Test
    void firehoseWritesTheLocalSinksLayoutCompressedWithErrorsApart(@TempDir Path directory) throws Exception {
        Map<String, Object> s3 = map(properties("DeliveryStream").get("ExtendedS3DestinationConfiguration"));
        String prefix = (String) map(s3.get("Prefix")).get("Fn::Sub");
        String errors = (String) map(s3.get("ErrorOutputPrefix")).get("Fn::Sub");

        // The local sink's folder for an hour is the prefix Firehose expands for that hour.
        Instant at = Instant.parse("2026-11-25T18:05:07Z");
        try (LocalFileSink sink = new LocalFileSink(
                new LocalSinkProperties(directory, Duration.ofHours(1)), Clock.fixed(at, ZoneId.of("Asia/Tokyo")))) {
            sink.putRecords(
                            new StreamRoutes.Route("events", "events", SinkKind.LOCAL),
                            List.of(SinkRecord.of("{}\n".getBytes(StandardCharsets.UTF_8), "id")))
                    .get();
        }
        Path file;
        try (Stream<Path> files = Files.walk(directory)) {
            file = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        String localFolder = directory.relativize(file.getParent()).toString().replace(File.separatorChar, '/') + "/";
        assertThat(expand(prefix, "events", at)).isEqualTo(localFolder).isEqualTo("events/2026/11/25/18/");

        assertThat(errors).startsWith("errors/${StreamName}/").contains("!{firehose:error-output-type}");
        assertThat(expand(prefix, "events", at)).doesNotStartWith("errors/");
        assertThat(s3.get("CompressionFormat")).isEqualTo("GZIP");
        assertThat(map(s3.get("BufferingHints")))
                .containsEntry("IntervalInSeconds", Map.of("Ref", "BufferIntervalSeconds"))
                .containsEntry("SizeInMBs", Map.of("Ref", "BufferSizeMiB"));
        assertThat(map(s3.get("CloudWatchLoggingOptions"))).containsEntry("Enabled", true);
        assertThat(map(parameters.get("StreamName")).get("Default")).isEqualTo("events");
    }

    @Test
    void athenaDocumentProjectsTheTemplatesPrefix() throws Exception {
        Map<String, Object> s3 = map(properties("DeliveryStream").get("ExtendedS3DestinationConfiguration"));
        String prefix = (String) map(s3.get("Prefix")).get("Fn::Sub");
        String athena = Files.readString(Path.of("docs/athena.md"));

        String projected = prefix.replace("${StreamName}", "events")
                .replace("!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}", "${dt}");
        assertThat(athena)
                .contains("'storage.location.template' = 's3://<bucket>/" + projected + "'")
                .contains("LOCATION 's3://<bucket>/events/'")
                .contains("'projection.dt.format' = 'yyyy/MM/dd/HH'")
                .contains("'projection.dt.interval.unit' = 'HOURS'")
                .contains("GROUP BY dt");
    }

    @Test
    void theBucketIsEncryptedPrivateAndExpires() {
        Map<String, Object> bucket = properties("Bucket");
        assertThat(map(bucket.get("PublicAccessBlockConfiguration")))
                .containsEntry("BlockPublicAcls", true)
                .containsEntry("BlockPublicPolicy", true)
                .containsEntry("IgnorePublicAcls", true)
                .containsEntry("RestrictPublicBuckets", true);
        assertThat(bucket.get("BucketEncryption").toString())
                .contains("aws:kms")
                .contains("AES256");
        List<Object> rules = list(map(bucket.get("LifecycleConfiguration")).get("Rules"));
        assertThat(rules)
                .anySatisfy(rule -> assertThat(map(rule))
                        .containsEntry("Status", "Enabled")
                        .containsEntry("ExpirationInDays", Map.of("Ref", "ExpireAfterDays")));
        assertThat(map(resources.get("Bucket"))).containsEntry("DeletionPolicy", "Retain");
    }

    @Test
    void alarmsWatchFirehosesOwnFreshnessAndThrottlingOfThisStream() {
        Map<String, String> metrics = new java.util.TreeMap<>();
        for (var resource : resources.entrySet()) {
            Map<String, Object> body = map(resource.getValue());
            if ("AWS::CloudWatch::Alarm".equals(body.get("Type"))) {
                Map<String, Object> alarm = map(body.get("Properties"));
                assertThat(alarm.get("Namespace")).isEqualTo("AWS/Firehose");
                assertThat(alarm.get("Dimensions"))
                        .isEqualTo(List.of(
                                Map.of("Name", "DeliveryStreamName", "Value", Map.of("Ref", "DeliveryStream"))));
                assertThat(body.get("Condition")).isEqualTo("WithDeliveryStream");
                metrics.put((String) alarm.get("MetricName"), (String) alarm.get("Statistic"));
            }
        }
        assertThat(metrics).isEqualTo(Map.of("DeliveryToS3.DataFreshness", "Maximum", "ThrottledRecords", "Sum"));
    }

    @Test
    void eachSinksPolicyGrantsExactlyWhatThatSinkCallsOnItsOwnResource() {
        assertThat(managedPolicies()).containsOnlyKeys("FirehoseSendPolicy", "KinesisSendPolicy", "SqsSendPolicy");

        List<Object> firehose = statements("FirehoseSendPolicy", true);
        assertThat(firehose).singleElement().satisfies(statement -> {
            assertThat(actions(statement)).isEqualTo(FIREHOSE_SINK_ACTIONS);
            assertThat(map(statement).get("Resource"))
                    .isEqualTo(
                            Map.of(
                                    "Fn::Sub",
                                    "arn:${AWS::Partition}:firehose:${AWS::Region}:${AWS::AccountId}:deliverystream/${StreamName}"));
        });
        assertThat(map(resources.get("FirehoseSendPolicy"))).doesNotContainKey("Condition");

        assertSendPolicy(
                "KinesisSendPolicy",
                "WithKinesis",
                KINESIS_SINK_ACTIONS,
                "KinesisStream",
                Set.of("kms:GenerateDataKey"));
        assertSendPolicy(
                "SqsSendPolicy", "WithSqs", SQS_SINK_ACTIONS, "Queue", Set.of("kms:GenerateDataKey", "kms:Decrypt"));
    }

    @Test
    void theQueueSendsWhatItCannotDeliverToItsDeadLetterQueue() {
        Map<String, Object> redrive = map(properties("Queue").get("RedrivePolicy"));
        assertThat(redrive.get("deadLetterTargetArn"))
                .isEqualTo(Map.of("Fn::GetAtt", List.of("DeadLetterQueue", "Arn")));
        assertThat(redrive.get("maxReceiveCount")).isEqualTo(5);
        assertThat(map(resources.get("DeadLetterQueue")).get("Condition")).isEqualTo("WithSqs");
    }

    /** cfn-lint, AWS's linter, where installed: the resource schemas, property types, unused names. */
    @Test
    void cfnLintFindsNothing() throws Exception {
        Path cfnLint = onPath("cfn-lint");
        Assumptions.assumeTrue(cfnLint != null, "Skipped: cfn-lint is not installed (pip install cfn-lint)");
        Process process = new ProcessBuilder(cfnLint.toString(), CloudFormationTemplate.PATH.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private static void assertSendPolicy(
            String policy, String condition, Set<String> sinkActions, String resource, Set<String> kmsActions) {
        assertThat(map(resources.get(policy)).get("Condition")).isEqualTo(condition);
        Map<String, Object> statementIf =
                map(map(properties(policy).get("PolicyDocument")).get("Statement"));
        assertThat(list(statementIf.get("Fn::If")).get(0)).isEqualTo("HasKmsKey");

        List<Object> withKey = statements(policy, true);
        List<Object> withoutKey = statements(policy, false);
        assertThat(withoutKey).singleElement().satisfies(statement -> {
            assertThat(actions(statement)).isEqualTo(sinkActions);
            assertThat(map(statement).get("Resource")).isEqualTo(Map.of("Fn::GetAtt", List.of(resource, "Arn")));
        });
        assertThat(withKey).hasSize(2).first().isEqualTo(withoutKey.get(0));
        Map<String, Object> kms = map(withKey.get(1));
        assertThat(actions(kms)).isEqualTo(kmsActions);
        assertThat(kms.get("Resource")).isEqualTo(Map.of("Ref", "KmsKeyArn"));
    }

    private static Map<String, Object> managedPolicies() {
        Map<String, Object> policies = new java.util.TreeMap<>();
        resources.forEach((name, body) -> {
            if ("AWS::IAM::ManagedPolicy".equals(map(body).get("Type"))) {
                policies.put(name, body);
            }
        });
        return policies;
    }

    /** A policy's statements; of its {@code Fn::If [HasKmsKey, ...]}, the branch with or without a key. */
    private static List<Object> statements(String policy, boolean withKey) {
        Object statement = map(properties(policy).get("PolicyDocument")).get("Statement");
        if (statement instanceof Map<?, ?> function) {
            List<Object> branches = list(function.get("Fn::If"));
            return list(branches.get(withKey ? 1 : 2));
        }
        return list(statement);
    }

    private static Set<String> actions(Object statement) {
        Object action = map(statement).get("Action");
        return action instanceof String one
                ? Set.of(one)
                : new TreeSet<>(list(action).stream().map(String.class::cast).toList());
    }

    /** A Firehose prefix as Firehose expands it for a stream at an instant. */
    private static String expand(String prefix, String stream, Instant at) {
        var utc = at.atOffset(ZoneOffset.UTC);
        Matcher timestamp = java.util.regex.Pattern.compile("!\\{timestamp:([^}]+)}")
                .matcher(prefix.replace("${StreamName}", stream));
        StringBuilder expanded = new StringBuilder();
        while (timestamp.find()) {
            timestamp.appendReplacement(
                    expanded, DateTimeFormatter.ofPattern(timestamp.group(1)).format(utc));
        }
        return timestamp.appendTail(expanded).toString();
    }

    private static void walk(Object node, String path, List<String> unresolved) {
        if (node instanceof Map<?, ?> map) {
            for (var entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                Object value = entry.getValue();
                String here = path + "." + key;
                switch (key) {
                    case "Ref" -> {
                        if (!isParameterOrResource((String) value)) {
                            unresolved.add(here + ": " + value);
                        }
                    }
                    case "Fn::GetAtt" -> {
                        if (!resources.containsKey(list(value).get(0))) {
                            unresolved.add(here + ": " + value);
                        }
                    }
                    case "Fn::Sub" -> checkSub(value, here, unresolved);
                    case "Fn::If" -> {
                        if (!conditions.containsKey(list(value).get(0))) {
                            unresolved.add(here + ": condition " + list(value).get(0));
                        }
                    }
                    case "Condition" -> {
                        // A condition reference inside Fn::And/Or/Not, a resource's or an output's
                        // condition; an IAM statement's Condition is a map and is walked instead.
                        if (value instanceof String name && !conditions.containsKey(name)) {
                            unresolved.add(here + ": condition " + name);
                        }
                    }
                    default -> {}
                }
                walk(value, here, unresolved);
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", unresolved);
            }
        }
    }

    private static void checkSub(Object value, String path, List<String> unresolved) {
        String text;
        Set<String> variables = new HashSet<>();
        if (value instanceof String string) {
            text = string;
        } else {
            List<Object> form = list(value);
            text = (String) form.get(0);
            variables.addAll(map(form.get(1)).keySet());
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        while (matcher.find()) {
            String name = matcher.group(1);
            String target =
                    name.contains(".") && !name.startsWith("AWS::") ? name.substring(0, name.indexOf('.')) : name;
            boolean ok = variables.contains(name)
                    || (name.contains(".") && !name.startsWith("AWS::")
                            ? resources.containsKey(target)
                            : isParameterOrResource(name));
            if (!ok) {
                unresolved.add(path + ": ${" + name + "}");
            }
        }
    }

    private static boolean isParameterOrResource(String name) {
        return parameters.containsKey(name) || resources.containsKey(name) || PSEUDO_PARAMETERS.contains(name);
    }

    private static Map<String, Object> properties(String resource) {
        assertThat(resources).containsKey(resource);
        return map(map(resources.get(resource)).get("Properties"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
