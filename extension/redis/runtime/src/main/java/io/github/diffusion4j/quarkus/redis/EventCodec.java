package io.github.diffusion4j.quarkus.redis;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.ImageMetadata;
import io.github.diffusion4j.quarkus.runtime.queue.CancelledEvent;
import io.github.diffusion4j.quarkus.runtime.queue.CompletedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.JobEventData;
import io.github.diffusion4j.quarkus.runtime.queue.JobResult;
import io.github.diffusion4j.quarkus.runtime.queue.ModelDescriptor;
import io.github.diffusion4j.quarkus.runtime.queue.QueuedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.RestartedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.StartedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.StepEvent;
import io.github.diffusion4j.quarkus.runtime.queue.TimingsData;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON of what crosses nodes: requests (their input images as base64 PNG), events, results (without their PNGs,
 * stored as binary hash fields) and model descriptors. A private mapper, independent of the application's Jackson settings.
 */
final class EventCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .registerModule(new SimpleModule("diffusion4j-images")
                    .addSerializer(BufferedImage.class, new PngSerializer())
                    .addDeserializer(BufferedImage.class, new PngDeserializer()));

    private static final Map<String, Class<? extends JobEventData>> TYPES = Map.of(
            QueuedEvent.NAME, QueuedEvent.class, StartedEvent.NAME, StartedEvent.class, StepEvent.NAME, StepEvent.class,
            FailedEvent.NAME, FailedEvent.class, CancelledEvent.NAME, CancelledEvent.class,
            RestartedEvent.NAME, RestartedEvent.class);

    /** A completed event in the stream: the images live in the result hash, once. */
    record CompletedMarker(String jobId) {
    }

    /** The result without its PNG bytes. */
    record ResultMeta(long seed, TimingsData timings, int unetRuns, List<ImageMeta> images) {
    }

    /** One image without its PNG bytes. */
    record ImageMeta(long seed, int width, int height, ImageMetadata metadata) {
    }

    private EventCodec() {
    }

    /**
     * Images of a request (image-to-image input, inpainting mask) as base64 PNG: lossless, so the worker sees the
     * pixels the client sent.
     */
    private static final class PngSerializer extends StdSerializer<BufferedImage> {
        PngSerializer() {
            super(BufferedImage.class);
        }

        @Override
        public void serialize(BufferedImage image, JsonGenerator gen, SerializerProvider provider) throws IOException {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", png)) {
                throw new IOException("No PNG writer for an image of type " + image.getType());
            }
            gen.writeBinary(png.toByteArray());
        }
    }

    private static final class PngDeserializer extends StdDeserializer<BufferedImage> {
        PngDeserializer() {
            super(BufferedImage.class);
        }

        @Override
        public BufferedImage deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(p.getBinaryValue()));
            if (image == null) {
                throw new IOException("Not a PNG image");
            }
            return image;
        }
    }

    static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + type.getSimpleName() + " from Redis", e);
        }
    }

    static GenerationRequest request(String json) {
        return read(json, GenerationRequest.class);
    }

    /** An event of the stream; {@code null} for a {@code completed} marker (the caller builds it from the result). */
    static JobEventData event(String name, String json) {
        Class<? extends JobEventData> type = TYPES.get(name);
        return type == null ? null : read(json, type);
    }

    static String meta(JobResult result) {
        List<ImageMeta> images = new ArrayList<>(result.size());
        for (JobResult.JobImage image : result.images()) {
            images.add(new ImageMeta(image.seed(), image.width(), image.height(), image.metadata()));
        }
        return json(new ResultMeta(result.seed(), result.timings(), result.unetRuns(), images));
    }

    /** The result from its meta JSON and PNGs (in image order). */
    static JobResult result(String metaJson, List<byte[]> pngs) {
        ResultMeta meta = read(metaJson, ResultMeta.class);
        List<JobResult.JobImage> images = new ArrayList<>(meta.images().size());
        for (int i = 0; i < meta.images().size(); i++) {
            ImageMeta m = meta.images().get(i);
            images.add(new JobResult.JobImage(i < pngs.size() ? pngs.get(i) : new byte[0], m.seed(), m.width(),
                    m.height(), m.metadata()));
        }
        return new JobResult(images, meta.seed(), meta.timings(), meta.unetRuns());
    }

    static ModelDescriptor descriptor(String json) {
        return read(json, ModelDescriptor.class);
    }

    static CompletedEvent completed(String jobId, JobResult result) {
        return result.toEvent(jobId);
    }
}
