package io.firehosegateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.support.AuthorizingMotoServer;
import io.firehosegateway.support.FirehoseEmulator;
import io.firehosegateway.support.GatewayProcess;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.utils.SdkAutoCloseable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The template on moto: CloudFormation deploys what moto's CloudFormation supports (S3, Kinesis,
 * SQS, IAM; not Firehose, CloudWatch alarms or log groups, left out by {@code
 * CreateDeliveryStream=false}), and, with moto checking every request against IAM, the gateway
 * delivers to Firehose with the credentials of a user that has only the template's Firehose policy,
 * and is refused once the policy lacks {@code firehose:PutRecordBatch}.
 */
class CloudFormationMotoIntegrationTests {

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final String STREAM = "events";

    private static AuthorizingMotoServer moto;
    private static final List<SdkAutoCloseable> clients = new ArrayList<>();
    private static Map<String, String> outputs;
    private static Map<String, String> secondStackOutputs;
    private static JsonNode firehosePolicy;
    private static AccessKey gatewayKey;
    private static AccessKey withoutPutKey;
    private static StaticCredentialsProvider admin;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void deployAndCreateUsers() throws Exception {
        moto = AuthorizingMotoServer.start();
        moto.allowEverything();
        StaticCredentialsProvider setup = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(FirehoseEmulator.ACCESS_KEY, FirehoseEmulator.SECRET_KEY));

        CloudFormationClient cloudFormation = client(CloudFormationClient.builder(), setup);
        String body = Files.readString(CloudFormationTemplate.PATH);
        outputs = deploy(
                cloudFormation,
                "gateway-events",
                body,
                Map.of("CreateDeliveryStream", "false", "CreateKinesisStream", "true", "CreateSqsQueue", "true"));
        // A second gateway stream: its own stack, writing into the first one's bucket, with a KMS key.
        secondStackOutputs = deploy(
                cloudFormation,
                "gateway-orders",
                body,
                Map.of(
                        "StreamName", "orders",
                        "ExistingBucketName", outputs.get("BucketName"),
                        "KmsKeyArn", "arn:aws:kms:us-east-1:123456789012:key/0d5f2c1e-0000-4000-8000-000000000001",
                        "CreateDeliveryStream", "false",
                        "CreateKinesisStream", "true",
                        "CreateSqsQueue", "true"));

        // What the template's DeliveryStream would make on AWS; moto's CloudFormation has no Firehose.
        client(FirehoseClient.builder(), setup)
                .createDeliveryStream(request -> request.deliveryStreamName(STREAM)
                        .deliveryStreamType("DirectPut")
                        .extendedS3DestinationConfiguration(destination -> destination
                                .bucketARN("arn:aws:s3:::" + outputs.get("BucketName"))
                                .roleARN("arn:aws:iam::123456789012:role/firehose-delivery")));

        IamClient iam = client(IamClient.builder(), setup);
        firehosePolicy = policyDocument(iam, outputs.get("FirehoseSendPolicyArn"));
        gatewayKey = userWith(iam, "gateway", asMotoChecksIt(firehosePolicy));
        withoutPutKey = userWith(
                iam, "gateway-without-put", without(asMotoChecksIt(firehosePolicy), "firehose:PutRecordBatch"));
        AccessKey adminKey = userWith(
                iam,
                "admin",
                json.readTree(
                        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
        admin = credentials(adminKey);

        moto.enforce();
    }

    @AfterAll
    static void stopMoto() throws Exception {
        clients.forEach(SdkAutoCloseable::close);
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void cloudFormationOnMotoMakesTheBucketTheStreamsAndTheQueues() {
        String bucket = outputs.get("BucketName");
        assertThat(outputs.get("EventsPrefix")).isEqualTo("s3://" + bucket + "/events/");
        assertThat(secondStackOutputs.get("BucketName")).isEqualTo(bucket);
        assertThat(secondStackOutputs.get("EventsPrefix")).isEqualTo("s3://" + bucket + "/orders/");

        S3Client s3 = client(S3Client.builder().forcePathStyle(true), admin);
        assertThat(s3.getBucketEncryption(request -> request.bucket(bucket))
                        .serverSideEncryptionConfiguration()
                        .rules())
                .singleElement()
                .satisfies(rule -> assertThat(
                                rule.applyServerSideEncryptionByDefault().sseAlgorithm())
                        .isEqualTo(ServerSideEncryption.AES256));

        KinesisClient kinesis = kinesisOverJson();
        for (String stream : List.of("events", "orders")) {
            assertThat(kinesis.describeStreamSummary(request -> request.streamName(stream))
                            .streamDescriptionSummary()
                            .streamStatusAsString())
                    .isEqualTo("ACTIVE");
        }

        SqsClient sqs = client(SqsClient.builder(), admin);
        String queueUrl =
                sqs.getQueueUrl(request -> request.queueName("events")).queueUrl();
        String deadLetterUrl = sqs.getQueueUrl(request -> request.queueName("events-dead-letter"))
                .queueUrl();
        String deadLetterArn = sqs.getQueueAttributes(
                        request -> request.queueUrl(deadLetterUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        JsonNode redrive = json.readTree(sqs.getQueueAttributes(
                        request -> request.queueUrl(queueUrl).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                .attributes()
                .get(QueueAttributeName.REDRIVE_POLICY));
        assertThat(redrive.get("deadLetterTargetArn").asString()).isEqualTo(deadLetterArn);
        assertThat(redrive.get("maxReceiveCount").asInt()).isEqualTo(5);
    }

    @Test
    void theStacksGrantEachSinkItsCallsAndTheKeyOnlyWhereOneIsGiven() throws Exception {
        IamClient iam = client(IamClient.builder(), admin);

        assertThat(grants(firehosePolicy))
                .isEqualTo(Map.of(
                        "firehose:DescribeDeliveryStream",
                        Set.of("arn:aws:firehose:us-east-1:123456789012:deliverystream/events"),
                        "firehose:PutRecordBatch",
                        Set.of("arn:aws:firehose:us-east-1:123456789012:deliverystream/events")));
        assertThat(grants(policyDocument(iam, outputs.get("KinesisSendPolicyArn"))))
                .isEqualTo(Map.of(
                        "kinesis:DescribeStreamSummary", Set.of("arn:aws:kinesis:us-east-1:123456789012:stream/events"),
                        "kinesis:ListShards", Set.of("arn:aws:kinesis:us-east-1:123456789012:stream/events"),
                        "kinesis:PutRecords", Set.of("arn:aws:kinesis:us-east-1:123456789012:stream/events")));
        assertThat(grants(policyDocument(iam, outputs.get("SqsSendPolicyArn"))))
                .isEqualTo(Map.of(
                        "sqs:GetQueueAttributes", Set.of("arn:aws:sqs:us-east-1:123456789012:events"),
                        "sqs:GetQueueUrl", Set.of("arn:aws:sqs:us-east-1:123456789012:events"),
                        "sqs:SendMessage", Set.of("arn:aws:sqs:us-east-1:123456789012:events")));

        String key = "arn:aws:kms:us-east-1:123456789012:key/0d5f2c1e-0000-4000-8000-000000000001";
        assertThat(grants(policyDocument(iam, secondStackOutputs.get("KinesisSendPolicyArn"))))
                .containsEntry("kinesis:PutRecords", Set.of("arn:aws:kinesis:us-east-1:123456789012:stream/orders"))
                .containsEntry("kms:GenerateDataKey", Set.of(key))
                .doesNotContainKey("kms:Decrypt");
        assertThat(grants(policyDocument(iam, secondStackOutputs.get("SqsSendPolicyArn"))))
                .containsEntry("sqs:SendMessage", Set.of("arn:aws:sqs:us-east-1:123456789012:orders"))
                .containsEntry("kms:GenerateDataKey", Set.of(key))
                .containsEntry("kms:Decrypt", Set.of(key));
    }

    @Test
    void theGatewayDeliversWithOnlyTheTemplatesFirehosePolicy(@TempDir Path directory) throws Exception {
        Path log = directory.resolve("gateway.log");
        List<String> ids = ids("allowed", 40);
        try (GatewayProcess gateway = GatewayProcess.start(firehoseSink(directory), environment(gatewayKey), log)) {
            HttpResponse<String> response = post(gateway, ids);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        assertThat(landedIds()).containsAll(ids);
        // The gateway's other call, DescribeDeliveryStream at start (its health component), is allowed
        // too. Asked here rather than read from the gateway's log: on a loaded machine the gateway's
        // first call can outlast its attempt timeout while the JVM warms up.
        FirehoseClient firehose = client(FirehoseClient.builder(), credentials(gatewayKey));
        assertThat(firehose.describeDeliveryStream(request -> request.deliveryStreamName(STREAM))
                        .deliveryStreamDescription()
                        .deliveryStreamStatusAsString())
                .isEqualTo("ACTIVE");
    }

    @Test
    void withoutPutRecordBatchInThePolicyTheGatewaysCallsAreRefused(@TempDir Path directory) throws Exception {
        Path log = directory.resolve("gateway.log");
        List<String> ids = ids("refused", 10);
        try (GatewayProcess gateway = GatewayProcess.start(firehoseSink(directory), environment(withoutPutKey), log)) {
            HttpResponse<String> response = post(gateway, ids);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(json.readTree(response.body()).get("reason").asString()).isEqualTo("configuration");
        }
        assertThat(landedIds()).doesNotContainAnyElementsOf(ids);
        // moto itself refuses that user's call, whoever makes it.
        FirehoseClient firehose = client(FirehoseClient.builder(), credentials(withoutPutKey));
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(
                        SdkServiceException.class,
                        () -> firehose.putRecordBatch(request -> request.deliveryStreamName(STREAM)
                                .records(record ->
                                        record.data(software.amazon.awssdk.core.SdkBytes.fromUtf8String("{}\n"))))))
                .satisfies(error -> assertThat(error.statusCode()).isEqualTo(403));
    }

    private static Map<String, String> firehoseSink(Path directory) {
        return Map.of(
                "gateway.sink",
                "firehose",
                "gateway.firehose.endpoint",
                moto.endpoint().toString(),
                "gateway.aws.region",
                FirehoseEmulator.REGION,
                "gateway.delivery.dead-letter-directory",
                directory.resolve("dead-letter").toString());
    }

    private static Map<String, String> environment(AccessKey key) {
        return Map.of("AWS_ACCESS_KEY_ID", key.accessKeyId(), "AWS_SECRET_ACCESS_KEY", key.secretAccessKey());
    }

    private HttpResponse<String> post(GatewayProcess gateway, List<String> ids) throws Exception {
        String body = ids.stream().map(id -> "{\"id\":\"" + id + "\"}").collect(Collectors.joining(",", "[", "]"));
        return http.send(
                HttpRequest.newBuilder(gateway.uri("/events"))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(150))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> ids(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    }

    /** The ids of every event in the stack's bucket, read with the admin user's keys. */
    private static List<String> landedIds() {
        S3Client s3 = client(S3Client.builder().forcePathStyle(true), admin);
        String bucket = outputs.get("BucketName");
        List<String> landed = new ArrayList<>();
        for (var object : s3.listObjectsV2(request -> request.bucket(bucket)).contents()) {
            String content = s3.getObjectAsBytes(
                            request -> request.bucket(bucket).key(object.key()))
                    .asUtf8String();
            for (String line : content.split("\n")) {
                if (!line.isBlank()) {
                    landed.add(json.readTree(line).get("id").asString());
                }
            }
        }
        return landed;
    }

    private static Map<String, String> deploy(
            CloudFormationClient cloudFormation, String name, String body, Map<String, String> parameters) {
        cloudFormation.createStack(request -> request.stackName(name)
                .templateBody(body)
                .parameters(parameters.entrySet().stream()
                        .map(parameter -> Parameter.builder()
                                .parameterKey(parameter.getKey())
                                .parameterValue(parameter.getValue())
                                .build())
                        .toList()));
        var stack = await("stack " + name)
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> cloudFormation
                                .describeStacks(request -> request.stackName(name))
                                .stacks()
                                .get(0),
                        described -> described.stackStatus() != StackStatus.CREATE_IN_PROGRESS);
        assertThat(stack.stackStatus()).as(stack.stackStatusReason()).isEqualTo(StackStatus.CREATE_COMPLETE);
        return stack.outputs().stream().collect(Collectors.toMap(Output::outputKey, Output::outputValue));
    }

    private static JsonNode policyDocument(IamClient iam, String arn) {
        String version =
                iam.getPolicy(request -> request.policyArn(arn)).policy().defaultVersionId();
        String document = iam.getPolicyVersion(request -> request.policyArn(arn).versionId(version))
                .policyVersion()
                .document();
        // IAM answers the document URL-encoded.
        return json.readTree(document.startsWith("{") ? document : URLDecoder.decode(document, StandardCharsets.UTF_8));
    }

    /** Each action a policy allows, with the resources it allows it on. */
    private static Map<String, Set<String>> grants(JsonNode policy) {
        Map<String, Set<String>> grants = new TreeMap<>();
        for (JsonNode statement : policy.get("Statement")) {
            assertThat(statement.get("Effect").asString()).isEqualTo("Allow");
            for (String action : strings(statement.get("Action"))) {
                grants.computeIfAbsent(action, ignored -> new TreeSet<>()).addAll(strings(statement.get("Resource")));
            }
        }
        return grants;
    }

    private static List<String> strings(JsonNode node) {
        return node.isArray() ? node.valueStream().map(JsonNode::asString).toList() : List.of(node.asString());
    }

    /**
     * The policy as moto can check it: moto 5.2 checks Firehose and Kinesis calls against the
     * resource {@code *}, so their statements' resources become {@code *} (the template's own ARNs are
     * checked above and by {@code CloudFormationTemplateIntegrationTests}); actions stay as they are.
     */
    private static JsonNode asMotoChecksIt(JsonNode policy) {
        ObjectNode copy = (ObjectNode) policy.deepCopy();
        for (JsonNode statement : copy.get("Statement")) {
            boolean unscoped = strings(statement.get("Action")).stream()
                    .allMatch(action -> action.startsWith("firehose:") || action.startsWith("kinesis:"));
            if (unscoped) {
                ((ObjectNode) statement).put("Resource", "*");
            }
        }
        return copy;
    }

    private static JsonNode without(JsonNode policy, String action) {
        ObjectNode copy = (ObjectNode) policy.deepCopy();
        for (JsonNode statement : copy.get("Statement")) {
            ArrayNode actions = json.createArrayNode();
            strings(statement.get("Action")).stream()
                    .filter(a -> !a.equals(action))
                    .forEach(actions::add);
            assertThat(actions.size()).isPositive();
            ((ObjectNode) statement).set("Action", actions);
        }
        assertThat(grants(copy)).doesNotContainKey(action).isNotEmpty();
        return copy;
    }

    /** A user with only {@code policy}, as a managed policy attached to it; returns its keys. */
    private static AccessKey userWith(IamClient iam, String name, JsonNode policy) {
        iam.createUser(request -> request.userName(name));
        String arn = iam.createPolicy(
                        request -> request.policyName(name + "-policy").policyDocument(policy.toString()))
                .policy()
                .arn();
        iam.attachUserPolicy(request -> request.userName(name).policyArn(arn));
        return iam.createAccessKey(request -> request.userName(name)).accessKey();
    }

    /**
     * A Kinesis client speaking JSON rather than CBOR, which moto cannot read with authorization on.
     * The SDK reads {@code aws.cborEnabled} when it builds the client, so it is set for that only.
     */
    private static KinesisClient kinesisOverJson() {
        String previous = System.setProperty("aws.cborEnabled", "false");
        try {
            return client(KinesisClient.builder(), admin);
        } finally {
            if (previous == null) {
                System.clearProperty("aws.cborEnabled");
            } else {
                System.setProperty("aws.cborEnabled", previous);
            }
        }
    }

    private static StaticCredentialsProvider credentials(AccessKey key) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
    }

    private static <C extends SdkAutoCloseable> C client(
            software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<?, C> builder,
            StaticCredentialsProvider credentials) {
        C client = builder.endpointOverride(moto.endpoint())
                .region(Region.of(FirehoseEmulator.REGION))
                .credentialsProvider(credentials)
                .build();
        clients.add(client);
        return client;
    }
}
