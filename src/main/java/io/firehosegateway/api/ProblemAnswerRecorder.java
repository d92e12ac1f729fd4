package io.firehosegateway.api;

import io.firehosegateway.problem.ProblemType;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Notes on the request which problem it was answered with ({@link ProblemType#ANSWERED_ATTRIBUTE}),
 * so that a refusal whose answer nobody reads, a beacon's or a pixel's, can still be counted by its
 * reason. Every problem passes here: the security chain's too, since they are resolved by the same
 * handler.
 */
@ControllerAdvice
class ProblemAnswerRecorder implements ResponseBodyAdvice<Object> {

    private static final String PREFIX = "/problems/";

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(
            Object body,
            MethodParameter returnType,
            MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType,
            ServerHttpRequest request,
            ServerHttpResponse response) {
        if (body instanceof ProblemDetail problem
                && problem.getType() != null
                && request instanceof ServletServerHttpRequest servlet) {
            String type = problem.getType().toString();
            if (type.startsWith(PREFIX)) {
                servlet.getServletRequest()
                        .setAttribute(ProblemType.ANSWERED_ATTRIBUTE, type.substring(PREFIX.length()));
            }
        }
        return body;
    }
}
