package io.firehosegateway.sink.aws;

/** Who builds a sink's data-plane calls ({@code PutRecordBatch}, {@code SendMessageBatch}, {@code PutRecords}). */
public enum DataPlane {

    /** The gateway writes, signs and reads the call itself ({@link AwsJsonRpcClient}), on the SDK's HTTP client. */
    DIRECT,

    /** The SDK's client marshals, signs and unmarshals it: the former path, kept as baseline and fallback. */
    SDK
}
