package io.firehosegateway.support;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpResponse;

/** AWS error answers as the SDK hands them on, for the sinks' classifier tests. */
public final class AwsAnswers {

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private AwsAnswers() {}

    /** {@code error} as answered by a service whose clock read {@code date}: its {@code Date} header. */
    @SuppressWarnings("unchecked")
    public static <T extends AwsServiceException> T answeredAt(T error, Instant date) {
        SdkHttpResponse answer = SdkHttpResponse.builder()
                .statusCode(error.statusCode())
                .putHeader("Date", HTTP_DATE.format(date))
                .build();
        return (T) error.toBuilder()
                .awsErrorDetails(error.awsErrorDetails().toBuilder()
                        .sdkHttpResponse(answer)
                        .build())
                .build();
    }
}
