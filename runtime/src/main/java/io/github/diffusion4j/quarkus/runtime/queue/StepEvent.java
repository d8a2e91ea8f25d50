package io.github.diffusion4j.quarkus.runtime.queue;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.diffusion4j.pipeline.GenerationEvent;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Base64;

/**
 * One denoising step finished.
 *
 * @param jobId       the job
 * @param index       1-based step number
 * @param total       total steps
 * @param progress    index / total, in [0, 1]
 * @param etaMillis   estimated time to the end of the loop, from the mean step time so far
 * @param elapsedMillis time since the loop started
 * @param stepMillis  time this step took
 * @param timestep    the scheduler timestep of this step
 * @param preview     a small preview of the current estimate as a {@code data:image/png;base64,...} URI, or
 *                    {@code null} when none was due or this client fell behind (previews are dropped first)
 * @param phase       the pass: the task ({@code txt2img}, {@code img2img}, {@code inpaint}), or for a hires fix
 *                    {@code txt2img} then {@code hires} (index and total count across both passes)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "StepEvent", description = "SSE event `step`: one denoising step finished. A client that reads too slowly "
        + "gets step events without `preview` first, and loses step events only if it falls further behind.")
public record StepEvent(
        String jobId,
        @Schema(example = "5") int index,
        @Schema(example = "20") int total,
        @Schema(example = "0.25") double progress,
        @Schema(example = "1500") long etaMillis,
        @Schema(example = "500") long elapsedMillis,
        @Schema(example = "100") long stepMillis,
        @Schema(example = "751.0") double timestep,
        @Schema(description = "PNG preview at latent resolution as a data URI; absent when none was due",
                example = "data:image/png;base64,iVBORw0KGgo...") String preview,
        @Schema(description = "The pass: txt2img, img2img, inpaint, or for a hires fix txt2img then hires",
                example = "txt2img") String phase)
        implements JobEventData {

    public static final String NAME = "step";

    /**
     * The event of the SDK's {@code Step} for job {@code jobId}; the preview is encoded here, on the generation
     * thread, never on the event loop.
     */
    public static StepEvent of(String jobId, GenerationEvent.Step s) {
        String preview = s.preview() != null
                ? "data:image/png;base64," + Base64.getEncoder().encodeToString(s.preview().png()) : null;
        return new StepEvent(jobId, s.index(), s.total(), s.progress(), s.eta().toMillis(), s.elapsed().toMillis(),
                s.stepDuration().toMillis(), s.timestep(), preview, s.phase());
    }

    @Override
    @JsonIgnore
    public String eventName() {
        return NAME;
    }

    /** This event without its preview: what a slow client gets. */
    public StepEvent withoutPreview() {
        return preview == null ? this
                : new StepEvent(jobId, index, total, progress, etaMillis, elapsedMillis, stepMillis, timestep, null, phase);
    }
}
