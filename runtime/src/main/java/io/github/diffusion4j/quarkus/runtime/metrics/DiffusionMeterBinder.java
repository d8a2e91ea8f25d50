package io.github.diffusion4j.quarkus.runtime.metrics;

import io.github.diffusion4j.quarkus.runtime.GenerationStats;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Gauges {@code diffusion4j.queue.depth} and {@code diffusion4j.jobs.active}, read from the {@link GenerationStats}
 * bean (the queue's, or zeros without one). Quarkus Micrometer binds every {@link MeterBinder} bean at start-up.
 */
@Singleton
public class DiffusionMeterBinder implements MeterBinder {

    public static final String QUEUE_DEPTH = "diffusion4j.queue.depth";
    public static final String ACTIVE_JOBS = "diffusion4j.jobs.active";

    @Inject
    GenerationStats stats;

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(QUEUE_DEPTH, stats, GenerationStats::queueDepth)
                .description("Generations waiting in the queue").register(registry);
        Gauge.builder(ACTIVE_JOBS, stats, GenerationStats::activeJobs)
                .description("Generations running now").register(registry);
    }
}
