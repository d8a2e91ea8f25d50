package io.github.diffusion4j.pipeline;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.diffusion4j.image.Images;
import io.github.diffusion4j.model.DiffusionModel;
import io.github.diffusion4j.model.OrtRunException;
import io.github.diffusion4j.model.RunStats;
import io.github.diffusion4j.model.TextEncoder;
import io.github.diffusion4j.model.Unet;
import io.github.diffusion4j.noise.NoiseGenerator;
import io.github.diffusion4j.scheduler.Scheduler;
import io.github.diffusion4j.scheduler.StepOutput;
import io.github.diffusion4j.tokenizer.Tokenization;
import io.smallrye.mutiny.subscription.MultiEmitter;
import org.jboss.logging.Logger;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of the denoising loop, executed on the pipeline's executor and reporting to a Mutiny emitter.
 * Follows diffusers' {@code StableDiffusionPipeline.__call__}: encode prompts, draw noise, loop over the scheduler's
 * timesteps with classifier-free guidance, decode.
 */
final class Generation implements Runnable {

    private static final Logger LOG = Logger.getLogger(Generation.class);

    private final DiffusionPipeline pipeline;
    private final DiffusionPipeline.Resolved params;
    private final MultiEmitter<? super GenerationEvent> emitter;
    private final Object lock = new Object();
    private volatile boolean cancelled;
    private OrtSession.RunOptions runOptions;
    private boolean finished;
    private volatile String abortReason;
    /** Set once this generation has completed or failed its stream (only the generation thread terminates it). */
    private boolean terminated;

    Generation(DiffusionPipeline pipeline, DiffusionPipeline.Resolved params, MultiEmitter<? super GenerationEvent> emitter) {
        this.pipeline = pipeline;
        this.params = params;
        this.emitter = emitter;
    }

    /** The pipeline is closing: stop like {@link #cancel()}, but fail the stream so that nobody waits forever. */
    void abort(String reason) {
        abortReason = reason;
        cancel();
    }

    /** Called on cancellation (and on any termination): stops the loop and terminates an in-flight run. */
    void cancel() {
        synchronized (lock) {
            if (finished) {
                return;
            }
            cancelled = true;
            if (runOptions != null) {
                try {
                    runOptions.setTerminate(true);
                } catch (OrtException e) {
                    LOG.debugf("Could not terminate the in-flight run: %s", e.getMessage());
                }
            }
        }
    }

    @Override
    public void run() {
        try {
            pipeline.enter(this);
        } catch (DiffusionException e) {
            emitter.fail(e);
            return;
        }
        try {
            runRegistered();
        } finally {
            pipeline.exit(this);
            if (abortReason != null) {
                fail(new GenerationException(abortReason, null));
            }
        }
    }

    private void fail(Throwable failure) {
        if (!terminated) {
            terminated = true;
            emitter.fail(failure);
        }
    }

    private void complete() {
        if (!terminated) {
            terminated = true;
            emitter.complete();
        }
    }

    private void runRegistered() {
        long start = System.nanoTime();
        OrtSession.RunOptions options;
        try {
            options = new OrtSession.RunOptions();
        } catch (OrtException e) {
            fail(new GenerationException("Cannot create ONNX Runtime run options: " + e.getMessage(), e));
            return;
        }
        synchronized (lock) {
            runOptions = options;
            if (cancelled) {
                finished = true;
                options.close();
                return;
            }
        }
        try {
            GenerationResult result = loop(start, options);
            if (result != null && !cancelled) {
                emitter.emit(new GenerationEvent.Completed(result));
                complete();
            }
        } catch (OrtRunException e) {
            if (!cancelled) {
                fail(new GenerationException(e.getMessage(), e.getCause()));
            }
        } catch (IllegalArgumentException e) {
            fail(e);
        } catch (RuntimeException | Error e) {
            if (!cancelled) {
                fail(new GenerationException("Generation failed: " + e, e));
            }
        } finally {
            synchronized (lock) {
                finished = true;
                runOptions = null;
                options.close();
            }
        }
    }

    private GenerationResult loop(long start, OrtSession.RunOptions options) {
        DiffusionModel model = pipeline.model();
        GenerationRequest request = params.request();
        RunStats stats = new RunStats();
        int batch = request.batchSize();
        int scale = model.vaeDecoder().scaleFactor();
        int h = params.height() / scale;
        int w = params.width() / scale;
        int channels = model.unet().inChannels();
        int rowSize = channels * h * w;

        // A scheduler of its own per subscription (the Multi is cold and schedulers are stateful); setTimesteps
        // resets all of its state.
        Scheduler scheduler = params.takeScheduler(pipeline);
        scheduler.setTimesteps(params.steps());
        double[] timesteps = scheduler.timesteps();

        // 1. Text encoding
        long textStart = System.nanoTime();
        TextEncoder textEncoder = model.textEncoder();
        Tokenization prompt = model.tokenizer().encode(request.prompt());
        TextEncoder.Encoded cond = textEncoder.encode(fit(prompt.ids(), textEncoder.sequenceLength()), options, stats);
        TextEncoder.Encoded uncond = null;
        Tokenization negative = null;
        if (params.guided()) {
            negative = model.tokenizer().encode(request.negativePrompt());
            uncond = textEncoder.encode(fit(negative.ids(), textEncoder.sequenceLength()), options, stats);
        }
        long textNanos = System.nanoTime() - textStart;
        if (cancelled) {
            return null;
        }
        emitter.emit(new GenerationEvent.Started(params.seed(), params.steps(), params.width(), params.height(), batch,
                params.schedulerName(), pipeline.name(), params.guided(), prompt.droppedWords(),
                negative == null ? List.of() : negative.droppedWords()));

        // 2. Initial latents: unit noise × init_noise_sigma (diffusers prepare_latents)
        NoiseGenerator generator = request.noiseSource().newGenerator(params.seed());
        float[] latents = request.initialLatents() != null
                ? request.initialLatents().clone()
                : generator.randn(batch * rowSize);
        float sigma0 = (float) scheduler.initNoiseSigma();
        if (sigma0 != 1f) {
            for (int i = 0; i < latents.length; i++) {
                latents[i] *= sigma0;
            }
        }

        // 3. Denoising loop. Rows are [uncond × batch, cond × batch] as in diffusers; one UNet call covers all rows
        // unless the graph's batch axis is fixed, in which case the rows are split into calls of that size.
        int rows = params.guided() ? 2 * batch : batch;
        int fixed = model.unet().fixedBatch();
        int perCall = fixed > 0 ? fixed : rows;
        int calls = rows / perCall;
        long loopStart = System.nanoTime();
        List<Unet.Binding> bindings = new ArrayList<>(calls);
        float[] noisePred = new float[rows * rowSize];
        float[] guided = params.guided() ? new float[batch * rowSize] : noisePred;
        float[] x0 = null;
        try {
            for (int c = 0; c < calls; c++) {
                Unet.Binding binding = model.unet().bind(perCall, h, w, cond.sequence(), cond.hidden());
                bindings.add(binding);
                for (int r = 0; r < perCall; r++) {
                    int row = c * perCall + r;
                    boolean isUncond = params.guided() && row < batch;
                    binding.putHiddenStates(r, isUncond ? uncond.data() : cond.data());
                }
            }
            int previewEvery = params.previewInterval();
            for (int i = 0; i < timesteps.length; i++) {
                if (cancelled) {
                    return null;
                }
                long stepStart = System.nanoTime();
                double t = timesteps[i];
                float[] input = scheduler.scaleModelInput(latents, t);
                for (int c = 0; c < calls; c++) {
                    Unet.Binding binding = bindings.get(c);
                    for (int r = 0; r < perCall; r++) {
                        int row = c * perCall + r;
                        binding.putSample(r, input, (row % batch) * rowSize);
                    }
                    binding.setTimestep(t);
                    binding.run(options, stats);
                    for (int r = 0; r < perCall; r++) {
                        binding.getOutput(r, noisePred, (c * perCall + r) * rowSize);
                    }
                }
                if (params.guided()) {
                    applyGuidance(noisePred, guided, batch, rowSize, (float) params.guidance(),
                            request.guidanceRescale());
                }
                StepOutput out = scheduler.step(guided, t, latents, generator);
                latents = out.prevSample();
                x0 = out.predOriginalSample();
                long now = System.nanoTime();
                Preview preview = null;
                int index = i + 1;
                if (previewEvery > 0 && (index % previewEvery == 0 || index == timesteps.length)) {
                    // Snapshot the first image's latent (the arrays move on); render only if someone looks.
                    float[] snapshot = new float[rowSize];
                    System.arraycopy(x0 != null ? x0 : latents, 0, snapshot, 0, rowSize);
                    var previewer = pipeline.previewer();
                    preview = new Preview(w, h, () -> previewer.render(snapshot, 0, h, w));
                }
                LOG.debugf("step %d/%d t=%.1f %.1f ms", index, timesteps.length, t, (now - stepStart) / 1e6);
                emitter.emit(new GenerationEvent.Step(index, timesteps.length, t, scheduler.sigmaAt(i),
                        Duration.ofNanos(now - start), Duration.ofNanos(now - stepStart), preview));
            }
        } finally {
            RuntimeException closeFailure = null;
            for (Unet.Binding b : bindings) {
                try {
                    b.close();
                } catch (RuntimeException e) {
                    closeFailure = e;
                }
            }
            if (closeFailure != null && !cancelled) {
                LOG.warnf("Failed to release UNet tensors: %s", closeFailure.getMessage());
            }
        }
        long loopNanos = System.nanoTime() - loopStart;
        if (cancelled) {
            return null;
        }

        // 4. Decode: latents / scaling_factor → VAE decoder → images
        long decodeStart = System.nanoTime();
        float inv = (float) (1.0 / model.vaeDecoder().scalingFactor());
        float[] scaled = new float[latents.length];
        for (int i = 0; i < latents.length; i++) {
            scaled[i] = latents[i] * inv;
        }
        List<GeneratedImage> images = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            if (cancelled) {
                return null;
            }
            long[] shape = new long[4];
            float[] decoded = model.vaeDecoder().decode(scaled, b * rowSize, channels, h, w, shape, options, stats);
            BufferedImage image = Images.fromDecoderOutput(decoded, 0, (int) shape[3], (int) shape[2]);
            ImageMetadata meta = new ImageMetadata(request.prompt(), params.guided() ? request.negativePrompt() : "",
                    params.steps(), params.schedulerName(), params.guidance(), params.seed(), (int) shape[3], (int) shape[2],
                    pipeline.name(), b, request.noiseSource().name().toLowerCase(java.util.Locale.ROOT));
            images.add(new GeneratedImage(image, meta));
        }
        long end = System.nanoTime();
        Timings timings = new Timings(Duration.ofNanos(textNanos), Duration.ofNanos(loopNanos),
                Duration.ofNanos(end - decodeStart), Duration.ofNanos(end - start), Duration.ofNanos(stats.ortNanos()));
        return new GenerationResult(images, params.seed(), timings, stats.unetRuns());
    }

    /** Pads or cuts ids to the encoder's fixed sequence length (tokenizers pad to their own model_max_length). */
    private static int[] fit(int[] ids, int length) {
        if (ids.length == length) {
            return ids;
        }
        int[] out = new int[length];
        int n = Math.min(ids.length, length);
        System.arraycopy(ids, 0, out, 0, n);
        int pad = ids[ids.length - 1];
        for (int i = n; i < length; i++) {
            out[i] = pad;
        }
        return out;
    }

    /**
     * {@code uncond + s·(cond − uncond)}, then optionally diffusers' {@code rescale_noise_cfg} (Lin et al. 2023,
     * "Common Diffusion Noise Schedules and Sample Steps are Flawed", §3.4): rescale each image's guided prediction to
     * the standard deviation of its conditional prediction and blend by φ.
     */
    static void applyGuidance(float[] pred, float[] out, int batch, int rowSize, float scale, double rescale) {
        int condOffset = batch * rowSize;
        for (int i = 0; i < batch * rowSize; i++) {
            float u = pred[i];
            out[i] = u + scale * (pred[condOffset + i] - u);
        }
        if (rescale <= 0) {
            return;
        }
        for (int b = 0; b < batch; b++) {
            int off = b * rowSize;
            double stdText = std(pred, condOffset + off, rowSize);
            double stdCfg = std(out, off, rowSize);
            if (stdCfg == 0) {
                continue;
            }
            double factor = stdText / stdCfg;
            for (int i = 0; i < rowSize; i++) {
                double cfg = out[off + i];
                out[off + i] = (float) (rescale * cfg * factor + (1 - rescale) * cfg);
            }
        }
    }

    /** Unbiased standard deviation, as {@code torch.std} computes by default. */
    private static double std(float[] a, int off, int n) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += a[off + i];
        }
        mean /= n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double d = a[off + i] - mean;
            ss += d * d;
        }
        return Math.sqrt(ss / Math.max(1, n - 1));
    }
}
