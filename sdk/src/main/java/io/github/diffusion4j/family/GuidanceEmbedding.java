package io.github.diffusion4j.family;

/**
 * The guidance-scale embedding of guidance-distilled UNets (LCM's {@code timestep_cond}): diffusers'
 * {@code get_guidance_scale_embedding} (pipelines/latent_consistency_models/pipeline_latent_consistency_text2img.py,
 * also in pipeline_stable_diffusion.py and pipeline_stable_diffusion_xl.py), after VDM (Kingma et al.) — sinusoidal
 * features of {@code w · 1000} with {@code w = guidance_scale − 1}, computed in float32 as torch does.
 */
public final class GuidanceEmbedding {

    private GuidanceEmbedding() {
    }

    /** {@code [sin(w·1000·f_k) for k < d/2] ‖ [cos(...)]} (‖ 0 for odd d), {@code f_k = exp(−k·ln(10000)/(d/2 − 1))}. */
    public static float[] of(double guidanceScale, int dim) {
        if (dim < 4) {
            throw new IllegalArgumentException("time_cond_proj_dim must be at least 4, got " + dim);
        }
        float w = (float) (guidanceScale - 1.0) * 1000.0f;
        int half = dim / 2;
        // torch.log(torch.tensor(10000.0)) / (half_dim - 1), in float32
        float step = (float) Math.log(10000.0f) / (half - 1);
        float[] out = new float[dim];
        for (int k = 0; k < half; k++) {
            float freq = (float) Math.exp(k * -step);
            float arg = w * freq;
            out[k] = (float) Math.sin(arg);
            out[half + k] = (float) Math.cos(arg);
        }
        return out;
    }
}
