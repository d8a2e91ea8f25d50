package io.github.diffusion4j.quarkus.runtime.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.quarkus.runtime.queue.SubmitOptions;
import io.smallrye.common.annotation.Blocking;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionRuntimeConfig;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobResult;
import io.github.diffusion4j.quarkus.runtime.queue.JobState;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI-compatible {@code POST /v1/images/generations} (at the application root, as OpenAI clients expect), present
 * only when {@code quarkus.diffusion4j.rest.openai.enabled=true}. Goes through the same queue and limits as the native
 * API; errors are RFC 9457 problems that also carry OpenAI's {@code error} object.
 */
@Path("/v1/images")
@Tag(name = "OpenAI", description = "OpenAI-compatible images API")
@Singleton
public class OpenAiImagesResource {

    private static final Pattern SIZE = Pattern.compile("^\\s*(\\d{1,6})\\s*[xX×]\\s*(\\d{1,6})\\s*$");

    @Inject
    GenerationQueue queue;

    @Inject
    DiffusionRuntimeConfig config;

    @Inject
    ObjectMapper mapper;

    private volatile ObjectReader requestReader;

    @POST
    @Path("/generations")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create images (OpenAI-compatible)",
            description = "prompt, n, size (`WIDTHxHEIGHT`), response_format `b64_json` (the only one supported), model "
                    + "(optional: a configured name; other names use the default model).")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = OpenAiImageRequest.class),
            examples = @ExampleObject(name = "basic", value = "{\"prompt\":\"a red fox\",\"n\":1,\"size\":\"512x512\","
                    + "\"response_format\":\"b64_json\"}")))
    @APIResponse(responseCode = "200", description = "The images",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OpenAiImagesResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid request (also `response_format: url`)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Queue full; retry after `Retry-After` seconds",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Blocking // submitting may talk to a distributed queue backend
    public Uni<Response> generations(byte[] body) {
        OpenAiImageRequest r = read(body);
        ImageRequest request = toImageRequest(r);
        ImageRequests.Resolved resolved = ImageRequests.resolve(queue.models(), request);
        // the client never learns the job id: the job is not kept once answered
        Job job = Problems.submit(queue, resolved, SubmitOptions.TRANSIENT);
        String prompt = r.prompt;
        return job.whenFinished()
                // runs on the generation thread that finished the job: base64 and JSON stay off the event loop
                .map(j -> response(j, prompt))
                .onCancellation().invoke(() -> job.cancel("disconnected"));
    }

    private ObjectReader reader() {
        ObjectReader r = requestReader;
        if (r == null) {
            r = StrictJson.readerFor(mapper, OpenAiImageRequest.class);
            requestReader = r;
        }
        return r;
    }

    @ServerExceptionMapper
    public Response problem(Throwable failure, UriInfo uri) {
        return Problems.toResponse(failure, uri.getRequestUri().getRawPath());
    }

    private OpenAiImageRequest read(byte[] body) {
        long max = config.rest().maxBodySize().asLongValue();
        if (body == null || body.length == 0) {
            throw new InvalidRequestException("body", "is required: a JSON object with at least \"prompt\"");
        }
        if (body.length > max) {
            throw ApiException.bodyTooLarge(body.length, max);
        }
        try {
            return reader().readValue(body);
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException(e);
        } catch (IOException e) {
            throw new InvalidRequestException("body", "cannot be read: " + Problems.shorten(e.getMessage()));
        }
    }

    private ImageRequest toImageRequest(OpenAiImageRequest r) {
        if (r == null) {
            throw new InvalidRequestException("body", "is required: a JSON object with at least \"prompt\"");
        }
        List<FieldError> errors = new ArrayList<>();
        for (String unknown : r.unknownFields()) {
            errors.add(new FieldError(Problems.shorten(unknown), "unknown field; known fields: [prompt, n, size, "
                    + "response_format, model] (and ignored OpenAI fields " + OpenAiImageRequest.IGNORED + ")"));
        }
        if (r.responseFormat != null && !r.responseFormat.equals("b64_json")) {
            errors.add(new FieldError("response_format", "only b64_json is supported (this server does not host "
                    + "images, so it cannot return URLs), got '" + Problems.shorten(r.responseFormat) + "'"));
        }
        ImageRequest request = new ImageRequest();
        request.prompt = r.prompt;
        request.batch = r.n;
        if (r.size != null) {
            Matcher m = SIZE.matcher(r.size);
            if (m.matches()) {
                request.width = Integer.parseInt(m.group(1));
                request.height = Integer.parseInt(m.group(2));
            } else {
                errors.add(new FieldError("size", "must be WIDTHxHEIGHT, e.g. 512x512, got '" + Problems.shorten(r.size) + "'"));
            }
        }
        // OpenAI clients send their own model names (dall-e-3): only configured names select a model.
        request.model = r.model != null && queue.models().get(r.model).isPresent() ? r.model : null;
        try {
            ImageRequests.resolve(queue.models(), request);
        } catch (InvalidRequestException e) {
            for (FieldError error : e.errors()) {
                errors.add(new FieldError(openAiName(error.field()), error.message()));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return request;
    }

    private static String openAiName(String field) {
        return switch (field) {
            case "batch" -> "n";
            case "width", "height" -> "size";
            default -> field;
        };
    }

    private Response response(Job job, String prompt) {
        if (job.state() != JobState.COMPLETED) {
            String detail = job.state() == JobState.FAILED
                    ? job.error().map(e -> e.detail()).orElse("generation failed")
                    : "the job was cancelled before it finished";
            int status = job.state() == JobState.FAILED ? 500 : 409;
            return Problems.response(new Problem(job.state() == JobState.FAILED ? Problems.TYPE_INTERNAL
                    : Problems.TYPE_JOB_CANCELLED, job.state() == JobState.FAILED ? "Generation failed" : "Job cancelled",
                    status, detail, null, null));
        }
        JobResult result = job.result().orElseThrow();
        List<OpenAiImagesResponse.Data> data = new ArrayList<>(result.size());
        for (int i = 0; i < result.size(); i++) {
            data.add(new OpenAiImagesResponse.Data(Base64.getEncoder().encodeToString(result.png(i)), prompt));
        }
        try {
            byte[] bytes = mapper.writeValueAsBytes(new OpenAiImagesResponse(Instant.now().getEpochSecond(), data));
            return Response.ok(bytes, MediaType.APPLICATION_JSON_TYPE).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the images as JSON", e);
        }
    }
}
