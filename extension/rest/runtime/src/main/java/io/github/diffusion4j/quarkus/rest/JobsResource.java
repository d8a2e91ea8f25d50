package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionRuntimeConfig;
import io.github.diffusion4j.quarkus.rest.config.RestRuntimeConfig;
import io.github.diffusion4j.quarkus.runtime.queue.CancelledEvent;
import io.github.diffusion4j.quarkus.runtime.queue.CompletedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobResult;
import io.github.diffusion4j.quarkus.runtime.queue.QueuedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.StartedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.StepEvent;
import io.github.diffusion4j.quarkus.runtime.queue.SubmitOptions;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
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
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

/**
 * Jobs under {@code quarkus.diffusion4j.rest.root-path} (default {@code /diffusion}): queued generations with their
 * state, progress, replayable events, image and cancel. When the application authenticates its clients, a job is
 * seen only by the client that submitted it.
 */
@Path(RestPaths.DEFAULT_API)
@Singleton
public class JobsResource {

    private Submissions submissions;
    private DiffusionRuntimeConfig config;
    private RestRuntimeConfig restConfig;
    private ObjectMapper mapper;

    /**
     * Public initializer injection: a subclass generated for a custom root path lives in another class loader, where
     * package-private fields of this class are out of reach.
     */
    @Inject
    public void init(Submissions submissions, DiffusionRuntimeConfig config, RestRuntimeConfig restConfig,
                     ObjectMapper mapper) {
        this.submissions = submissions;
        this.config = config;
        this.restConfig = restConfig;
        this.mapper = mapper;
    }

    @POST
    @Path("/jobs")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = ApiTags.JOBS, description = "Queued generations with progress, events, result and cancel")
    @Operation(summary = "Submit a job", description = "Queues a generation and answers at once with its id and "
            + "queue position; follow it with GET /jobs/{id}, its events, or fetch its image when done.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ImageRequest.class),
            examples = @ExampleObject(name = "basic", value = ApiExamples.REQUEST)))
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
        return accepted(submissions.submitJson(body, routing, security, SubmitOptions.DEFAULT), uri);
    }

    @POST
    @Path("/jobs")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = ApiTags.JOBS)
    @Operation(summary = "Submit a job (multipart)", description = "The fields of the JSON request as form fields; "
            + "`image` and `mask` as file parts (PNG or JPEG).")
    @APIResponse(responseCode = "202", description = "Accepted",
            headers = @Header(name = "Location", description = "URL of the job", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobStatus.class)))
    @APIResponse(responseCode = "400", description = "Invalid request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Blocking // reads the uploaded parts; submitting may talk to a distributed queue backend
    public Response submitJobForm(MultipartFormDataInput form, @Context UriInfo uri, @Context SecurityContext security) {
        return accepted(submissions.submitForm(form, security, SubmitOptions.DEFAULT), uri);
    }

    private Response accepted(Job job, UriInfo uri) {
        // the path alone (or behind the configured origin): never the client's Host header
        String location = restConfig.publicOrigin().map(RestPaths::normaliseOrigin).orElse("")
                + uri.getRequestUri().getRawPath() + "/" + job.id();
        return Response.accepted(JobStatus.of(job))
                .header(HttpHeaders.LOCATION, location)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    @GET
    @Path("/jobs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = ApiTags.JOBS)
    @Operation(summary = "Get a job", description = "State, queue position, progress and ETA of a job.")
    @APIResponse(responseCode = "200", description = "The job",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobStatus.class)))
    @APIResponse(responseCode = "404", description = "Unknown or expired job",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JobStatus job(@Parameter(description = "Job id") @PathParam("id") String id,
                         @Context SecurityContext security) {
        return JobStatus.of(submissions.find(id, security));
    }

    @GET
    @Path("/jobs/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Tag(name = ApiTags.JOBS)
    @Operation(summary = "Stream a job's events",
            description = "Replays the job's kept events after `Last-Event-ID` (header, or the `lastEventId` query "
                    + "parameter for clients that cannot set headers), then streams live ones. Closing this stream "
                    + "does not cancel the job. " + SseSupport.STREAM_DESCRIPTION)
    @APIResponse(responseCode = "200", description = SseSupport.STREAM_DESCRIPTION,
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
                    schema = @Schema(oneOf = {QueuedEvent.class, StartedEvent.class, StepEvent.class,
                            CompletedEvent.class, FailedEvent.class, CancelledEvent.class}),
                    examples = @ExampleObject(name = "stream", value = ApiExamples.STREAM)))
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
        Job job = submissions.find(id, security);
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
    @Produces(ImagesResource.PNG)
    @Tag(name = ApiTags.JOBS)
    @Operation(summary = "Get a job's image", description = "The PNG (with the `parameters` text chunk) of a completed job.")
    @APIResponse(responseCode = "200", description = "The image",
            headers = @Header(name = "X-Seed", schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = ImagesResource.PNG, schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "404", description = "Unknown or expired job, or no image at that index",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The job has not completed (queued, running, failed or cancelled)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response jobImage(@PathParam("id") String id,
                             @Parameter(description = "0-based image index for batches", schema = @Schema(type = SchemaType.INTEGER, defaultValue = "0"))
                             @QueryParam("index") String index, @Context SecurityContext security) {
        Job job = submissions.find(id, security);
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
        return Response.ok(result.png(i), ImagesResource.PNG).header("X-Seed", result.image(i).metadata().seed()).build();
    }

    @DELETE
    @Path("/jobs/{id}")
    @Tag(name = ApiTags.JOBS)
    @Operation(summary = "Cancel a job", description = "Cancels this job and no other: a queued job leaves the queue, "
            + "a running one stops within one step. A finished job is left as it is.")
    @APIResponse(responseCode = "204", description = "Cancelled (or already finished)")
    @APIResponse(responseCode = "404", description = "Unknown or expired job",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response cancelJob(@PathParam("id") String id, @Context SecurityContext security) {
        submissions.find(id, security).cancel("cancelled");
        return Response.noContent().build();
    }

    /** Every failure of this resource, including body reading and routing, as an RFC 9457 problem. */
    @ServerExceptionMapper
    public Response problem(Throwable failure, UriInfo uri) {
        return Problems.toResponse(failure, uri.getRequestUri().getRawPath());
    }
}
