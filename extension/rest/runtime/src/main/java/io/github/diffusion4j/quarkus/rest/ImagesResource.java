package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionRuntimeConfig;
import io.github.diffusion4j.quarkus.runtime.queue.CancelledEvent;
import io.github.diffusion4j.quarkus.runtime.queue.CompletedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobResult;
import io.github.diffusion4j.quarkus.runtime.queue.JobState;
import io.github.diffusion4j.quarkus.runtime.queue.QueuedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.StartedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.StepEvent;
import io.github.diffusion4j.quarkus.runtime.queue.SubmitOptions;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Images under {@code quarkus.diffusion4j.rest.root-path} (default {@code /diffusion}): generated (or edited from an
 * uploaded image) and answered as PNG or JSON when done, or as a stream of step events.
 * <p>
 * Generations go through the {@link io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue} and run on the SDK's
 * executor; PNG, base64 and the large JSON bodies are encoded on that executor when the job completes.
 */
@Path(RestPaths.DEFAULT_API)
@Singleton
public class ImagesResource {

    static final String PNG = "image/png";

    private Submissions submissions;
    private DiffusionRuntimeConfig config;
    private ObjectMapper mapper;

    /**
     * Public initializer injection: a subclass generated for a custom root path lives in another class loader, where
     * package-private fields of this class are out of reach.
     */
    @Inject
    public void init(Submissions submissions, DiffusionRuntimeConfig config, ObjectMapper mapper) {
        this.submissions = submissions;
        this.config = config;
        this.mapper = mapper;
    }

    @POST
    @Path("/images")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({PNG, MediaType.APPLICATION_JSON})
    @Tag(name = ApiTags.IMAGES, description = "Text-to-image generation")
    @Operation(summary = "Generate an image",
            description = "Queues the generation and answers when it is done: the first image as `image/png` (with the "
                    + "seed in `X-Seed`) by default, or every image as base64 JSON with metadata and timings when the "
                    + "client accepts `application/json`. Closing the connection cancels the job.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ImageRequest.class),
            examples = @ExampleObject(name = "basic", value = ApiExamples.REQUEST)))
    @APIResponse(responseCode = "200", description = "The image",
            headers = @Header(name = "X-Seed", description = "Seed of the image", schema = @Schema(type = SchemaType.INTEGER)),
            content = {@Content(mediaType = PNG, schema = @Schema(type = SchemaType.STRING, format = "binary")),
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ImagesResponse.class))})
    @APIResponse(responseCode = "400", description = "Invalid request: each bad field with the allowed range",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "invalid", value = "{\"type\":\"urn:diffusion4j:problem:invalid-request\","
                            + "\"title\":\"Invalid request\",\"status\":400,\"detail\":\"2 fields are invalid: width, steps\","
                            + "\"instance\":\"/diffusion/v1/images\",\"errors\":[{\"field\":\"width\",\"message\":"
                            + "\"must be a multiple of 8 between 8 and 1024, got 1000\"},{\"field\":\"steps\",\"message\":"
                            + "\"must be between 1 and 150, got 0\"}]}")))
    @APIResponse(responseCode = "409", description = "The job was cancelled (DELETE) before it finished",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Body larger than quarkus.diffusion4j.rest.max-body-size",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Queue full; retry after `Retry-After` seconds",
            headers = @Header(name = "Retry-After", schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Blocking // submitting may talk to a distributed queue backend
    public Uni<Response> generate(byte[] body, @Context HttpHeaders headers, @Context RoutingContext routing,
                                  @Context SecurityContext security) {
        boolean json = wantsJson(headers);
        return answer(submissions.submitJson(body, routing, security, options(json)), json);
    }

    @POST
    @Path("/images")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces({PNG, MediaType.APPLICATION_JSON})
    @Tag(name = ApiTags.IMAGES)
    @Operation(summary = "Generate or edit an image (multipart)", description = "The fields of the JSON request as "
            + "form fields; `image` and `mask` as file parts (PNG or JPEG). Answers as the JSON variant does.")
    @APIResponse(responseCode = "400", description = "Invalid request: each bad field with the allowed range",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Body larger than max-body-size plus two uploads",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Blocking // reads the uploaded parts; submitting may talk to a distributed queue backend
    public Uni<Response> generateForm(MultipartFormDataInput form, @Context HttpHeaders headers,
                                      @Context SecurityContext security) {
        boolean json = wantsJson(headers);
        return answer(submissions.submitForm(form, security, options(json)), json);
    }

    /** A PNG answer never tells the client the job id: such a job is not kept once answered. */
    private static SubmitOptions options(boolean json) {
        return json ? SubmitOptions.DEFAULT : SubmitOptions.TRANSIENT;
    }

    private Uni<Response> answer(Job job, boolean json) {
        return job.whenFinished()
                // runs on the thread that finished the job (the generation thread): encoding stays off the event loop
                .map(j -> imagesResponse(j, json))
                .onCancellation().invoke(() -> job.cancel("disconnected"));
    }

    @POST
    @Path("/images/stream")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Tag(name = ApiTags.IMAGES)
    @Operation(summary = "Generate an image as a stream of events",
            description = "Queues the generation and streams its events as they happen. Closing the connection "
                    + "cancels the job. " + SseSupport.STREAM_DESCRIPTION)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ImageRequest.class),
            examples = @ExampleObject(name = "basic", value = ApiExamples.REQUEST)))
    @APIResponse(responseCode = "200", description = SseSupport.STREAM_DESCRIPTION,
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
                    schema = @Schema(oneOf = {QueuedEvent.class, StartedEvent.class, StepEvent.class,
                            CompletedEvent.class, FailedEvent.class, CancelledEvent.class}),
                    examples = @ExampleObject(name = "stream", value = ApiExamples.STREAM)))
    @APIResponse(responseCode = "400", description = "Invalid request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Queue full; retry after `Retry-After` seconds",
            headers = @Header(name = "Retry-After", schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Blocking // submitting may talk to a distributed queue backend
    public Multi<OutboundSseEvent> stream(byte[] body, @Context Sse sse, @Context RoutingContext routing,
                                          @Context SecurityContext security) {
        Job job = submissions.submitJson(body, routing, security, SubmitOptions.DEFAULT);
        return SseSupport.toSse(job.events(0), sse, mapper, config.jobs().sseHeartbeat())
                .onTermination().invoke((failure, cancelled) -> {
                    if (cancelled || failure != null) {
                        job.cancel("disconnected"); // the client went away: stop generating for nobody
                    }
                });
    }

    /** Every failure of this resource, including body reading and routing, as an RFC 9457 problem. */
    @ServerExceptionMapper
    public Response problem(Throwable failure, UriInfo uri) {
        return Problems.toResponse(failure, uri.getRequestUri().getRawPath());
    }

    /** PNG unless the client prefers JSON: {@code *}{@code /*}, {@code image/*} and no Accept all mean PNG. */
    static boolean wantsJson(HttpHeaders headers) {
        for (MediaType m : headers.getAcceptableMediaTypes()) {
            if (m.isWildcardType() || m.getType().equalsIgnoreCase("image")) {
                return false;
            }
            if (m.getType().equalsIgnoreCase("application")
                    && (m.getSubtype().equalsIgnoreCase("json") || m.isWildcardSubtype())) {
                return true;
            }
        }
        return false;
    }

    private Response imagesResponse(Job job, boolean json) {
        if (job.state() == JobState.COMPLETED) {
            JobResult result = job.result().orElseThrow();
            if (!json) {
                return Response.ok(result.png(0), PNG).header("X-Seed", result.image(0).metadata().seed()).build();
            }
            List<ImagesResponse.Image> images = new ArrayList<>(result.size());
            for (int i = 0; i < result.size(); i++) {
                var image = result.image(i);
                images.add(new ImagesResponse.Image(Base64.getEncoder().encodeToString(result.png(i)),
                        image.metadata().seed(), image.width(), image.height(), image.metadata()));
            }
            try {
                byte[] bytes = mapper.writeValueAsBytes(new ImagesResponse(job.id(), job.model(), images, result.timings()));
                return Response.ok(bytes, MediaType.APPLICATION_JSON_TYPE).header("X-Seed", result.seed()).build();
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot write the images as JSON", e);
            }
        }
        if (job.state() == JobState.FAILED) {
            FailedEvent error = job.error().orElseThrow();
            return Problems.response(new Problem(error.type(), error.title(), error.status(),
                    SseSupport.publicDetail(error), null, null));
        }
        return Problems.response(new Problem(Problems.TYPE_JOB_CANCELLED, "Job cancelled", 409,
                "Job " + job.id() + " was cancelled (" + job.cancelReason().orElse("cancelled") + ") before it finished",
                null, null));
    }
}
