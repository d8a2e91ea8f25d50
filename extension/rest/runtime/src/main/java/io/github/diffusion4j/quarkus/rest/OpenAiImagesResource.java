package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionRuntimeConfig;
import io.github.diffusion4j.quarkus.rest.config.RestRuntimeConfig;
import io.github.diffusion4j.quarkus.runtime.queue.CompletedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobEvent;
import io.github.diffusion4j.quarkus.runtime.queue.JobResult;
import io.github.diffusion4j.quarkus.runtime.queue.JobState;
import io.github.diffusion4j.quarkus.runtime.queue.ModelCatalog;
import io.github.diffusion4j.quarkus.runtime.queue.ModelDescriptor;
import io.github.diffusion4j.quarkus.runtime.queue.StepEvent;
import io.github.diffusion4j.quarkus.runtime.queue.SubmitOptions;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * OpenAI-compatible {@code POST /v1/images/generations} (at the application root, as OpenAI clients expect),
 * answering when {@code quarkus.diffusion4j.rest.openai.enabled=true} (a run-time switch). Goes through the same queue
 * and limits as the native API; every error is OpenAI's error object ({@link OpenAiErrors}).
 * <p>
 * {@code "stream": true} is served by {@link #stream}: {@link RequestGuard} reads the body first and, seeing the flag,
 * asks for {@code text/event-stream}, so that JAX-RS picks the streaming method for the same path.
 */
@Path("/v1/images")
@Tag(name = ApiTags.OPENAI, description = "OpenAI-compatible images API")
@Singleton
public class OpenAiImagesResource {

    private static final String EXAMPLE = "{\"prompt\":\"a red fox\",\"n\":1,\"size\":\"512x512\",\"response_format\":\"b64_json\"}";

    @Inject
    GenerationQueue queue;

    @Inject
    DiffusionRuntimeConfig config;

    @Inject
    RestRuntimeConfig restConfig;

    @Inject
    ObjectMapper mapper;

    private final RequestBodies<OpenAiImageRequest> bodies = new RequestBodies<>(OpenAiImageRequest.class);

    @POST
    @Path("/generations")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create images (OpenAI-compatible)",
            description = "prompt, n, size (`WIDTHxHEIGHT` or `auto`), response_format `b64_json` (the only one "
                    + "supported), output_format `png`/`jpeg` with output_compression, model (optional: a configured "
                    + "name; other names use the default model). With `\"stream\": true` the answer is "
                    + "`text/event-stream`: up to `partial_images` (0-3) `image_generation.partial_image` events, then "
                    + "one `image_generation.completed` event per image, as OpenAI's streaming images API sends them. "
                    + "Errors are OpenAI error objects `{\"error\": {\"message\", \"type\", \"param\", \"code\"}}`.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = OpenAiImageRequest.class),
            examples = @ExampleObject(name = "basic", value = EXAMPLE)))
    @APIResponse(responseCode = "200", description = "The images, or with stream: true their events",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OpenAiImagesResponse.class)),
                    @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = OpenAiStreamEvent.class))})
    @APIResponse(responseCode = "400", description = "Invalid request (also `response_format: url`, `output_format: webp`)")
    @APIResponse(responseCode = "503", description = "Queue full; retry after `Retry-After` seconds")
    @Blocking // submitting may talk to a distributed queue backend
    public Uni<Response> generations(byte[] body, @Context RoutingContext routing) {
        Submitted s = submit(body, routing);
        return s.job.whenFinished()
                // runs on the generation thread that finished the job: encoding and JSON stay off the event loop
                .map(j -> response(j, s.parsed))
                .onCancellation().invoke(() -> s.job.cancel("disconnected"));
    }

    /** {@code "stream": true}: partial images from evenly spaced step previews, then the final images. */
    @POST
    @Path("/generations")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(hidden = true)
    @Blocking // submitting may talk to a distributed queue backend
    public Multi<OutboundSseEvent> stream(byte[] body, @Context RoutingContext routing, @Context Sse sse) {
        Submitted s = submit(body, routing);
        // Decoding, scaling and encoding images on a worker thread (a distributed backend may deliver events on an
        // event loop). Subscribed at once and cached: the step previews are read as the job publishes them (its
        // history keeps only the newest one's, so a stream subscribed after a short job would find none); only the
        // few OpenAI events are kept, for the client's stream to replay.
        Multi<OutboundSseEvent> events = s.job.events(0).emitOn(Infrastructure.getDefaultWorkerPool())
                .onItem().transformToIterable(e -> toOpenAi(e, s, sse))
                .cache();
        events.subscribe().with(e -> { }, failure -> { });
        return SseSupport.withHeartbeat(events, sse, config.jobs().sseHeartbeat())
                .onTermination().invoke((failure, cancelled) -> {
                    if (cancelled || failure != null) {
                        s.job.cancel("disconnected");
                    }
                });
    }

    @ServerExceptionMapper
    public Response problem(Throwable failure, UriInfo uri) {
        if (!RoutingProblems.openAiEnabled()) {
            return Response.status(404).build();
        }
        return Problems.toResponse(failure, uri.getRequestUri().getRawPath());
    }

    /** A queued request, with the partial images its stream takes from the job's step previews. */
    private record Submitted(Job job, OpenAiRequests.Parsed parsed, PartialImages partials) {
    }

    private Submitted submit(byte[] body, RoutingContext routing) {
        if (!RoutingProblems.openAiEnabled()) {
            throw new jakarta.ws.rs.NotFoundException();
        }
        ModelCatalog models = queue.models();
        OpenAiRequests.Parsed parsed = OpenAiRequests.parse(models,
                bodies.read(mapper, RequestGuard.body(body, routing), restConfig.maxBodySize().asLongValue()));
        ImageRequests.Resolved resolved = ImageRequests.resolve(models, parsed.request());
        // the client never learns the job id: the job is not kept once answered
        Job job = Problems.submit(queue, resolved, SubmitOptions.TRANSIENT);
        if (parsed.partials() == 0) {
            return new Submitted(job, parsed, null);
        }
        GenerationRequest request = resolved.request();
        ModelDescriptor model = models.get(resolved.model()).orElseThrow();
        PartialImages partials = new PartialImages(parsed,
                request.width() != null ? request.width() : model.defaultWidth(),
                request.height() != null ? request.height() : model.defaultHeight());
        return new Submitted(job, parsed, partials);
    }

    private List<OutboundSseEvent> toOpenAi(JobEvent event, Submitted s, Sse sse) {
        if (event.data() instanceof StepEvent step) {
            PartialImages.Partial partial = s.partials != null ? s.partials.take(step) : null;
            return partial == null ? List.of() : List.of(event(sse, OpenAiStreamEvent.PARTIAL, OpenAiStreamEvent.partial(
                    partial.b64(), s.parsed.format(), partial.size(), partial.index())));
        }
        if (event.data() instanceof CompletedEvent) {
            JobResult result = s.job.result().orElseThrow();
            List<OutboundSseEvent> completed = new ArrayList<>(result.size());
            for (int i = 0; i < result.size(); i++) {
                JobResult.JobImage image = result.image(i);
                completed.add(event(sse, OpenAiStreamEvent.COMPLETED, OpenAiStreamEvent.completed(
                        encoded(result, i, s.parsed), s.parsed.format(), image.width() + "x" + image.height())));
            }
            return completed;
        }
        if (event.isTerminal()) {
            Problem problem = failure(s.job);
            return List.of(sse.newEventBuilder().name("error").data(OpenAiErrors.body(problem)).build());
        }
        return List.of();
    }

    private OutboundSseEvent event(Sse sse, String name, OpenAiStreamEvent data) {
        try {
            return sse.newEventBuilder().name(name).data(mapper.writeValueAsString(data)).build();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The PNG as the job encoded it (with its parameters chunk), or a JPEG of it. */
    private static String encoded(JobResult result, int i, OpenAiRequests.Parsed parsed) {
        if (parsed.format().equals("png")) {
            return Base64.getEncoder().encodeToString(result.png(i));
        }
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(result.png(i)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return OpenAiImages.base64(image, parsed.format(), parsed.quality());
    }

    /** Why a job ended without images, as the problem the client gets. */
    private static Problem failure(Job job) {
        if (job.state() == JobState.FAILED) {
            FailedEvent error = job.error().orElseThrow();
            return new Problem(error.type(), error.title(), error.status(), SseSupport.publicDetail(error),
                    OpenAiErrors.PATH, null);
        }
        return new Problem(Problems.TYPE_JOB_CANCELLED, "Job cancelled", 409,
                "the job was cancelled (" + job.cancelReason().orElse("cancelled") + ") before it finished",
                OpenAiErrors.PATH, null);
    }

    private Response response(Job job, OpenAiRequests.Parsed parsed) {
        if (job.state() != JobState.COMPLETED) {
            return OpenAiErrors.response(failure(job));
        }
        JobResult result = job.result().orElseThrow();
        List<OpenAiImagesResponse.Data> data = new ArrayList<>(result.size());
        for (int i = 0; i < result.size(); i++) {
            data.add(new OpenAiImagesResponse.Data(encoded(result, i, parsed), parsed.prompt()));
        }
        try {
            byte[] bytes = mapper.writeValueAsBytes(new OpenAiImagesResponse(Instant.now().getEpochSecond(), data));
            return Response.ok(bytes, MediaType.APPLICATION_JSON_TYPE).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the images as JSON", e);
        }
    }
}
