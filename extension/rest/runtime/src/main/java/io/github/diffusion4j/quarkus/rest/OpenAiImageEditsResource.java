package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.quarkus.rest.config.RestRuntimeConfig;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobResult;
import io.github.diffusion4j.quarkus.runtime.queue.JobState;
import io.github.diffusion4j.quarkus.runtime.queue.SubmitOptions;
import io.smallrye.common.annotation.Blocking;
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
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI-compatible {@code POST /v1/images/edits} (multipart: {@code image}, {@code mask}, {@code prompt}, {@code n},
 * {@code size}, {@code response_format}, {@code model}), present with {@code /v1/images/generations} when
 * {@code quarkus.diffusion4j.rest.openai.enabled=true}. Without a mask the whole image is repainted at full strength
 * (image-to-image at strength 1, as OpenAI's edit of an unmasked image); with one, only the mask's fully transparent
 * pixels are (OpenAI's convention), converted to the SDK's white = repaint. Errors are OpenAI's
 * {@code {"error": {"message", "type", "param", "code"}}} objects naming the field.
 */
@Path("/v1/images/edits")
@Tag(name = ApiTags.OPENAI, description = "OpenAI-compatible images API")
@Singleton
public class OpenAiImageEditsResource {

    /** Form fields accepted; OpenAI fields that do not apply here are accepted and ignored. */
    static final List<String> FIELDS = List.of("image", "mask", "prompt", "n", "size", "response_format", "model");
    static final Set<String> IGNORED = Set.of("quality", "user", "background", "input_fidelity", "output_format",
            "output_compression", "partial_images", "stream", "moderation");
    private static final Pattern SIZE = Pattern.compile("^\\s*(\\d{1,6})\\s*[xX×]\\s*(\\d{1,6})\\s*$");

    @Inject
    GenerationQueue queue;

    @Inject
    RestRuntimeConfig config;

    @Inject
    ObjectMapper mapper;

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Edit an image (OpenAI-compatible)",
            description = "Multipart: image (PNG or JPEG file), mask (optional PNG with alpha: transparent pixels are "
                    + "repainted), prompt, n, size (`WIDTHxHEIGHT` or `auto`: default the image's size), "
                    + "response_format `b64_json` (the only one supported), model (a configured name; others use the "
                    + "default model).")
    @APIResponse(responseCode = "200", description = "The edited images",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = OpenAiImagesResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid request: OpenAI error object with `param`")
    @Blocking // reads the uploaded parts; submitting may talk to a distributed queue backend
    public Uni<Response> edits(MultipartFormDataInput input) {
        if (!RoutingProblems.openAiEnabled()) {
            throw new jakarta.ws.rs.NotFoundException();
        }
        ImageUploads uploads = ImageUploads.of(config);
        FormFields form = FormFields.read(input, Set.of("image", "mask"), uploads);
        ImageRequest request = toImageRequest(form, uploads);
        ImageRequests.Resolved resolved = ImageRequests.resolve(queue.models(), request, uploads);
        Job job = Problems.submit(queue, resolved, SubmitOptions.TRANSIENT);
        String prompt = request.prompt;
        return job.whenFinished()
                // runs on the generation thread that finished the job: base64 and JSON stay off the event loop
                .map(j -> response(j, prompt))
                .onCancellation().invoke(() -> job.cancel("disconnected"));
    }

    /** Every failure as OpenAI's error object (the status of the native API's problem); 404 while switched off. */
    @ServerExceptionMapper
    public Response error(Throwable failure, UriInfo uri) {
        if (!RoutingProblems.openAiEnabled()) {
            return Response.status(404).build();
        }
        return openAiError(failure, uri.getRequestUri().getRawPath());
    }

    private static Response openAiError(Throwable failure, String path) {
        Throwable f = failure instanceof io.github.diffusion4j.pipeline.InvalidRequestException sdk
                ? renamed(new InvalidRequestException(Problems.fieldErrors(sdk)))
                : failure instanceof InvalidRequestException invalid ? renamed(invalid) : failure;
        // on this path, Problems renders OpenAI's error object
        return Problems.toResponse(f, path);
    }

    private ImageRequest toImageRequest(FormFields form, ImageUploads uploads) {
        List<FieldError> errors = new ArrayList<>();
        for (String name : form.names()) {
            if (!FIELDS.contains(name) && !IGNORED.contains(name)) {
                errors.add(new FieldError(Problems.shorten(name), "unknown field; known fields: " + FIELDS));
            }
        }
        ImageRequest request = new ImageRequest();
        request.prompt = form.text("prompt");
        request.batch = form.integer("n", errors);
        String format = form.text("response_format");
        if (format != null && !format.equals("b64_json")) {
            errors.add(new FieldError("response_format", "only b64_json is supported (this server does not host "
                    + "images, so it cannot return URLs), got '" + Problems.shorten(format) + "'"));
        }
        String size = form.text("size");
        if (size != null && !size.isBlank() && !size.strip().equals("auto")) {
            Matcher m = SIZE.matcher(size);
            if (m.matches()) {
                request.width = Integer.parseInt(m.group(1));
                request.height = Integer.parseInt(m.group(2));
            } else {
                errors.add(new FieldError("size", "must be WIDTHxHEIGHT (e.g. 512x512) or auto, got '"
                        + Problems.shorten(size) + "'"));
            }
        }
        String model = form.text("model");
        // OpenAI clients send their own model names (gpt-image-1): only configured names select a model
        request.model = model != null && queue.models().get(model).isPresent() ? model : null;
        request.image = form.text("image");
        request.imageBytes = form.file("image");
        if (request.image == null && request.imageBytes == null) {
            errors.add(new FieldError("image", "is required: the PNG or JPEG image to edit"));
        }
        byte[] mask = form.file("mask") != null ? form.file("mask")
                : form.text("mask") != null ? decodeText(errors, uploads, form.text("mask")) : null;
        if (mask != null) {
            request.maskBytes = repaintMask(errors, uploads, mask);
        }
        // OpenAI repaints the transparent area from scratch; without a mask, the whole image
        request.strength = 1.0;
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return request;
    }

    private static byte[] decodeText(List<FieldError> errors, ImageUploads uploads, String text) {
        try {
            return uploads.decodeText("mask", text);
        } catch (InvalidRequestException e) {
            errors.addAll(e.errors());
            return null;
        }
    }

    /**
     * OpenAI's mask (fully transparent pixels = edit) as the SDK's (white = repaint, black = keep), PNG-encoded. A
     * mask without an alpha channel cannot say what to edit, so it is refused, as OpenAI does.
     */
    static byte[] repaintMask(List<FieldError> errors, ImageUploads uploads, byte[] openAiMask) {
        BufferedImage mask;
        try {
            mask = uploads.decode("mask", openAiMask);
        } catch (InvalidRequestException e) {
            errors.addAll(e.errors());
            return null;
        }
        if (!mask.getColorModel().hasAlpha()) {
            errors.add(new FieldError("mask", "must be a PNG with an alpha channel: its fully transparent pixels are "
                    + "the area to edit"));
            return null;
        }
        BufferedImage repaint = new BufferedImage(mask.getWidth(), mask.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < mask.getHeight(); y++) {
            for (int x = 0; x < mask.getWidth(); x++) {
                boolean transparent = (mask.getRGB(x, y) >>> 24) == 0;
                repaint.setRGB(x, y, transparent ? 0xFFFFFFFF : 0xFF000000);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(repaint, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static InvalidRequestException renamed(InvalidRequestException e) {
        List<FieldError> errors = new ArrayList<>();
        for (FieldError error : e.errors()) {
            errors.add(new FieldError(OpenAiRequests.openAiField(error.field()), error.message()));
        }
        return new InvalidRequestException(errors);
    }

    private Response response(Job job, String prompt) {
        if (job.state() != JobState.COMPLETED) {
            String detail = job.state() == JobState.FAILED
                    ? job.error().map(SseSupport::publicDetail).orElse("generation failed")
                    : "the job was cancelled before it finished";
            return openAiError(new ApiException(job.state() == JobState.FAILED ? 500 : 409, job.state() == JobState.FAILED
                    ? Problems.TYPE_INTERNAL : Problems.TYPE_JOB_CANCELLED, job.state() == JobState.FAILED
                    ? "Generation failed" : "Job cancelled", detail), OpenAiErrors.EDITS_PATH);
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
