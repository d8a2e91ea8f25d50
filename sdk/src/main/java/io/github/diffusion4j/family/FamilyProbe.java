package io.github.diffusion4j.family;

import io.github.diffusion4j.model.Denoiser;
import io.github.diffusion4j.model.ModelFolder;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What family recognition looks at: the folder ({@code model_index.json} {@code _class_name}, the components
 * present) and the denoiser graph's inputs — exports without a model_index (legacy, hand-made) are recognised from
 * the graph alone.
 */
public record FamilyProbe(ModelFolder folder, Denoiser denoiser) {

    /** {@code _class_name} without the {@code ORT}/{@code Onnx} prefixes of optimum and legacy exports. */
    public Optional<String> pipelineClass() {
        return folder.pipelineClass().map(FamilyProbe::baseClassName);
    }

    /** Whether the denoiser graph has an input called {@code name}. */
    public boolean hasInput(String name) {
        return denoiser.conditioningSpecs().containsKey(name);
    }

    /** The denoiser's conditioning input names. */
    public Set<String> inputs() {
        return denoiser.conditioningSpecs().keySet();
    }

    /** Whether {@code pipelineClass()} starts with {@code prefix} (case-insensitive). */
    public boolean classStartsWith(String prefix) {
        return pipelineClass().map(c -> c.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT)))
                .orElse(false);
    }

    static String baseClassName(String cls) {
        if (cls.startsWith("ORT")) {
            return cls.substring(3);
        }
        if (cls.startsWith("Onnx")) {
            return cls.substring(4);
        }
        return cls;
    }
}
