package io.github.diffusion4j.quarkus.runtime;

import io.quarkus.arc.DefaultBean;
import jakarta.inject.Singleton;

/** Zeros, until the generation queue (GenerationQueues) provides a {@link GenerationStats} bean. */
@DefaultBean
@Singleton
public class NoopGenerationStats implements GenerationStats {

    @Override
    public int queueDepth() {
        return 0;
    }

    @Override
    public int activeJobs() {
        return 0;
    }
}
