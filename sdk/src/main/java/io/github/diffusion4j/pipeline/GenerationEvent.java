package io.github.diffusion4j.pipeline;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.github.diffusion4j.json.GenerationEventSerializer;

import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One event of a generation: {@link Started} once, then one {@link Step} per denoising step, then
 * {@link Completed}. Failures are delivered as the stream's failure (a {@link io.github.diffusion4j.model.DiffusionException}), cancellation
 * as the subscriber's own cancel.
 * <p>
 * Serialised by Jackson as {@link GenerationEventSerializer} writes it: a {@code type} field ({@code started},
 * {@code step}, {@code completed}), previews and images as PNG data URIs, latents only when requested.
 */
@JsonSerialize(using = GenerationEventSerializer.class)
public sealed interface GenerationEvent {

    /**
     * Emitted after the prompt was encoded, before the first UNet run.
     *
     * @param seed                   the seed in use (drawn at random when the request had none)
     * @param steps                  number of denoising steps (UNet evaluations may differ for multistage solvers)
     * @param width                  image width
     * @param height                 image height
     * @param batchSize              images generated
     * @param scheduler              scheduler name
     * @param model                  model name
     * @param guided                 whether classifier-free guidance is on
     * @param promptDroppedWords     words of the prompt dropped by truncation to the text encoder's length
     * @param negativeDroppedWords   words of the negative prompt dropped by truncation
     * @param family                 the model family id ({@code sd}, {@code sdxl}, {@code lcm})
     * @param noiseSource            the generator the seeded noise reproduces ({@code torch} or {@code numpy})
     * @param modelEvaluations       denoiser evaluations the loop will run (more than {@code steps} for
     *                               second-order and multi-stage schedulers)
     * @param task                   {@code txt2img}, {@code img2img}, {@code inpaint}, or {@code hires} for a
     *                               hires fix, whose {@code steps}, {@code modelEvaluations}, {@code width} and
     *                               {@code height} are those of both passes together and of the final image
     */
    @JsonSerialize(using = GenerationEventSerializer.class)
    record Started(long seed, int steps, int width, int height, int batchSize, String scheduler, String model,
                   boolean guided, List<String> promptDroppedWords, List<String> negativeDroppedWords, String family,
                   String noiseSource, int modelEvaluations, String task)
            implements GenerationEvent {

        public Started {
            promptDroppedWords = List.copyOf(promptDroppedWords);
            negativeDroppedWords = List.copyOf(negativeDroppedWords);
        }

        /** A text-to-image start of a family-less source (tests, stub models): one evaluation per step. */
        public Started(long seed, int steps, int width, int height, int batchSize, String scheduler, String model,
                       boolean guided, List<String> promptDroppedWords, List<String> negativeDroppedWords) {
            this(seed, steps, width, height, batchSize, scheduler, model, guided, promptDroppedWords,
                    negativeDroppedWords, "", "torch", steps, "txt2img");
        }
    }

    /**
     * Emitted after each denoising step.
     *
     * @param index        1-based step number
     * @param total        total number of steps
     * @param timestep     the scheduler timestep of this step
     * @param sigma        the sigma of this step for sigma-space schedulers
     * @param elapsed      time since the subscription started
     * @param stepDuration time this step took
     * @param preview      a small preview of the current estimate, or {@code null} when none was due
     * @param evaluations  denoiser evaluations so far (equals {@code index} for first-order schedulers)
     * @param latents      the latents after this step ([batch, C, h, w] flattened, a copy), when the request asked
     *                     for them ({@link GenerationRequest#includeLatents()}); {@code null} otherwise
     * @param predictedOriginal the scheduler's predicted x0 for this step, when the request asked for latents and
     *                     the scheduler computes one; {@code null} otherwise
     * @param phase        which pass the step belongs to: the task ({@code txt2img}, {@code img2img},
     *                     {@code inpaint}), or for a hires fix {@code txt2img} then {@code hires}. A hires fix's
     *                     {@code index}, {@code total} and {@code evaluations} count across both passes, so progress
     *                     runs from 0 to 1 once; {@code timestep}, {@code sigma} and the latents are the pass's own
     */
    @JsonSerialize(using = GenerationEventSerializer.class)
    record Step(int index, int total, double timestep, OptionalDouble sigma, Duration elapsed, Duration stepDuration,
                Preview preview, int evaluations, float[] latents, float[] predictedOriginal, String phase)
            implements GenerationEvent {

        /** A step event of a single-pass text-to-image generation. */
        public Step(int index, int total, double timestep, OptionalDouble sigma, Duration elapsed, Duration stepDuration,
                    Preview preview, int evaluations, float[] latents, float[] predictedOriginal) {
            this(index, total, timestep, sigma, elapsed, stepDuration, preview, evaluations, latents, predictedOriginal,
                    "txt2img");
        }

        /** A step event without latents, one evaluation per step. */
        public Step(int index, int total, double timestep, OptionalDouble sigma, Duration elapsed, Duration stepDuration,
                    Preview preview) {
            this(index, total, timestep, sigma, elapsed, stepDuration, preview, index, null, null);
        }

        /** Fraction done in [0, 1]. */
        public double progress() {
            return total == 0 ? 1.0 : (double) index / total;
        }

        /** Estimated remaining time from the mean step duration so far. */
        public Duration eta() {
            if (index == 0) {
                return Duration.ZERO;
            }
            long perStep = elapsed.toNanos() / index;
            return Duration.ofNanos(perStep * (total - index));
        }
    }

    /**
     * The final event.
     *
     * @param result the images, seed and timings
     */
    @JsonSerialize(using = GenerationEventSerializer.class)
    record Completed(GenerationResult result) implements GenerationEvent {
    }
}
