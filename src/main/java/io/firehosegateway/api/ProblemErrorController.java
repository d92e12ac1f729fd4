package io.firehosegateway.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers what the servlet container sends to the error page (an exception out of a filter, a
 * {@code sendError}) as a problem, in place of Spring Boot's JSON that is not one. Asked for
 * directly, {@code /error} is a path like any other that has nothing: {@code 404}.
 */
@RestController
class ProblemErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        ProblemDetail problem = problem(request);
        return ResponseEntity.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static ProblemDetail problem(HttpServletRequest request) {
        if (!(request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer status)) {
            return ContainerProblems.of(404);
        }
        Throwable error =
                request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable thrown ? thrown : null;
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidParameterException) {
                log.debug("Refused a request's parameters: {}", cause.getMessage());
                return ProblemHandler.tooManyParameters().toProblemDetail();
            }
        }
        if (status >= 500) {
            log.error(
                    "Unexpected error while handling {}",
                    request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
                    error);
        }
        return ContainerProblems.of(status);
    }
}
