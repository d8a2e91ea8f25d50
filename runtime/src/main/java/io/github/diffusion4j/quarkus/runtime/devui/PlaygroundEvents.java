package io.github.diffusion4j.quarkus.runtime.devui;

import io.github.diffusion4j.pipeline.GeneratedImage;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.github.diffusion4j.pipeline.InvalidRequestException;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The playground's stream items: a generation's events as plain maps, previews and images as PNG data URIs. */
final class PlaygroundEvents {

    private PlaygroundEvents() {
    }

    static Map<String, Object> of(GenerationEvent event) {
        Map<String, Object> row = new LinkedHashMap<>();
        if (event instanceof GenerationEvent.Started s) {
            row.put("type", "started");
            row.put("model", s.model());
            row.put("seed", s.seed());
            row.put("steps", s.steps());
            row.put("width", s.width());
            row.put("height", s.height());
            row.put("scheduler", s.scheduler());
            row.put("promptDroppedWords", s.promptDroppedWords());
        } else if (event instanceof GenerationEvent.Step s) {
            row.put("type", "step");
            row.put("index", s.index());
            row.put("total", s.total());
            row.put("progress", s.progress());
            row.put("elapsedMs", s.elapsed().toMillis());
            row.put("etaMs", s.eta().toMillis());
            if (s.preview() != null) {
                row.put("preview", dataUri(s.preview().png()));
            }
        } else if (event instanceof GenerationEvent.Completed c) {
            GenerationResult r = c.result();
            row.put("type", "completed");
            row.put("seed", r.seed());
            row.put("durationMs", r.timings().total().toMillis());
            row.put("image", dataUri(r.image().png()));
            // a batch: every image (the first is also "image")
            List<String> images = new ArrayList<>(r.images().size());
            for (GeneratedImage image : r.images()) {
                images.add(dataUri(image.png()));
            }
            row.put("images", images);
            row.put("parameters", r.image().metadata().toA1111Parameters());
        }
        return row;
    }

    /** A failure in the middle of a generation as the stream's last item (the Dev UI shows it in place). */
    static Map<String, Object> failure(Throwable failure) {
        if (failure instanceof InvalidRequestException invalid) {
            return JobRows.invalid(invalid.violations());
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("type", "failed");
        row.put("message", String.valueOf(failure.getMessage()));
        return row;
    }

    private static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }
}
