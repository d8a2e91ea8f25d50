package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.quarkus.rest.config.RestRuntimeConfig;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.SubmitOptions;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.SecurityContext;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

import java.util.Set;

/**
 * What the images and jobs resources share: a request body (JSON or multipart) read and checked into a queued job,
 * the job's owner recorded, and a job looked up for the client that may see it.
 */
@Singleton
public class Submissions {

    /** Multipart fields that may be file parts. */
    private static final Set<String> IMAGE_FIELDS = Set.of("image", "mask");

    private final GenerationQueue queue;
    private final RestRuntimeConfig config;
    private final ObjectMapper mapper;
    private final RequestBodies<ImageRequest> bodies = new RequestBodies<>(ImageRequest.class);
    private final JobOwners owners = new JobOwners();

    @Inject
    public Submissions(GenerationQueue queue, RestRuntimeConfig config, ObjectMapper mapper) {
        this.queue = queue;
        this.config = config;
        this.mapper = mapper;
    }

    GenerationQueue queue() {
        return queue;
    }

    /** Queues the JSON request in {@code body} (the bytes {@link RequestGuard} read, or Quarkus REST's). */
    Job submitJson(byte[] body, RoutingContext routing, SecurityContext security, SubmitOptions options) {
        ImageUploads uploads = ImageUploads.of(config);
        // the fields have max-body-size; an image and a mask in base64 have their own limit on top
        long max = uploads.jsonBodyLimit(config.maxBodySize().asLongValue());
        return submit(bodies.read(mapper, RequestGuard.body(body, routing), max), uploads, security, options);
    }

    /** Queues the multipart request in {@code form}: the JSON fields as form fields, image and mask as files. */
    Job submitForm(MultipartFormDataInput form, SecurityContext security, SubmitOptions options) {
        ImageUploads uploads = ImageUploads.of(config);
        return submit(ImageRequest.of(FormFields.read(form, IMAGE_FIELDS, uploads)), uploads, security, options);
    }

    private Job submit(ImageRequest request, ImageUploads uploads, SecurityContext security, SubmitOptions options) {
        ImageRequests.Resolved resolved = ImageRequests.resolve(queue.models(), request, uploads);
        Job job = Problems.submit(queue, resolved, options);
        owners.record(job, security, queue);
        return job;
    }

    /** The job, if it exists and the caller may see it; the same 404 otherwise. */
    Job find(String id, SecurityContext security) {
        Job job = queue.find(id).orElseThrow(() -> ApiException.jobNotFound(id));
        if (!owners.allowed(job, security)) {
            throw ApiException.jobNotFound(id);
        }
        return job;
    }
}
