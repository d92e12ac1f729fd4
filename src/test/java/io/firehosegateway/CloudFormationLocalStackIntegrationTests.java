package io.firehosegateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.ResourceStatus;
import software.amazon.awssdk.services.cloudformation.model.StackResource;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationDescription;

/**
 * The whole template, Firehose and alarms included, deployed by LocalStack's CloudFormation: what
 * moto's cannot deploy. Needs a Docker engine: skipped without one.
 */
@Testcontainers(disabledWithoutDocker = true)
class CloudFormationLocalStackIntegrationTests {

    /** The community release the other LocalStack test pins. */
    private static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8.1");

    @Container
    static final LocalStackContainer localstack = new LocalStackContainer(IMAGE)
            .withServices("cloudformation", "s3", "firehose", "iam", "sts", "kinesis", "sqs", "logs", "cloudwatch");

    @Test
    void deploysEveryResourceOfTheTemplate() throws Exception {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey()));
        try (CloudFormationClient cloudFormation = CloudFormationClient.builder()
                        .endpointOverride(localstack.getEndpoint())
                        .region(Region.of(localstack.getRegion()))
                        .credentialsProvider(credentials)
                        .build();
                FirehoseClient firehose = FirehoseClient.builder()
                        .endpointOverride(localstack.getEndpoint())
                        .region(Region.of(localstack.getRegion()))
                        .credentialsProvider(credentials)
                        .build()) {
            Map<String, String> parameters = Map.of("CreateKinesisStream", "true", "CreateSqsQueue", "true");
            String template = Files.readString(CloudFormationTemplate.PATH);
            cloudFormation.createStack(request -> request.stackName("gateway-events")
                    .templateBody(template)
                    .capabilities(software.amazon.awssdk.services.cloudformation.model.Capability.CAPABILITY_IAM)
                    .parameters(parameters.entrySet().stream()
                            .map(parameter -> Parameter.builder()
                                    .parameterKey(parameter.getKey())
                                    .parameterValue(parameter.getValue())
                                    .build())
                            .toList()));

            var stack = await("the stack")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> cloudFormation
                                    .describeStacks(request -> request.stackName("gateway-events"))
                                    .stacks()
                                    .get(0),
                            described -> !described.stackStatusAsString().endsWith("_IN_PROGRESS"));
            assertThat(stack.stackStatus()).as(stack.stackStatusReason()).isEqualTo(StackStatus.CREATE_COMPLETE);

            List<StackResource> resources = cloudFormation
                    .describeStackResources(request -> request.stackName("gateway-events"))
                    .stackResources();
            assertThat(resources)
                    .extracting(StackResource::logicalResourceId)
                    .contains(
                            "Bucket",
                            "DeliveryStream",
                            "DeliveryRole",
                            "DataFreshnessAlarm",
                            "ThrottledRecordsAlarm",
                            "KinesisStream",
                            "Queue",
                            "DeadLetterQueue",
                            "FirehoseSendPolicy",
                            "KinesisSendPolicy",
                            "SqsSendPolicy");
            assertThat(resources)
                    .allSatisfy(resource -> assertThat(resource.resourceStatus())
                            .as(resource.logicalResourceId())
                            .isEqualTo(ResourceStatus.CREATE_COMPLETE));

            ExtendedS3DestinationDescription s3 = firehose.describeDeliveryStream(
                            request -> request.deliveryStreamName("events"))
                    .deliveryStreamDescription()
                    .destinations()
                    .get(0)
                    .extendedS3DestinationDescription();
            assertThat(s3.prefix())
                    .isEqualTo("events/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/");
            assertThat(s3.compressionFormatAsString()).isEqualTo("GZIP");
        }
    }
}
