package io.github.diffusion4j.family;

import io.github.diffusion4j.model.Denoiser;
import io.github.diffusion4j.model.ModelFolder;
import io.github.diffusion4j.model.SessionFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stable Diffusion 3 / 3.5: diffusers' {@code StableDiffusion3Pipeline}
 * (pipelines/stable_diffusion_3/pipeline_stable_diffusion_3.py). An MMDiT over 16-channel latents
 * ({@code hidden_states} [B, 16, h, w]), CLIP-L + CLIP-G + T5 prompts (T5 optional), classifier-free guidance, the raw
 * flow-matching timestep ({@code t.expand(B)}), decoding with the VAE's scaling and shift factors.
 */
final class StableDiffusion3Family extends TransformerFamily {

    @Override
    public String id() {
        return "sd3";
    }

    @Override
    public String displayName() {
        return "Stable Diffusion 3";
    }

    @Override
    public boolean matches(FamilyProbe probe) {
        boolean inputs = probe.hasInput(HIDDEN_STATES) && probe.hasInput(POOLED) && !probe.denoiser().packed();
        return inputs && probe.pipelineClass().map(c -> c.startsWith("StableDiffusion3")).orElse(true);
    }

    @Override
    public FamilyDefaults defaults() {
        return new FamilyDefaults(28, 7.0); // StableDiffusion3Pipeline.__call__ defaults
    }

    @Override
    public Conditioner openConditioner(ModelFolder folder, SessionFactory sessions) {
        return ClipT5Conditioner.sd3(folder, sessions);
    }

    @Override
    public Map<String, Row> conditioning(TextEmbeddings text, RowContext row) {
        Map<String, Row> out = new LinkedHashMap<>();
        out.put(HIDDEN_STATES, new Row(text.sequence(), new long[] {text.tokens(), text.width()}));
        out.put(POOLED, pooledRow(text, row.denoiser().file()));
        return out;
    }

    @Override
    public GuidanceMode guidanceMode(double guidanceScale, Denoiser denoiser) {
        return guidanceScale > 1.0 ? GuidanceMode.CLASSIFIER_FREE : GuidanceMode.NONE;
    }
}
