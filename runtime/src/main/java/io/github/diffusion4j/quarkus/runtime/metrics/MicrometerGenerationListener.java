package io.github.diffusion4j.quarkus.runtime.metrics;

import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Locale;

/**
 * Meters of every generation of every model, fed by the pipelines' listener (REST queue jobs, injected pipelines and
 * the langchain4j {@code ImageModel} alike): {@code diffusion4j.generation.duration} (tags {@code model},
 * {@code family}, {@code task}, {@code outcome} = completed / failed / cancelled), {@code diffusion4j.step.duration}
 * ({@code model}), {@code diffusion4j.generation.steps} (steps done, {@code model}) and
 * {@code diffusion4j.generation.failures} ({@code model}). Registered only when quarkus-micrometer is present and
 * {@code quarkus.diffusion4j.metrics.enabled} is true.
 */
@Singleton
public class MicrometerGenerationListener implements GenerationListener {

    public static final String GENERATION_DURATION = "diffusion4j.generation.duration";
    public static final String STEP_DURATION = "diffusion4j.step.duration";
    public static final String STEPS = "diffusion4j.generation.steps";
    public static final String FAILURES = "diffusion4j.generation.failures";

    @Inject
    MeterRegistry registry;

    @Override
    public void onEvent(Generation generation, GenerationEvent event) {
        if (event instanceof GenerationEvent.Step step && step.stepDuration() != null) {
            Timer.builder(STEP_DURATION).description("Time of one denoising step")
                    .tag("model", generation.model()).register(registry).record(step.stepDuration());
        }
    }

    @Override
    public void onEnd(Generation generation, Outcome outcome, Duration duration, int steps, Throwable failure) {
        Timer.builder(GENERATION_DURATION).description("Time of a whole generation, queue excluded")
                .tag("model", generation.model())
                .tag("family", String.valueOf(generation.family()))
                .tag("task", String.valueOf(generation.task()))
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry).record(duration);
        Counter.builder(STEPS).description("Denoising steps done")
                .tag("model", generation.model()).register(registry).increment(steps);
        // registered at the first end, failed or not: a dashboard sees 0 rather than no series
        Counter failures = Counter.builder(FAILURES).description("Generations that failed (cancellations excluded)")
                .tag("model", generation.model()).register(registry);
        if (outcome == Outcome.FAILED) {
            failures.increment();
        }
    }
}
