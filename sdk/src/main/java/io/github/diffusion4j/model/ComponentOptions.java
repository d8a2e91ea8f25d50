package io.github.diffusion4j.model;

import java.util.List;
import java.util.Map;

/**
 * How one component of a model folder ({@code text_encoder_2/}, {@code transformer/}, ...) runs: on its own execution
 * provider, and whether its session is held only while its stage runs. Real FLUX.1 is a 12 B-parameter transformer
 * beside a 4.7 B-parameter T5-XXL: the T5 can run on the CPU and give its memory back after each prompt while the
 * transformer stays on the GPU.
 *
 * @param provider       the component's execution provider; {@code null} = the model's
 * @param unloadAfterUse open the session before its stage and close it right after (it is opened once at load to
 *                       check its contract, then released); {@code false} = held from load to close
 */
public record ComponentOptions(ExecutionProvider provider, boolean unloadAfterUse) {

    /** The model's provider, held for the model's life. */
    public static final ComponentOptions DEFAULT = new ComponentOptions(null, false);

    /** The text encoders, in the order diffusers' {@code encode_prompt} runs them. */
    public static final List<String> TEXT_ENCODERS = List.of("text_encoder", "text_encoder_2", "text_encoder_3");
    /** The denoisers: a UNet or a diffusion transformer. */
    public static final List<String> DENOISERS = List.of("unet", "transformer");
    public static final String VAE_ENCODER = "vae_encoder";
    public static final String VAE_DECODER = "vae_decoder";
    /** Every component name options may be given for. */
    public static final List<String> NAMES = List.of("text_encoder", "text_encoder_2", "text_encoder_3", "unet",
            "transformer", VAE_ENCODER, VAE_DECODER);

    /**
     * @throws IllegalArgumentException naming the first unknown component and the known ones
     */
    public static void checkNames(Map<String, ComponentOptions> options) {
        for (String name : options.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("components: unknown component '" + name + "'; components are "
                        + NAMES);
            }
        }
    }
}
