package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.model.ExecutionProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The tiny random-weight models made by {@code tools/make_tiny_models.py}. */
public final class TestModels {

    private TestModels() {
    }

    public static Path root() {
        String configured = System.getProperty("diffusion4j.testModels");
        Path root = configured != null ? Paths.get(configured) : Paths.get("../tools/models");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("Test models not found at " + root.toAbsolutePath()
                    + "; run /usr/bin/python3 tools/make_tiny_models.py");
        }
        return root;
    }

    public static Path model(String name) {
        return root().resolve(name);
    }

    /**
     * A CPU pipeline over one tiny model, one intra-op thread (tests run side by side on small machines), returned
     * once its background previewer fit is done: tests that count tensors in use start from a settled pipeline.
     */
    public static DiffusionPipeline pipeline(String name) {
        return settled(DiffusionPipeline.builder(model(name)).provider(ExecutionProvider.CPU).cpuThreads(1).build());
    }

    /** {@code pipeline} once the previewer fit it started at build (on a background thread) has finished. */
    public static DiffusionPipeline settled(DiffusionPipeline pipeline) {
        pipeline.previewer();
        return pipeline;
    }
}
