package io.github.diffusion4j.family;

import io.github.diffusion4j.model.ModelFolder;
import io.github.diffusion4j.model.SessionFactory;

import java.util.Map;
import java.util.Set;

/**
 * Stable Diffusion 1.x and 2.x (also SD-Turbo and LCM-LoRA-merged exports, which are SD UNets with another
 * scheduler): diffusers' {@code StableDiffusionPipeline} (pipelines/stable_diffusion/pipeline_stable_diffusion.py)
 * and the legacy {@code OnnxStableDiffusionPipeline}. One CLIP encoder, its last hidden state.
 */
class StableDiffusionFamily extends UnetFamily {

    private static final Set<String> INPUTS = Set.of(HIDDEN_STATES, TIMESTEP_COND);

    @Override
    public String id() {
        return "sd";
    }

    @Override
    public String displayName() {
        return "Stable Diffusion 1.x/2.x";
    }

    @Override
    public boolean matches(FamilyProbe probe) {
        boolean classOk = probe.pipelineClass().map(c -> c.startsWith("StableDiffusion") && !c.startsWith("StableDiffusionXL")
                && !c.startsWith("StableDiffusion3")).orElse(true);
        return classOk && probe.hasInput(HIDDEN_STATES) && INPUTS.containsAll(probe.inputs());
    }

    @Override
    public FamilyDefaults defaults() {
        return new FamilyDefaults(50, 7.5); // StableDiffusionPipeline.__call__ defaults
    }

    @Override
    public Conditioner openConditioner(ModelFolder folder, SessionFactory sessions) {
        return ClipConditioner.single(folder, sessions);
    }

    @Override
    void addConditioning(Map<String, Row> out, TextEmbeddings text, RowContext row) {
        // SD UNets take nothing else
    }
}
