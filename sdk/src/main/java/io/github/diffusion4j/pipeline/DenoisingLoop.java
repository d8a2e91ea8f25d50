package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.family.LatentCodec;
import io.github.diffusion4j.family.ModelFamily;
import io.github.diffusion4j.family.PromptText;
import io.github.diffusion4j.family.TextEmbeddings;
import io.github.diffusion4j.model.ComponentOptions;
import io.github.diffusion4j.model.Denoiser;
import io.github.diffusion4j.model.DiffusionModel;
import io.github.diffusion4j.model.RunContext;
import io.github.diffusion4j.noise.NoiseGenerator;
import io.github.diffusion4j.scheduler.Scheduler;
import io.github.diffusion4j.scheduler.StepOutput;
import org.jboss.logging.Logger;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The denoising loop every family shares, in diffusers' named stages ({@code StableDiffusionPipeline.__call__},
 * {@code StableDiffusionXLPipeline.__call__}): {@link #retrieveTimesteps}, {@link #encodePrompt},
 * {@link #prepareLatents}, {@link #denoise}, {@link #decode}. What differs per family comes from its
 * {@link ModelFamily}: encoders, conditioning inputs, guidance mode, latent scaling.
 * <p>
 * One instance per generation, on the generation's thread. Returns {@code null} from a stage once cancelled.
 */
final class DenoisingLoop {

    private static final Logger LOG = Logger.getLogger(DenoisingLoop.class);

    private final DiffusionPipeline pipeline;
    private final DiffusionModel model;
    private final ResolvedRequest params;
    private final GenerationRequest request;
    private final RunContext context;
    private final BooleanSupplier cancelled;
    private final Consumer<GenerationEvent> emit;
    private final long start;
    private final int batch;
    private final int latentHeight;
    private final int latentWidth;
    private final int rowSize;
    private final Task task;
    private final ResolvedRequest metadataParams;
    private Progress progress;
    private long textNanos;
    private long loopNanos;

    /**
     * Where a pass's steps sit in the whole generation: a hires fix's second pass continues the first's step and
     * evaluation counts, out of both passes' total.
     */
    record Progress(int stepOffset, int evaluationOffset, int total) {
    }

    DenoisingLoop(DiffusionPipeline pipeline, ResolvedRequest params, RunContext context,
                  BooleanSupplier cancelled, Consumer<GenerationEvent> emit, long start) {
        this(pipeline, params, params, context, cancelled, emit, start, null);
    }

    /**
     * A pass of {@code params} with {@code task} ({@code null}: the request's own), whose images carry the metadata
     * of {@code metadataParams} (the first pass's, for a hires fix).
     */
    DenoisingLoop(DiffusionPipeline pipeline, ResolvedRequest params,
                  ResolvedRequest metadataParams, RunContext context, BooleanSupplier cancelled,
                  Consumer<GenerationEvent> emit, long start, Task task) {
        this.pipeline = pipeline;
        this.metadataParams = metadataParams;
        this.model = pipeline.model();
        this.params = params;
        this.request = params.request();
        this.context = context;
        this.cancelled = cancelled;
        this.emit = emit;
        this.start = start;
        this.batch = request.batchSize();
        int scale = model.vaeDecoder().scaleFactor();
        this.latentHeight = params.height() / scale;
        this.latentWidth = params.width() / scale;
        this.rowSize = model.denoiser().outChannels() * latentHeight * latentWidth;
        this.task = task != null ? task : request.initImage() == null
                ? new Task.TextToImage(request.initialLatents(), batch * rowSize)
                : new EditTask(model, request.initImage(), params.width(), params.height(), context, batch);
    }

    /** Runs every stage (both passes of a hires fix); {@code null} when cancelled. */
    GenerationResult run() {
        Scheduler scheduler = retrieveTimesteps();
        PromptEmbeddings prompts = encodePrompt();
        if (cancelled.getAsBoolean()) {
            return null;
        }
        HiresFixPass hires = params.hires() == null ? null
                : new HiresFixPass(pipeline, params, context, cancelled, emit, start);
        int evaluations = scheduler.timesteps().length;
        int steps = counter(scheduler, params.steps()).total();
        progress = new Progress(0, 0, steps + (hires == null ? 0 : hires.steps()));
        emit.accept(new GenerationEvent.Started(params.seed(), progress.total(),
                hires == null ? params.width() : hires.width(), hires == null ? params.height() : hires.height(), batch,
                params.schedulerName(), pipeline.name(), params.classifierFree(), prompts.cond().droppedWords(),
                prompts.uncond() == null ? List.of() : prompts.uncond().droppedWords(), model.family().id(),
                noiseName(), evaluations + (hires == null ? 0 : hires.evaluations()),
                hires == null ? task.name() : "hires"));
        NoiseGenerator generator = params.noiseSource().newGenerator(params.seed());
        float[] latents = denoise(scheduler, prompts, task.prepareLatents(scheduler, generator), generator);
        if (latents == null) {
            return null;
        }
        if (hires == null) {
            return decode(latents);
        }
        return hires.run(latents, this, prompts, new Progress(steps, evaluations, progress.total()));
    }

    /**
     * A later pass (the hires fix's second): the first pass's prompt embeddings, this pass's scheduler (timesteps
     * set) and generator; text and earlier denoising times carried into the result's timings.
     */
    GenerationResult runPass(Scheduler scheduler, PromptEmbeddings prompts, NoiseGenerator generator, Progress progress,
                             DenoisingLoop earlier) {
        this.progress = progress;
        this.textNanos = earlier.textNanos;
        float[] latents = denoise(scheduler, prompts, task.prepareLatents(scheduler, generator), generator);
        this.loopNanos += earlier.loopNanos;
        return latents == null ? null : decode(latents);
    }

    private StepCounter counter(Scheduler scheduler, int steps) {
        return new StepCounter(scheduler.timesteps().length, steps, scheduler.order());
    }

    /**
     * diffusers' {@code retrieve_timesteps}: a scheduler of its own per subscription (the Multi is cold and
     * schedulers are stateful); {@code setTimesteps} resets all of its state.
     */
    private Scheduler retrieveTimesteps() {
        Scheduler scheduler = params.takeScheduler(pipeline);
        scheduler.setTimesteps(task.plan(model.family().timestepPlan(params.steps(), latentHeight, latentWidth,
                scheduler.config())));
        return scheduler;
    }

    /** The conditional and (with classifier-free guidance) unconditional embeddings. */
    record PromptEmbeddings(TextEmbeddings cond, TextEmbeddings uncond) {
    }

    /**
     * diffusers' {@code encode_prompt}: the family's conditioner encodes the prompt; with classifier-free guidance
     * also the negative prompt, or zeros when the family zeroes an empty one ({@code force_zeros_for_empty_prompt}).
     * {@code clip_skip} applies to the prompt only: diffusers' SDXL and SD3 pipelines encode the negative prompt
     * with the penultimate layer whatever it says.
     */
    private PromptEmbeddings encodePrompt() {
        long t0 = System.nanoTime();
        try (DiffusionModel.Lease ignored = model.lease(ComponentOptions.TEXT_ENCODERS)) {
            return encodeWithEncoders();
        } finally {
            textNanos = System.nanoTime() - t0;
        }
    }

    private PromptEmbeddings encodeWithEncoders() {
        int length = params.maxSequenceLength();
        TextEmbeddings cond = model.conditioner().encode(new PromptText(request.prompt(), request.prompt2(),
                request.prompt3(), length, request.clipSkip(), request.promptWeighting(), request.longPrompts()), context);
        TextEmbeddings uncond = null;
        if (params.classifierFree()) {
            boolean empty = request.negativePrompt().isEmpty() && request.negativePrompt2().isEmpty();
            uncond = empty && model.family().zeroNegativeForEmptyPrompt(model.folder()) ? cond.zeros()
                    : model.conditioner().encode(new PromptText(request.negativePrompt(), request.negativePrompt2(),
                    request.negativePrompt3(), length, 0, request.promptWeighting(), request.longPrompts()), context);
            // chunked prompts of different lengths share one batch: the shorter is padded with empty chunks
            int tokens = Math.max(cond.tokens(), uncond.tokens());
            cond = model.conditioner().padTo(cond, tokens, context);
            uncond = model.conditioner().padTo(uncond, tokens, context);
        }
        return new PromptEmbeddings(cond, uncond);
    }

    /**
     * The loop over the timesteps. Rows are [uncond × batch, cond × batch] with classifier-free guidance, as in
     * diffusers; one denoiser call covers all rows unless the graph's batch axis is fixed, in which case the rows are
     * split into calls of that size.
     */
    private float[] denoise(Scheduler scheduler, PromptEmbeddings prompts, float[] latents, NoiseGenerator generator) {
        long loopStart = System.nanoTime();
        GuidanceInterval interval = request.guidanceInterval();
        boolean limited = params.classifierFree() && !interval.equals(GuidanceInterval.ALWAYS);
        try (DiffusionModel.Lease ignored = model.lease(ComponentOptions.DENOISERS);
             DenoiserCalls calls = DenoiserCalls.open(model, params, prompts, latentHeight, latentWidth);
             DenoiserCalls condOnly = limited
                     ? DenoiserCalls.open(model, params, prompts, latentHeight, latentWidth, false) : null) {
            double[] timesteps = scheduler.timesteps();
            StepCounter counter = counter(scheduler, params.steps());
            float[] guided = params.classifierFree() ? new float[batch * rowSize] : null;
            long stepStart = System.nanoTime();
            for (int i = 0; i < timesteps.length; i++) {
                if (cancelled.getAsBoolean()) {
                    return null;
                }
                double t = timesteps[i];
                float[] input = task.denoiserInput(scheduler.scaleModelInput(latents, t));
                boolean guide = guided != null && (!limited || interval.guides(counter.stepsDone(), counter.total()));
                float[] prediction;
                if (guide) {
                    prediction = guided;
                    Guidance.apply(calls.run(input, t, context), guided, batch, rowSize, (float) params.cfgScale(),
                            request.guidanceRescale());
                } else {
                    // outside the guidance interval: the conditional rows alone, one denoiser row per image
                    prediction = (limited ? condOnly : calls).run(input, t, context);
                }
                StepOutput out = scheduler.step(prediction, t, latents, generator);
                latents = out.prevSample();
                task.afterStep(i, timesteps, latents, scheduler);
                if (counter.completesStep(i)) {
                    long now = System.nanoTime();
                    emitStep(counter, i, t, scheduler, out, now - stepStart);
                    stepStart = now;
                }
            }
        } finally {
            loopNanos += System.nanoTime() - loopStart;
        }
        return cancelled.getAsBoolean() ? null : latents;
    }

    private void emitStep(StepCounter counter, int i, double t, Scheduler scheduler, StepOutput out, long stepNanos) {
        int index = counter.stepsDone();
        float[] x0 = out.predOriginalSample();
        Preview preview = null;
        int every = params.previewInterval();
        if (every > 0 && (index % every == 0 || index == counter.total())) {
            // Snapshot the first image's latent (the arrays move on); render only if someone looks.
            float[] snapshot = new float[rowSize];
            System.arraycopy(x0 != null ? x0 : out.prevSample(), 0, snapshot, 0, rowSize);
            // the previewer is taken when the preview is rendered: its fit (at load, in the background) never holds a step
            preview = new Preview(latentWidth, latentHeight,
                    () -> pipeline.previewer().render(snapshot, 0, latentHeight, latentWidth));
        }
        float[] latentsCopy = request.includeLatents() ? out.prevSample().clone() : null;
        float[] x0Copy = request.includeLatents() && x0 != null ? x0.clone() : null;
        int overall = progress.stepOffset() + index;
        if (LOG.isDebugEnabled()) {
            // guarded: six arguments box into a varargs array on every step even when DEBUG is off
            LOG.debugf("step %d/%d (%s, evaluation %d) t=%.1f %.1f ms", overall, progress.total(), task.name(), i + 1,
                    t, stepNanos / 1e6);
        }
        emit.accept(new GenerationEvent.Step(overall, progress.total(), t, scheduler.sigmaAt(i),
                Duration.ofNanos(System.nanoTime() - start), Duration.ofNanos(stepNanos), preview,
                progress.evaluationOffset() + i + 1, latentsCopy, x0Copy, task.name()));
    }

    /** diffusers' {@code vae.decode(latents / scaling_factor + shift_factor)}, one image per decoder run. */
    private GenerationResult decode(float[] latents) {
        try (DiffusionModel.Lease ignored = model.lease(List.of(ComponentOptions.VAE_DECODER))) {
            return decodeWithDecoder(latents);
        }
    }

    private GenerationResult decodeWithDecoder(float[] latents) {
        long decodeStart = System.nanoTime();
        LatentCodec codec = model.latentCodec();
        float[] scaled = codec.toDecoder(latents);
        int channels = model.denoiser().outChannels();
        List<GeneratedImage> images = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            if (cancelled.getAsBoolean()) {
                return null;
            }
            BufferedImage image = model.vaeDecoder().decodeImage(scaled, b * rowSize, channels, latentHeight,
                    latentWidth, context.options(), context.stats());
            if (task instanceof EditTask edit && edit.images() != null && edit.images().cropped()) {
                image = edit.images().pasteBack(image); // diffusers' apply_overlay, always with padding_mask_crop
            } else if (task instanceof EditTask edit && request.initImage() != null && request.initImage().masked()
                    && request.initImage().composite()) {
                composite(image, edit.images());
            }
            images.add(new GeneratedImage(image, metadata(b, image.getWidth(), image.getHeight())));
        }
        long end = System.nanoTime();
        Timings timings = new Timings(Duration.ofNanos(textNanos), Duration.ofNanos(loopNanos),
                Duration.ofNanos(end - decodeStart), Duration.ofNanos(end - start),
                Duration.ofNanos(context.stats().ortNanos()));
        return new GenerationResult(images, params.seed(), timings, context.stats().unetRuns(),
                context.stats().unetRows());
    }

    /**
     * The image's infotext: the first pass's settings (A1111 writes a hires fix's first-pass size as {@code Size}),
     * the edit or hires strength as {@code Denoising strength}, the hires fields, and an inpainting mask's
     * {@code Mask blur}.
     */
    private ImageMetadata metadata(int batchIndex, int width, int height) {
        ResolvedRequest m = metadataParams;
        HiresFix fix = request.hires();
        ImageMetadata meta = new ImageMetadata(request.prompt(), m.classifierFree() ? request.negativePrompt() : "",
                m.steps(), m.schedulerName(), m.guidance(), m.seed(), fix != null ? m.width() : width,
                fix != null ? m.height() : height, pipeline.name(), batchIndex, noiseName(), pipeline.modelHashIfReady());
        if (fix != null) {
            ImageMetadata.Hires hires = ImageMetadata.Hires.of(fix.withScheduler(fix.scheduler() == null ? null
                    : m.hires().scheduler()));
            return meta.withEditing(fix.strength(), hires);
        }
        InitImage init = request.initImage();
        if (init == null) {
            return meta;
        }
        return meta.withEditing(init.strength(), null).withMaskBlur(init.masked() ? init.maskBlur() : null);
    }

    /** Keeps the init image's pixels where the mask does not repaint (the VAE round trip would alter them). */
    private static void composite(BufferedImage image, EditImages images) {
        BufferedImage init = images.resized();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (!images.repaints(x, y)) {
                    image.setRGB(x, y, init.getRGB(x, y));
                }
            }
        }
    }

    private String noiseName() {
        return params.noiseSource().name().toLowerCase(Locale.ROOT);
    }

    /**
     * User-visible steps versus denoiser evaluations, as diffusers' progress bar counts them: an evaluation
     * completes a step when it is the last, or past the warm-up ({@code len(timesteps) − steps·order}) at a multiple
     * of the scheduler's order (second-order schedulers evaluate twice per step; PNDM's PLMS has one warm-up).
     */
    static final class StepCounter {
        private final int evaluations;
        private final int total;
        private final int order;
        private final int warmup;
        private int done;

        StepCounter(int evaluations, int steps, int order) {
            this.evaluations = evaluations;
            this.order = Math.max(1, order);
            this.warmup = evaluations - steps * this.order;
            this.total = Math.min(steps, evaluations);
        }

        boolean completesStep(int i) {
            boolean completes = i == evaluations - 1 || ((i + 1) > warmup && (i + 1) % order == 0);
            if (completes && done < total) {
                done++;
                return true;
            }
            return false;
        }

        int stepsDone() {
            return done;
        }

        int total() {
            return total;
        }
    }

    /** The guided rows' conditioning for the denoiser: what {@link DenoiserCalls} binds. */
    static Map<String, ModelFamily.Row> conditioning(DiffusionModel model, TextEmbeddings text, boolean negative,
                                                     ResolvedRequest params) {
        Denoiser denoiser = model.denoiser();
        int scale = model.vaeDecoder().scaleFactor();
        return model.family().conditioning(text, new ModelFamily.RowContext(negative, params.width(), params.height(),
                params.height() / scale, params.width() / scale, params.guidance(), denoiser, model.folder()));
    }
}
