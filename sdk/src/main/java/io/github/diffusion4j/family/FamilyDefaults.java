package io.github.diffusion4j.family;

/**
 * What a family's diffusers pipeline uses when the caller gives nothing: the {@code num_inference_steps} and
 * {@code guidance_scale} defaults of its {@code __call__}.
 */
public record FamilyDefaults(int steps, double guidanceScale) {
}
