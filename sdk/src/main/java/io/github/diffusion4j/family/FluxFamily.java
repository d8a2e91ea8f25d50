package io.github.diffusion4j.family;

import io.github.diffusion4j.model.Denoiser;
import io.github.diffusion4j.model.ModelFolder;
import io.github.diffusion4j.model.SessionFactory;
import io.github.diffusion4j.scheduler.FlowMatchEulerDiscreteScheduler;
import io.github.diffusion4j.scheduler.SchedulerConfig;
import io.github.diffusion4j.scheduler.TimestepPlan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * FLUX.1 schnell and dev: diffusers' {@code FluxPipeline} (pipelines/flux/pipeline_flux.py).
 * <ul>
 *   <li>latents drawn unpacked [B, 16, h, w] and packed in 2×2 patches for the transformer ({@code _pack_latents});
 *   the loop keeps them unpacked and the denoiser binding packs and unpacks ({@code LatentPacking});</li>
 *   <li>{@code img_ids} = (0, row, col) per packed token ({@code _prepare_latent_image_ids}), {@code txt_ids} zeros;</li>
 *   <li>timestep fed as {@code t / 1000}; dev (a {@code guidance} input) embeds the guidance scale, schnell has none;
 *   no classifier-free batch;</li>
 *   <li>sigmas {@code linspace(1, 1/n, n)} and {@code mu = calculate_shift(image_seq_len, ...)} from the scheduler
 *   config (dynamic shifting for dev, a static shift for schnell).</li>
 * </ul>
 */
final class FluxFamily extends TransformerFamily {

    static final String GUIDANCE = "guidance";
    static final String IMG_IDS = "img_ids";
    static final String TXT_IDS = "txt_ids";

    @Override
    public String id() {
        return "flux";
    }

    @Override
    public String displayName() {
        return "FLUX.1";
    }

    @Override
    public boolean matches(FamilyProbe probe) {
        boolean inputs = probe.hasInput(HIDDEN_STATES) && probe.hasInput(POOLED) && probe.hasInput(IMG_IDS);
        return inputs && probe.pipelineClass().map(c -> c.startsWith("Flux")).orElse(true);
    }

    @Override
    public FamilyDefaults defaults() {
        return new FamilyDefaults(28, 3.5); // FluxPipeline.__call__ defaults (dev)
    }

    @Override
    public FamilyDefaults defaults(Denoiser denoiser) {
        // schnell (no guidance embedding): 4 steps, guidance unused — black-forest-labs/FLUX.1-schnell's model card
        return denoiser.conditioningSpecs().containsKey(GUIDANCE) ? defaults() : new FamilyDefaults(4, 0.0);
    }

    @Override
    public int defaultMaxSequenceLength() {
        return 512;
    }

    @Override
    public Conditioner openConditioner(ModelFolder folder, SessionFactory sessions) {
        return ClipT5Conditioner.flux(folder, sessions);
    }

    @Override
    public Map<String, Row> conditioning(TextEmbeddings text, RowContext row) {
        Map<String, Row> out = new LinkedHashMap<>();
        out.put(HIDDEN_STATES, new Row(text.sequence(), new long[] {text.tokens(), text.width()}));
        out.put(POOLED, pooledRow(text, row.denoiser().file()));
        out.put(TXT_IDS, new Row(new float[text.tokens() * 3], new long[] {text.tokens(), 3}));
        out.put(IMG_IDS, imageIds(row.latentHeight() / 2, row.latentWidth() / 2));
        if (row.denoiser().conditioningSpecs().containsKey(GUIDANCE)) {
            out.put(GUIDANCE, new Row(new float[] {(float) row.guidanceScale()}, new long[0]));
        }
        return out;
    }

    /** {@code _prepare_latent_image_ids}: token (y, x) of the packed h × w grid → (0, y, x). */
    private static Row imageIds(int h, int w) {
        float[] ids = new float[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                ids[i + 1] = y;
                ids[i + 2] = x;
            }
        }
        return new Row(ids, new long[] {(long) h * w, 3});
    }

    @Override
    public GuidanceMode guidanceMode(double guidanceScale, Denoiser denoiser) {
        return denoiser.conditioningSpecs().containsKey(GUIDANCE) ? GuidanceMode.EMBEDDED : GuidanceMode.NONE;
    }

    @Override
    public TimestepPlan timestepPlan(int steps, int latentHeight, int latentWidth, SchedulerConfig config) {
        double[] sigmas = new double[steps];
        for (int i = 0; i < steps; i++) {
            // np.linspace(1.0, 1 / num_inference_steps, num_inference_steps)
            sigmas[i] = steps == 1 ? 1.0 : 1.0 + i * ((1.0 / steps - 1.0) / (steps - 1));
        }
        int imageSeqLen = (latentHeight / 2) * (latentWidth / 2);
        double mu = new FlowMatchEulerDiscreteScheduler(config).calculateShift(imageSeqLen);
        return TimestepPlan.ofSigmas(sigmas).withMu(mu);
    }

    @Override
    public double denoiserTimestep(double t) {
        return t / 1000.0;
    }
}
