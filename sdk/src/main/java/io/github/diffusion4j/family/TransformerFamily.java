package io.github.diffusion4j.family;

import io.github.diffusion4j.model.Denoiser;
import io.github.diffusion4j.model.VaeDecoder;

/**
 * What the diffusion-transformer families (SD3, FLUX.1) share: flow matching, T5 prompts, a size multiple of the
 * VAE's scale times the transformer's patch size (2: diffusers' {@code vae_scale_factor * 2}).
 */
abstract class TransformerFamily implements ModelFamily {

    static final String HIDDEN_STATES = "encoder_hidden_states";
    static final String POOLED = "pooled_projections";

    @Override
    public boolean flowMatching() {
        return true;
    }

    @Override
    public boolean usesT5() {
        return true;
    }

    @Override
    public int sizeMultiple(Denoiser denoiser, VaeDecoder decoder) {
        Integer patch = denoiser.configInt("patch_size");
        return decoder.scaleFactor() * (patch != null && patch > 1 ? patch : 2);
    }

    static ModelFamily.Row pooledRow(TextEmbeddings text, String file) {
        if (text.pooled() == null) {
            throw new io.github.diffusion4j.model.ModelContractException("the CLIP encoders gave no pooled embeddings,"
                    + " which " + file + " needs as pooled_projections");
        }
        return new ModelFamily.Row(text.pooled(), new long[] {text.pooled().length});
    }
}
