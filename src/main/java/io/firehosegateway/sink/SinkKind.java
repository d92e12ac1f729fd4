package io.firehosegateway.sink;

/** The kinds of sink the gateway knows; a kind's name is its {@code sink} tag on the meters. */
public enum SinkKind {

    /** Amazon Data Firehose ({@code PutRecordBatch}). */
    FIREHOSE("firehose"),

    /** Amazon Kinesis Data Streams ({@code PutRecords}). */
    KINESIS("kinesis"),

    /** Amazon SQS ({@code SendMessageBatch}). */
    SQS("sqs"),

    /** Files on local disk, laid out as Firehose lays out S3 objects. */
    LOCAL("local");

    private final String value;

    SinkKind(String value) {
        this.value = value;
    }

    /** The kind as settings and meters spell it. */
    public String value() {
        return value;
    }
}
