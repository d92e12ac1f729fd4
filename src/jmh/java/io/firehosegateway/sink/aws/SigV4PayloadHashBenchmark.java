package io.firehosegateway.sink.aws;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * What the SDK's SigV4 signing of a call costs against its payload's SHA-256 alone, by this
 * thread's CPU time, interleaved in 30 rounds after 10 of warm-up: the SDK's sign of a body of the
 * given size, one {@code MessageDigest.update} over it, and the SDK's sign of an empty body (what
 * signing costs besides the hash). Run with {@code java -cp <bench/jmh's classpath>
 * io.firehosegateway.sink.aws.SigV4PayloadHashBenchmark [bytes]}.
 */
public final class SigV4PayloadHashBenchmark {

    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    private static final AwsCredentialsIdentity IDENTITY = AwsCredentialsIdentity.create("AKID", "SECRET");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-08T00:00:00Z"), ZoneOffset.UTC);
    private static final int CALLS = 200;

    private SigV4PayloadHashBenchmark() {}

    public static void main(String[] args) throws NoSuchAlgorithmException {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) ('A' + i * 31 % 26);
        }
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create("https://firehose.us-east-1.amazonaws.com/"))
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("Content-Length", Integer.toString(size))
                .build();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] cpu = new long[3];
        long kept = 0;
        for (int round = 0; round < 40; round++) {
            long[] took = new long[3];
            long start = threads.getCurrentThreadCpuTime();
            for (int k = 0; k < CALLS; k++) {
                kept += sign(request, body);
            }
            took[0] = threads.getCurrentThreadCpuTime() - start;
            start = threads.getCurrentThreadCpuTime();
            for (int k = 0; k < CALLS; k++) {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                digest.update(body, 0, size);
                kept += digest.digest()[0];
            }
            took[1] = threads.getCurrentThreadCpuTime() - start;
            start = threads.getCurrentThreadCpuTime();
            for (int k = 0; k < CALLS; k++) {
                kept += sign(request, new byte[0]);
            }
            took[2] = threads.getCurrentThreadCpuTime() - start;
            if (round >= 10) {
                Arrays.setAll(cpu, i -> cpu[i] + took[i]);
            }
        }
        double calls = 30.0 * CALLS * 1000;
        System.out.printf(
                "Java %s, body %d bytes: SDK sign %.1f µs, MessageDigest alone %.1f µs (%.0f MB/s), SDK sign of an"
                        + " empty body %.1f µs of CPU per call (%d)%n",
                System.getProperty("java.vm.version"),
                size,
                cpu[0] / calls,
                cpu[1] / calls,
                size / (cpu[1] / calls),
                cpu[2] / calls,
                kept & 1);
    }

    private static int sign(SdkHttpRequest request, byte[] body) {
        return SIGNER.sign(sign -> sign.request(request)
                        .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                        .identity(IDENTITY)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "firehose")
                        .putProperty(HttpSigner.SIGNING_CLOCK, CLOCK))
                .request()
                .headers()
                .size();
    }
}
