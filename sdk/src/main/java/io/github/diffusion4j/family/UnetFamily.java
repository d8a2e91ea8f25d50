package io.github.diffusion4j.family;

import io.github.diffusion4j.model.Denoiser;
import io.github.diffusion4j.model.TensorSpec;
import io.github.diffusion4j.model.VaeDecoder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the UNet families share, as diffusers' UNet pipelines do: the text embeddings go to
 * {@code encoder_hidden_states}; a UNet with {@code timestep_cond} (config {@code time_cond_proj_dim}) embeds the
 * guidance scale instead of running classifier-free guidance ({@code do_classifier_free_guidance} is
 * {@code guidance_scale > 1 and unet.config.time_cond_proj_dim is None} in pipeline_stable_diffusion.py and
 * pipeline_stable_diffusion_xl.py).
 */
abstract class UnetFamily implements ModelFamily {

    static final String HIDDEN_STATES = "encoder_hidden_states";
    static final String TIMESTEP_COND = "timestep_cond";
    /** SD 1.x/2.x and SDXL UNets have four blocks: three down-samplings of the latent. */
    private static final int DEFAULT_DOWNSAMPLING = 8;

    @Override
    public Map<String, Row> conditioning(TextEmbeddings text, RowContext row) {
        Map<String, Row> out = new LinkedHashMap<>();
        out.put(HIDDEN_STATES, new Row(text.sequence(), new long[] {text.tokens(), text.width()}));
        TensorSpec cond = row.denoiser().conditioningSpecs().get(TIMESTEP_COND);
        if (cond != null) {
            int dim = timeCondDim(row.denoiser(), cond);
            out.put(TIMESTEP_COND, new Row(GuidanceEmbedding.of(row.guidanceScale(), dim), new long[] {dim}));
        }
        addConditioning(out, text, row);
        return out;
    }

    /** Family-specific conditioning inputs besides the hidden states and the guidance embedding. */
    abstract void addConditioning(Map<String, Row> out, TextEmbeddings text, RowContext row);

    private static int timeCondDim(Denoiser denoiser, TensorSpec cond) {
        Integer configured = denoiser.configInt("time_cond_proj_dim");
        if (configured != null) {
            return configured;
        }
        if (!cond.isDynamic(1)) {
            return (int) cond.shape()[1];
        }
        return 256; // LCM's value (SimianLuo/LCM_Dreamshaper_v7 unet/config.json)
    }

    @Override
    public GuidanceMode guidanceMode(double guidanceScale, Denoiser denoiser) {
        if (denoiser.conditioningSpecs().containsKey(TIMESTEP_COND)) {
            return GuidanceMode.EMBEDDED;
        }
        return guidanceScale > 1.0 ? GuidanceMode.CLASSIFIER_FREE : GuidanceMode.NONE;
    }

    @Override
    public int sizeMultiple(Denoiser denoiser, VaeDecoder decoder) {
        int downsampling = DEFAULT_DOWNSAMPLING;
        var config = denoiser.config();
        if (config != null && config.has("block_out_channels") && config.get("block_out_channels").isArray()
                && config.get("block_out_channels").size() > 0) {
            downsampling = 1 << (config.get("block_out_channels").size() - 1);
        }
        return decoder.scaleFactor() * downsampling;
    }
}
