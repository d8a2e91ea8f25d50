package io.github.diffusion4j.quarkus.runtime;

import io.quarkus.arc.DefaultBean;
import jakarta.inject.Singleton;

/** Zeros, until a queue (the REST module's) provides a {@link GenerationStats} bean. */
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
