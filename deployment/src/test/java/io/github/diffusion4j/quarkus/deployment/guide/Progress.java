package io.github.diffusion4j.quarkus.deployment.guide;

import io.github.diffusion4j.pipeline.GenerationEvent;

import java.util.Base64;

/** One server-sent event: "started", "step" (with progress) or "completed" (with the PNG as a data URI). */
public record Progress(String type, int step, int total, long seed, String image) {

    public static Progress of(GenerationEvent event) {
        if (event instanceof GenerationEvent.Started s) {
            return new Progress("started", 0, s.steps(), s.seed(), null);
        }
        if (event instanceof GenerationEvent.Step s) {
            return new Progress("step", s.index(), s.total(), 0, null);
        }
        GenerationEvent.Completed c = (GenerationEvent.Completed) event;
        String png = Base64.getEncoder().encodeToString(c.result().image().png());
        return new Progress("completed", 0, 0, c.result().seed(), "data:image/png;base64," + png);
    }
}
