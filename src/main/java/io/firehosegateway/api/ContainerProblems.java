package io.firehosegateway.api;

import io.firehosegateway.problem.ProblemType;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * Problems for errors the servlet container reports by their status alone: Tomcat's refusals of
 * what is not HTTP it accepts, and errors sent to {@code /error}. Their details are fixed texts, so
 * nothing of the request is echoed and nothing of the server's internals is told.
 */
final class ContainerProblems {

    private ContainerProblems() {}

    static ProblemDetail of(int status) {
        ProblemType type = ProblemType.forStatus(status);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail(status));
        if (type != null) {
            problem.setType(type.type());
            problem.setTitle(type.title());
        }
        return problem;
    }

    private static String detail(int status) {
        return switch (status) {
            case 400 ->
                "The request is not HTTP/1.1 the gateway accepts: its request line, a header or its framing is malformed";
            case 404 -> "There is nothing at this path";
            case 408 -> "The request was not received in time";
            case 413 -> "The request is larger than the gateway accepts";
            case 414 -> "The request target is longer than the gateway accepts";
            case 431 -> "The request's headers are larger than the gateway accepts";
            case 501 -> "The request uses a method or a transfer coding the gateway does not implement";
            case 503 -> "The gateway cannot take requests at the moment";
            case 505 -> "The gateway speaks HTTP/1.1 (and HTTP/1.0)";
            default ->
                status >= 500 ? "The gateway failed to handle the request" : "The request was refused (" + status + ")";
        };
    }
}
