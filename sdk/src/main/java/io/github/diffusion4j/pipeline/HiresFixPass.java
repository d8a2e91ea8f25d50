package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.image.Images;
import io.github.diffusion4j.model.DiffusionModel;
import io.github.diffusion4j.model.RunContext;
import io.github.diffusion4j.noise.NoiseGenerator;
import io.github.diffusion4j.scheduler.Scheduler;

import java.awt.image.BufferedImage;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The hires fix's second pass, as AUTOMATIC1111's {@code StableDiffusionProcessingTxt2Img.sample_hr_pass}
 * ({@code modules/processing.py}) does it, over the existing image-to-image task:
 * <ol>
 *   <li>the first pass's latents are enlarged to the target's latent grid — interpolated
 *   ({@link LatentResize}, A1111's latent upscalers), or decoded, resized as pixels ({@link PixelResize}) and
 *   encoded again, drawing the VAE posterior sample from the second pass's generator;</li>
 *   <li>a fresh generator from the request's seed, as A1111 makes a new {@code rng.ImageRNG} from the seeds for the
 *   second pass at its shape;</li>
 *   <li>image-to-image from those latents ({@link EditTask#fromLatents}: diffusers' {@code StableDiffusionImg2ImgPipeline}
 *   takes 4-channel latents as its {@code image}): the hires scheduler's timesteps cut by the hires strength
 *   ({@code get_timesteps}), noise added to the first of them, denoised at the target size with the first pass's
 *   prompt embeddings.</li>
 * </ol>
 * The second pass's steps continue the first's count (one progress from 0 to 1) and are marked {@code hires}.
 */
final class HiresFixPass {

    private final DiffusionPipeline pipeline;
    private final DiffusionModel model;
    private final ResolvedRequest first;
    private final ResolvedRequest second;
    private final HiresFix.Plan plan;
    private final RunContext context;
    private final BooleanSupplier cancelled;
    private final Consumer<GenerationEvent> emit;
    private final long start;
    private final Scheduler scheduler;
    private final int scale;

    HiresFixPass(DiffusionPipeline pipeline, ResolvedRequest first, RunContext context,
                 BooleanSupplier cancelled, Consumer<GenerationEvent> emit, long start) {
        this.pipeline = pipeline;
        this.model = pipeline.model();
        this.first = first;
        this.second = first.hiresPass();
        this.plan = first.hires();
        this.context = context;
        this.cancelled = cancelled;
        this.emit = emit;
        this.start = start;
        this.scale = model.vaeDecoder().scaleFactor();
        this.scheduler = pipeline.newScheduler(plan.scheduler(), first.request().eta());
        scheduler.setTimesteps(model.family().timestepPlan(plan.steps(), plan.height() / scale, plan.width() / scale,
                scheduler.config()).withStrength(plan.strength()));
    }

    /** User-visible steps of the second pass after the strength cut. */
    int steps() {
        return new DenoisingLoop.StepCounter(scheduler.timesteps().length, plan.steps(), scheduler.order()).total();
    }

    /** Denoiser evaluations of the second pass. */
    int evaluations() {
        return scheduler.timesteps().length;
    }

    int width() {
        return plan.width();
    }

    int height() {
        return plan.height();
    }

    /** Upscales {@code latents} of the first pass and refines them; {@code null} when cancelled. */
    GenerationResult run(float[] latents, DenoisingLoop firstLoop, DenoisingLoop.PromptEmbeddings prompts,
                         DenoisingLoop.Progress progress) {
        NoiseGenerator generator = second.noiseSource().newGenerator(second.seed());
        float[] upscaled = plan.upscaler().latent() ? upscaleLatents(latents) : upscalePixels(latents, generator);
        if (upscaled == null || cancelled.getAsBoolean()) {
            return null;
        }
        int batch = first.request().batchSize();
        EditTask task = EditTask.fromLatents(model, upscaled, plan.strength(), plan.width(), plan.height(), context,
                batch, "hires");
        DenoisingLoop loop = new DenoisingLoop(pipeline, second, first, context, cancelled, emit, start, task);
        return loop.runPass(scheduler, prompts, generator, progress, firstLoop);
    }

    private float[] upscaleLatents(float[] latents) {
        int planes = first.request().batchSize() * model.denoiser().outChannels();
        return LatentResize.resize(latents, planes, first.height() / scale, first.width() / scale,
                plan.height() / scale, plan.width() / scale, plan.upscaler());
    }

    /** Decode each image, resize it with Pillow's filter, encode it again (a posterior sample per image). */
    private float[] upscalePixels(float[] latents, NoiseGenerator generator) {
        int channels = model.denoiser().outChannels();
        int baseH = first.height() / scale;
        int baseW = first.width() / scale;
        int row = channels * (plan.height() / scale) * (plan.width() / scale);
        int batch = first.request().batchSize();
        float[] scaled = model.latentCodec().toDecoder(latents);
        float[] out = new float[batch * row];
        for (int b = 0; b < batch; b++) {
            if (cancelled.getAsBoolean()) {
                return null;
            }
            long[] shape = new long[4];
            float[] decoded = model.vaeDecoder().decode(scaled, b * channels * baseH * baseW, channels, baseH, baseW,
                    shape, context.options(), context.stats());
            BufferedImage image = Images.fromDecoderOutput(decoded, 0, (int) shape[3], (int) shape[2]);
            BufferedImage resized = PixelResize.resize(image, plan.width(), plan.height(), plan.upscaler());
            float[] encoded = EditTask.encodeScaled(model, EditImages.chw(resized), plan.width(), plan.height(),
                    InitImage.LatentSampling.SAMPLE, generator, context);
            System.arraycopy(encoded, 0, out, b * row, row);
        }
        return out;
    }
}
