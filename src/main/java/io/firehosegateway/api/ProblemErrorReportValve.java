package io.firehosegateway.api;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.res.StringManager;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's answer to what it refuses before any servlet sees it (a malformed request line or
 * header, an unsupported transfer coding or HTTP version), as a problem instead of an HTML page.
 * Replaces Tomcat's {@link ErrorReportValve} on the host, keeping its rules on when to report.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    /** Written as Spring MVC writes problems: no empty members, properties at the top level. */
    private static final JsonMapper json = JsonMapper.builder()
            .addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class)
            .build();

    /**
     * Tomcat's message for a request whose headers pass {@code max-http-request-header-size}, which
     * it answers {@code 400} like malformed ones; read as Tomcat reads it, in the same locale.
     */
    private static final String HEADER_TOO_LARGE =
            StringManager.getManager("org.apache.coyote.http11").getString("iib.requestheadertoolarge.error");

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        if (status == 400 && headerTooLarge(throwable)) {
            status = 431;
            response.setStatus(status);
        }
        ProblemDetail problem = ContainerProblems.of(status);
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(json.writeValueAsString(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The connection is going away; there is no one left to tell.
        }
    }

    private static boolean headerTooLarge(Throwable throwable) {
        for (Throwable cause = throwable; cause != null; cause = cause.getCause()) {
            if (cause instanceof IllegalArgumentException && HEADER_TOO_LARGE.equals(cause.getMessage())) {
                return true;
            }
        }
        return false;
    }
}
