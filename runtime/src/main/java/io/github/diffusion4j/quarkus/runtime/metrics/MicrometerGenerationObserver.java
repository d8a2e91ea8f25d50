package io.github.diffusion4j.quarkus.runtime.metrics;

import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.quarkus.runtime.GenerationObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * Records {@code diffusion4j.generation.duration}, {@code diffusion4j.step.duration} and
 * {@code diffusion4j.generation.failures}, tagged with the model name. Registered only when quarkus-micrometer is
 * present and {@code quarkus.diffusion4j.metrics.enabled} is true; replaces the no-op default bean.
 */
@Singleton
public class MicrometerGenerationObserver implements GenerationObserver {

    public static final String GENERATION_DURATION = "diffusion4j.generation.duration";
    public static final String STEP_DURATION = "diffusion4j.step.duration";
    public static final String FAILURES = "diffusion4j.generation.failures";

    @Inject
    MeterRegistry registry;

    @Override
    public Multi<GenerationEvent> observe(String model, Multi<GenerationEvent> events) {
        Timer generation = Timer.builder(GENERATION_DURATION).description("Time of a whole generation, queue excluded")
                .tag("model", model).register(registry);
        Timer step = Timer.builder(STEP_DURATION).description("Time of one denoising step")
                .tag("model", model).register(registry);
        Counter failures = Counter.builder(FAILURES).description("Generations that failed (cancellations excluded)")
                .tag("model", model).register(registry);
        return events
                .onItem().invoke(event -> {
                    if (event instanceof GenerationEvent.Step s && s.stepDuration() != null) {
                        step.record(s.stepDuration());
                    } else if (event instanceof GenerationEvent.Completed c) {
                        Duration total = c.result().timings().total();
                        generation.record(total);
                    }
                })
                .onFailure().invoke(failure -> failures.increment());
    }
}
