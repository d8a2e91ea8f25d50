package io.github.diffusion4j.family;

/**
 * Latent Consistency Models distilled from SD 1.x/2.x: diffusers' {@code LatentConsistencyModelPipeline}
 * (pipelines/latent_consistency_models/pipeline_latent_consistency_text2img.py). The UNet takes the guidance scale
 * as a {@code timestep_cond} embedding (no classifier-free batch); the LCM scheduler. Defaults 4 steps, guidance
 * 8.5 (the pipeline's {@code __call__} defaults).
 */
final class LatentConsistencyFamily extends StableDiffusionFamily {

    @Override
    public String id() {
        return "lcm";
    }

    @Override
    public String displayName() {
        return "Latent Consistency Model (SD)";
    }

    @Override
    public boolean matches(FamilyProbe probe) {
        boolean lcmClass = probe.classStartsWith("LatentConsistencyModel");
        boolean sdShaped = probe.hasInput(HIDDEN_STATES) && probe.inputs().size() <= 2;
        return sdShaped && (lcmClass || (probe.hasInput(TIMESTEP_COND)
                && probe.pipelineClass().map(c -> c.startsWith("StableDiffusion") && !c.startsWith("StableDiffusionXL"))
                .orElse(true)));
    }

    @Override
    public FamilyDefaults defaults() {
        return new FamilyDefaults(4, 8.5);
    }
}
