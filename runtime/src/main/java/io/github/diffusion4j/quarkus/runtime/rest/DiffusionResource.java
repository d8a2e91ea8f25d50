package io.github.diffusion4j.quarkus.runtime.rest;

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
import io.github.diffusion4j.quarkus.runtime.queue.ModelCatalog;
import io.github.diffusion4j.quarkus.runtime.queue.ModelDescriptor;
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
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Diffusion4j REST API under {@code quarkus.diffusion4j.rest.root-path} (default {@code /diffusion}): images
 * (plain, JSON or as a stream of step events), jobs with progress, events and cancel, models and schedulers.
 * <p>
 * Every method returns at once on the event loop: generations go through the {@link GenerationQueue} and run on the
 * SDK's executor; PNG, base64 and the large JSON bodies are encoded on that executor when the job completes.
 */
@Path(RestPaths.DEFAULT_API)
@Singleton
public class DiffusionResource {

    static final String PNG = "image/png";
    private static final String REQUEST_EXAMPLE = "{\"prompt\": \"a watercolor fox in a snowy forest\", "
            + "\"negativePrompt\": \"blurry\", \"width\": 512, \"height\": 512, \"steps\": 20, \"guidanceScale\": 7.5, "
            + "\"scheduler\": \"euler\", \"seed\": 42, \"noise\": \"torch\", \"batch\": 1}";
    private static final String STREAM_EXAMPLE = "id: 1\nevent: queued\ndata: {\"jobId\":\"3f1c...\",\"model\":\"default\",\"position\":1}\n\n"
            + "id: 2\nevent: started\ndata: {\"jobId\":\"3f1c...\",\"seed\":42,\"steps\":20,...}\n\n"
            + "id: 3\nevent: step\ndata: {\"jobId\":\"3f1c...\",\"index\":1,\"total\":20,\"progress\":0.05,\"etaMillis\":1900,...}\n\n"
            + "id: 22\nevent: completed\ndata: {\"jobId\":\"3f1c...\",\"seed\":42,\"images\":[{\"image\":\"data:image/png;base64,...\",...}],...}\n\n";

    private GenerationQueue queue;
    private DiffusionRuntimeConfig config;
    private ObjectMapper mapper;

    private final RequestBodies<ImageRequest> bodies = new RequestBodies<>(ImageRequest.class);
    private final JobOwners owners = new JobOwners();

    /**
     * Public initializer injection: a subclass generated for a custom root path lives in another class loader, where
     * package-private fields of this class are out of reach.
     */
    @Inject
    public void init(GenerationQueue queue, DiffusionRuntimeConfig config, ObjectMapper mapper) {
        this.queue = queue;
        this.config = config;
        this.mapper = mapper;
    }

    // ---------------------------------------------------------------- images

    @POST
    @Path("/images")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({PNG, MediaType.APPLICATION_JSON})
    @Tag(name = "Images", description = "Text-to-image generation")
    @Operation(summary = "Generate an image",
            description = "Queues the generation and answers when it is done: the first image as `image/png` (with the "
                    + "seed in `X-Seed`) by default, or every image as base64 JSON with metadata and timings when the "
                    + "client accepts `application/json`. Closing the connection cancels the job.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ImageRequest.class),
            examples = @ExampleObject(name = "basic", value = REQUEST_EXAMPLE)))
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
        // a PNG answer never tells the client the job id: such a job is not kept once answered
        Job job = submit(body, routing, security, json ? SubmitOptions.DEFAULT : SubmitOptions.TRANSIENT);
        return job.whenFinished()
                // runs on the thread that finished the job (the generation thread): encoding stays off the event loop
                .map(j -> imagesResponse(j, json))
                .onCancellation().invoke(() -> job.cancel("disconnected"));
    }

    @POST
    @Path("/images/stream")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Tag(name = "Images")
    @Operation(summary = "Generate an image as a stream of events",
            description = "Queues the generation and streams its events as they happen. Closing the connection "
                    + "cancels the job. " + SseSupport.STREAM_DESCRIPTION)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ImageRequest.class),
            examples = @ExampleObject(name = "basic", value = REQUEST_EXAMPLE)))
    @APIResponse(responseCode = "200", description = SseSupport.STREAM_DESCRIPTION,
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
                    schema = @Schema(oneOf = {QueuedEvent.class, StartedEvent.class, StepEvent.class,
                            CompletedEvent.class, FailedEvent.class, CancelledEvent.class}),
                    examples = @ExampleObject(name = "stream", value = STREAM_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "Invalid request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Queue full; retry after `Retry-After` seconds",
            headers = @Header(name = "Retry-After", schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Blocking // submitting may talk to a distributed queue backend
    public Multi<OutboundSseEvent> stream(byte[] body, @Context Sse sse, @Context RoutingContext routing,
                                          @Context SecurityContext security) {
        Job job = submit(body, routing, security, SubmitOptions.DEFAULT);
        return SseSupport.toSse(job.events(0), sse, mapper, config.jobs().sseHeartbeat())
                .onTermination().invoke((failure, cancelled) -> {
                    if (cancelled || failure != null) {
                        job.cancel("disconnected"); // the client went away: stop generating for nobody
                    }
                });
    }

    // ---------------------------------------------------------------- jobs

    @POST
    @Path("/jobs")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "Jobs", description = "Queued generations with progress, events, result and cancel")
    @Operation(summary = "Submit a job", description = "Queues a generation and answers at once with its id and "
            + "queue position; follow it with GET /jobs/{id}, its events, or fetch its image when done.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ImageRequest.class),
            examples = @ExampleObject(name = "basic", value = REQUEST_EXAMPLE)))
    @APIResponse(responseCode = "202", description = "Accepted",
            headers = @Header(name = "Location", description = "URL of the job", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobStatus.class)))
    @APIResponse(responseCode = "400", description = "Invalid request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Queue full; retry after `Retry-After` seconds",
            headers = @Header(name = "Retry-After", schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response submitJob(byte[] body, @Context UriInfo uri, @Context RoutingContext routing,
                              @Context SecurityContext security) {
        Job job = submit(body, routing, security, SubmitOptions.DEFAULT);
        // the path alone (or behind the configured origin): never the client's Host header
        String location = config.rest().publicOrigin().map(RestPaths::normaliseOrigin).orElse("")
                + uri.getRequestUri().getRawPath() + "/" + job.id();
        return Response.accepted(JobStatus.of(job))
                .header(HttpHeaders.LOCATION, location)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    @GET
    @Path("/jobs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "Jobs")
    @Operation(summary = "Get a job", description = "State, queue position, progress and ETA of a job.")
    @APIResponse(responseCode = "200", description = "The job",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobStatus.class)))
    @APIResponse(responseCode = "404", description = "Unknown or expired job",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JobStatus job(@Parameter(description = "Job id") @PathParam("id") String id,
                         @Context SecurityContext security) {
        return JobStatus.of(find(id, security));
    }

    @GET
    @Path("/jobs/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Tag(name = "Jobs")
    @Operation(summary = "Stream a job's events",
            description = "Replays the job's kept events after `Last-Event-ID` (header, or the `lastEventId` query "
                    + "parameter for clients that cannot set headers), then streams live ones. Closing this stream "
                    + "does not cancel the job. " + SseSupport.STREAM_DESCRIPTION)
    @APIResponse(responseCode = "200", description = SseSupport.STREAM_DESCRIPTION,
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
                    schema = @Schema(oneOf = {QueuedEvent.class, StartedEvent.class, StepEvent.class,
                            CompletedEvent.class, FailedEvent.class, CancelledEvent.class}),
                    examples = @ExampleObject(name = "stream", value = STREAM_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "Malformed Last-Event-ID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown or expired job",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Blocking // finding the job may talk to a distributed queue backend
    public Multi<OutboundSseEvent> jobEvents(@PathParam("id") String id,
                                             @Parameter(description = "Resume after this event id")
                                             @HeaderParam("Last-Event-ID") String lastEventIdHeader,
                                             @Parameter(description = "Resume after this event id (for EventSource, which cannot set headers)")
                                             @QueryParam("lastEventId") String lastEventIdQuery,
                                             @Context Sse sse, @Context SecurityContext security) {
        Job job = find(id, security);
        String raw = lastEventIdHeader != null && !lastEventIdHeader.isBlank() ? lastEventIdHeader : lastEventIdQuery;
        long after = 0;
        if (raw != null && !raw.isBlank()) {
            try {
                after = Long.parseLong(raw.trim());
            } catch (NumberFormatException e) {
                after = -1;
            }
            if (after < 0) {
                throw new InvalidRequestException(lastEventIdHeader != null ? "Last-Event-ID" : "lastEventId",
                        "must be an event id (a non-negative integer), got '" + Problems.shorten(raw) + "'");
            }
        }
        return SseSupport.toSse(job.events(Math.max(0, after)), sse, mapper, config.jobs().sseHeartbeat());
    }

    @GET
    @Path("/jobs/{id}/image")
    @Produces(PNG)
    @Tag(name = "Jobs")
    @Operation(summary = "Get a job's image", description = "The PNG (with the `parameters` text chunk) of a completed job.")
    @APIResponse(responseCode = "200", description = "The image",
            headers = @Header(name = "X-Seed", schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = PNG, schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "404", description = "Unknown or expired job, or no image at that index",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The job has not completed (queued, running, failed or cancelled)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response jobImage(@PathParam("id") String id,
                             @Parameter(description = "0-based image index for batches", schema = @Schema(type = SchemaType.INTEGER, defaultValue = "0"))
                             @QueryParam("index") String index, @Context SecurityContext security) {
        Job job = find(id, security);
        JobResult result = job.result().orElseThrow(() -> new ApiException(409, Problems.TYPE_JOB_NOT_FINISHED,
                "Job not completed", "Job " + job.id() + " is " + job.state().id() + "; its image exists once it is completed"));
        int i;
        try {
            i = index == null || index.isBlank() ? 0 : Integer.parseInt(index.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("index", "must be an integer between 0 and " + (result.size() - 1)
                    + ", got '" + Problems.shorten(index) + "'");
        }
        if (i < 0 || i >= result.size()) {
            throw new InvalidRequestException("index", "must be between 0 and " + (result.size() - 1) + ", got " + i);
        }
        return Response.ok(result.png(i), PNG).header("X-Seed", result.image(i).metadata().seed()).build();
    }

    @DELETE
    @Path("/jobs/{id}")
    @Tag(name = "Jobs")
    @Operation(summary = "Cancel a job", description = "Cancels this job and no other: a queued job leaves the queue, "
            + "a running one stops within one step. A finished job is left as it is.")
    @APIResponse(responseCode = "204", description = "Cancelled (or already finished)")
    @APIResponse(responseCode = "404", description = "Unknown or expired job",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response cancelJob(@PathParam("id") String id, @Context SecurityContext security) {
        find(id, security).cancel("cancelled");
        return Response.noContent().build();
    }

    // ---------------------------------------------------------------- models

    @GET
    @Path("/models")
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "Models", description = "Configured models and schedulers")
    @Operation(summary = "List models", description = "The configured models with their layout, provider, defaults and limits.")
    @APIResponse(responseCode = "200", description = "The models, the default first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = ModelDescription.class)))
    public List<ModelDescription> models() {
        ModelCatalog models = queue.models();
        List<ModelDescription> list = new ArrayList<>();
        for (String name : models.names()) {
            models.get(name).ifPresent(m -> list.add(ModelDescription.of(name.equals(models.defaultName()), m)));
        }
        return list;
    }

    @GET
    @Path("/schedulers")
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "Models")
    @Operation(summary = "List schedulers", description = "Names accepted as `scheduler`, and each model's default.")
    @APIResponse(responseCode = "200", description = "The schedulers",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SchedulersResponse.class)))
    public SchedulersResponse schedulers() {
        Map<String, String> defaults = new LinkedHashMap<>();
        List<String> names = List.of();
        ModelCatalog models = queue.models();
        for (String name : models.names()) {
            ModelDescriptor m = models.get(name).orElse(null);
            if (m != null) {
                defaults.put(name, m.defaultScheduler());
                names = m.schedulers();
            }
        }
        return new SchedulersResponse(names, defaults);
    }

    // ---------------------------------------------------------------- errors

    /** Every failure of this resource, including body reading and routing, as an RFC 9457 problem. */
    @ServerExceptionMapper
    public Response problem(Throwable failure, UriInfo uri) {
        return Problems.toResponse(failure, uri.getRequestUri().getRawPath());
    }

    // ---------------------------------------------------------------- helpers

    private Job submit(byte[] body, RoutingContext routing, SecurityContext security, SubmitOptions options) {
        ImageRequest request = bodies.read(mapper, RequestGuard.body(body, routing), config.rest().maxBodySize().asLongValue());
        ImageRequests.Resolved resolved = ImageRequests.resolve(queue.models(), request);
        Job job = Problems.submit(queue, resolved, options);
        owners.record(job, security, queue);
        return job;
    }

    /** The job, if it exists and the caller may see it; the same 404 otherwise. */
    private Job find(String id, SecurityContext security) {
        Job job = queue.find(id).orElseThrow(() -> ApiException.jobNotFound(id));
        if (!owners.allowed(job, security)) {
            throw ApiException.jobNotFound(id);
        }
        return job;
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
