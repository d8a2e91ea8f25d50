package io.github.diffusion4j.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.github.diffusion4j.pipeline.GeneratedImage;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.github.diffusion4j.pipeline.Preview;
import io.github.diffusion4j.pipeline.Timings;

import java.io.IOException;
import java.time.Duration;
import java.util.Base64;

/**
 * JSON form of a {@link GenerationEvent}, what a server-sent-events stream of a user's own resource sends: a
 * {@code type} discriminator ({@code started}, {@code step}, {@code completed}), durations in milliseconds, previews
 * and images as {@code data:image/png;base64,} URIs. A step carries {@code preview} only when one was rendered for it
 * and {@code latents} / {@code predictedOriginal} only when the request asked for them; nothing else of the pipeline's
 * internals is written. Bound to the event records by {@code @JsonSerialize}, so any {@code ObjectMapper} uses it.
 */
public final class GenerationEventSerializer extends StdSerializer<GenerationEvent> {

    public GenerationEventSerializer() {
        super(GenerationEvent.class);
    }

    @Override
    public void serialize(GenerationEvent event, JsonGenerator json, SerializerProvider provider) throws IOException {
        json.writeStartObject();
        if (event instanceof GenerationEvent.Started started) {
            writeStarted(started, json);
        } else if (event instanceof GenerationEvent.Step step) {
            writeStep(step, json);
        } else if (event instanceof GenerationEvent.Completed completed) {
            writeCompleted(completed.result(), json, provider);
        }
        json.writeEndObject();
    }

    private static void writeStarted(GenerationEvent.Started s, JsonGenerator json) throws IOException {
        json.writeStringField("type", "started");
        json.writeStringField("model", s.model());
        json.writeStringField("family", s.family());
        json.writeStringField("task", s.task());
        json.writeNumberField("seed", s.seed());
        json.writeNumberField("steps", s.steps());
        json.writeNumberField("modelEvaluations", s.modelEvaluations());
        json.writeNumberField("width", s.width());
        json.writeNumberField("height", s.height());
        json.writeNumberField("batchSize", s.batchSize());
        json.writeStringField("scheduler", s.scheduler());
        json.writeBooleanField("guided", s.guided());
        json.writeStringField("noiseSource", s.noiseSource());
        writeStrings(json, "promptDroppedWords", s.promptDroppedWords());
        writeStrings(json, "negativeDroppedWords", s.negativeDroppedWords());
    }

    private static void writeStep(GenerationEvent.Step s, JsonGenerator json) throws IOException {
        json.writeStringField("type", "step");
        json.writeNumberField("index", s.index());
        json.writeNumberField("total", s.total());
        json.writeNumberField("progress", s.progress());
        json.writeNumberField("evaluations", s.evaluations());
        json.writeStringField("phase", s.phase());
        json.writeNumberField("timestep", s.timestep());
        if (s.sigma() != null && s.sigma().isPresent()) {
            json.writeNumberField("sigma", s.sigma().getAsDouble());
        }
        writeMillis(json, "elapsedMs", s.elapsed());
        writeMillis(json, "stepDurationMs", s.stepDuration());
        if (s.elapsed() != null) {
            writeMillis(json, "etaMs", s.eta());
        }
        if (s.preview() != null) {
            json.writeFieldName("preview");
            PreviewSerializer.write(s.preview(), json);
        }
        if (s.latents() != null) {
            json.writeFieldName("latents");
            json.writeArray(toDoubles(s.latents()), 0, s.latents().length);
        }
        if (s.predictedOriginal() != null) {
            json.writeFieldName("predictedOriginal");
            json.writeArray(toDoubles(s.predictedOriginal()), 0, s.predictedOriginal().length);
        }
    }

    private static void writeCompleted(GenerationResult r, JsonGenerator json, SerializerProvider provider)
            throws IOException {
        json.writeStringField("type", "completed");
        json.writeNumberField("seed", r.seed());
        json.writeNumberField("unetRuns", r.unetRuns());
        Timings t = r.timings();
        if (t != null) {
            json.writeObjectFieldStart("timings");
            writeMillis(json, "textEncodingMs", t.textEncoding());
            writeMillis(json, "denoisingMs", t.denoising());
            writeMillis(json, "decodingMs", t.decoding());
            writeMillis(json, "totalMs", t.total());
            writeMillis(json, "onnxRunMs", t.onnxRun());
            json.writeEndObject();
        }
        json.writeArrayFieldStart("images");
        for (GeneratedImage image : r.images()) {
            json.writeStartObject();
            json.writeNumberField("width", image.image().getWidth());
            json.writeNumberField("height", image.image().getHeight());
            json.writeStringField("image", dataUri(image.png()));
            json.writeFieldName("metadata");
            provider.defaultSerializeValue(image.metadata(), json);
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /** {@code data:image/png;base64,...} of PNG bytes. */
    static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    private static void writeMillis(JsonGenerator json, String field, Duration d) throws IOException {
        if (d != null) {
            json.writeNumberField(field, d.toNanos() / 1e6);
        }
    }

    private static void writeStrings(JsonGenerator json, String field, Iterable<String> values) throws IOException {
        json.writeArrayFieldStart(field);
        for (String v : values) {
            json.writeString(v);
        }
        json.writeEndArray();
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /**
     * A {@link Preview} on its own: {@code width}, {@code height} and {@code image} as a PNG data URI (rendering it if
     * it was not yet).
     */
    public static final class PreviewSerializer extends StdSerializer<Preview> {

        public PreviewSerializer() {
            super(Preview.class);
        }

        @Override
        public void serialize(Preview preview, JsonGenerator json, SerializerProvider provider) throws IOException {
            write(preview, json);
        }

        static void write(Preview preview, JsonGenerator json) throws IOException {
            json.writeStartObject();
            json.writeNumberField("width", preview.width());
            json.writeNumberField("height", preview.height());
            json.writeStringField("image", dataUri(preview.png()));
            json.writeEndObject();
        }
    }
}
