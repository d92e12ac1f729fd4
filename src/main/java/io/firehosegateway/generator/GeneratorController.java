package io.firehosegateway.generator;

import io.firehosegateway.api.EventMetadata;
import io.firehosegateway.pipeline.Pipeline;
import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import io.firehosegateway.problem.QueryParameters;
import io.firehosegateway.schema.EventSchemas;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.security.Principal;
import java.util.concurrent.ExecutionException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /events/generate?count=N} starts a job; its URL shows its progress to the key that
 * started it (to another key it does not exist).
 */
@RestController
@Tag(name = "generator", description = "Load-generation jobs")
class GeneratorController {

    private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("[0-9]{1,19}");

    private final GenerationJobs jobs;
    private final Pipeline pipeline;
    private final GeneratorProperties properties;
    private final EventSchemas schemas;
    private final EventMetadata metadata;

    GeneratorController(
            GenerationJobs jobs,
            Pipeline pipeline,
            GeneratorProperties properties,
            EventSchemas schemas,
            EventMetadata metadata) {
        this.jobs = jobs;
        this.pipeline = pipeline;
        this.properties = properties;
        this.schemas = schemas;
        this.metadata = metadata;
    }

    @Operation(summary = "Start a load-generation job of count test events")
    @PostMapping("/events/generate")
    ResponseEntity<JobSummary> generate(
            Principal principal,
            HttpServletRequest request,
            @RequestParam(name = "count", required = false) String count,
            @RequestParam(name = "stream", required = false) String stream,
            @RequestParam(name = "wait", required = false) String wait)
            throws InterruptedException, ExecutionException {
        // Authorization checked the first value; the job must go where that check looked.
        QueryParameters.once(request, "stream");
        long events = parseCount(count);
        boolean waitForIt = Boolean.TRUE.equals(QueryParameters.bool("wait", wait));
        String target = stream != null ? stream : pipeline.defaultStream();
        pipeline.checkStream(target);
        if (schemas.of(target) != null) {
            // Its UUID test events were written for no schema: they would fail it, or pass it by chance.
            throw new ProblemException(
                            ProblemType.STREAM_HAS_SCHEMA,
                            "Stream " + target + " checks its events against a schema, and the generator's"
                                    + " test events are not written for it; generate into a stream without one")
                    .with("stream", target);
        }
        // The facts of this request (its time, key, request id, client), as a posted event gets them.
        EventMetadata.Envelope envelope = metadata.forRequest(target, request);
        GenerationJob job = jobs.start(target, events, ownerOf(principal), envelope::addTo);
        URI location = URI.create("/events/generate/" + job.id);
        if (waitForIt) {
            return ResponseEntity.ok().location(location).body(job.finished.get());
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(location).body(job.summary());
    }

    @Operation(summary = "Show a generation job's state and progress")
    @GetMapping("/events/generate/{id}")
    JobSummary job(Principal principal, @PathVariable String id) {
        return jobs.find(id, ownerOf(principal))
                .map(GenerationJob::summary)
                .orElseThrow(() ->
                        new ProblemException(ProblemType.JOB_NOT_FOUND, "No generation job " + id).with("job", id));
    }

    /**
     * The API key's name a job belongs to. A gateway without keys has one client, {@code open}, so
     * there every caller sees every job.
     */
    private static String ownerOf(Principal principal) {
        return principal == null ? "" : principal.getName();
    }

    private long parseCount(String count) {
        long max = properties.maxCount();
        // ASCII digits alone: Long.parseLong would take a sign and any script's digits, trim() spaces.
        long parsed = -1;
        if (count != null && DIGITS.matcher(count).matches()) {
            try {
                parsed = Long.parseLong(count);
            } catch (NumberFormatException e) {
                parsed = -1;
            }
        }
        if (parsed < 1 || parsed > max) {
            throw new ProblemException(
                            ProblemType.INVALID_COUNT,
                            "count must be a whole number from 1 to " + max + ", not " + count)
                    .with("min", 1)
                    .with("max", max);
        }
        return parsed;
    }
}
