package io.github.diffusion4j.quarkus.runtime.langchain4j;

import io.github.diffusion4j.quarkus.runtime.DiffusionModels;
import io.quarkus.arc.SyntheticCreationalContext;
import io.quarkus.runtime.annotations.Recorder;

import java.util.function.Function;

/**
 * Creates the langchain4j {@code ImageModel} beans ({@link DiffusionImageModel}). A recorder of its own so that nothing outside this package names
 * a langchain4j type: the build step calls it only when langchain4j-core is on the class path.
 */
@Recorder
public class ImageModelRecorder {

    /**
     * The image model of model {@code name}, over the pipeline the {@link DiffusionModels} bean owns. Typed
     * {@code Object} so that the deployment module, which does not depend on langchain4j, compiles against it.
     */
    public Function<SyntheticCreationalContext<Object>, Object> imageModel(String name) {
        return context -> new DiffusionImageModel(name, context.getInjectedReference(DiffusionModels.class).get(name)
                .orElseThrow(() -> new IllegalStateException("Model '" + name + "' is not loaded")));
    }
}
