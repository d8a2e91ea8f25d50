package io.github.diffusion4j.quarkus.redis;

import io.github.diffusion4j.pipeline.GeneratedImage;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.github.diffusion4j.pipeline.ImageMetadata;
import io.github.diffusion4j.pipeline.Timings;
import io.github.diffusion4j.quarkus.redis.test.RedisServer;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobEvent;
import io.github.diffusion4j.quarkus.runtime.queue.MemoryGenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.ModelDescriptor;
import io.github.diffusion4j.quarkus.runtime.queue.QueueSettings;
import io.github.diffusion4j.quarkus.runtime.queue.StepEvent;
import io.github.diffusion4j.quarkus.runtime.queue.SubmitOptions;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The queue's own cost per job, Redis backend vs memory, with a stub model that does no work (started, 4 steps,
 * completed with an 8x8 image): every millisecond measured is queue overhead. Prints, asserts nothing about time.
 * A benchmark, not a test: runs only when asked,
 * <pre>
 * ./mvnw -B -pl extension/redis/deployment -am test -Dtest=QueueBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Ddiffusion4j.benchmark=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "diffusion4j.benchmark", matches = "true", disabledReason = "a benchmark: -Ddiffusion4j.benchmark=true")
class QueueBenchmark {

    static final int STEPS = 4;
    static final int LATENCY_JOBS = 300;
    static final int THROUGHPUT_JOBS = 3000;
    static final int WORKER_SLOTS = 16;
    static final int CLIENT_THREADS = 16;

    @Test
    void queueOverheadPerJobAndJobsPerSecond() throws Exception {
        QueueSettings settings = new QueueSettings(100_000, WORKER_SLOTS, Duration.ofMinutes(5), 64, 100_000, 512L << 20);
        MemoryGenerationQueue memory = new MemoryGenerationQueue(settings);
        report("memory", (model, options) -> memory.submit(model, "cpu", GenerationRequest.builder("x").build(),
                stubGeneration(), options));
        memory.close();

        try (RedisServer server = RedisServer.start()) {
            Vertx vertx = Vertx.vertx();
            Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url())
                    .setMaxPoolSize(32).setMaxPoolWaiting(10_000));
            RedisGenerationQueue redis = new RedisGenerationQueue(new RedisCommands(client, Duration.ofSeconds(30)),
                    new RedisKeys("{bench}"), settings, config(), stubModels(), null, true);
            report("redis", (model, options) -> redis.submit(model, GenerationRequest.builder("x").build(), options));
            Job kept = redis.submit("stub", GenerationRequest.builder("x").build(), SubmitOptions.DEFAULT.withClient("size"));
            kept.whenFinished().await().atMost(Duration.ofSeconds(30));
            RedisKeys keys = new RedisKeys("{bench}");
            System.out.printf("QUEUE-BENCHMARK redis bytes of one finished %d-step job without previews: job hash %s, "
                            + "events %s, result (8x8 PNG) %s%n", STEPS,
                    server.value("MEMORY USAGE " + keys.job(kept.id())), server.value("MEMORY USAGE " + keys.events(kept.id())),
                    server.value("MEMORY USAGE " + keys.result(kept.id())));
            redis.close();
            client.close();
            vertx.closeAndAwait();
        }
    }

    private static void report(String backend, BiFunction<String, SubmitOptions, Job> submit) throws Exception {
        // warm-up, then one job at a time: submit -> first step event, and the whole round trip
        latencies(submit, 100);
        long[][] l = latencies(submit, LATENCY_JOBS);
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < CLIENT_THREADS; t++) {
            String client = "client-" + t;
            futures.add(pool.submit(() -> {
                List<Job> jobs = new ArrayList<>();
                for (int i = 0; i < THROUGHPUT_JOBS / CLIENT_THREADS; i++) {
                    jobs.add(submit.apply("stub", new SubmitOptions(client, false)));
                    if (jobs.size() >= 64) {
                        jobs.remove(0).whenFinished().await().atMost(Duration.ofSeconds(60));
                    }
                }
                jobs.forEach(j -> j.whenFinished().await().atMost(Duration.ofSeconds(60)));
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdownNow();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("QUEUE-BENCHMARK %-6s submit->first step: median %.2f ms, p95 %.2f ms | submit->completed at "
                        + "client: median %.2f ms, p95 %.2f ms | %d jobs from %d clients: %.0f jobs/s%n", backend,
                median(l[0]), p95(l[0]), median(l[1]), p95(l[1]), THROUGHPUT_JOBS, CLIENT_THREADS,
                THROUGHPUT_JOBS / seconds);
    }

    private static long[][] latencies(BiFunction<String, SubmitOptions, Job> submit, int n) {
        long[] firstStep = new long[n];
        long[] total = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Job job = submit.apply("stub", SubmitOptions.DEFAULT.withClient("latency"));
            long[] first = {0};
            List<JobEvent> events = job.events(0).onItem().invoke(e -> {
                if (first[0] == 0 && e.data() instanceof StepEvent) {
                    first[0] = System.nanoTime();
                }
            }).collect().asList().await().atMost(Duration.ofSeconds(30));
            long t1 = System.nanoTime();
            if (events.isEmpty() || !events.get(events.size() - 1).isTerminal()) {
                throw new IllegalStateException("job " + job.id() + " did not end: " + events);
            }
            firstStep[i] = first[0] - t0;
            total[i] = t1 - t0;
        }
        return new long[][] {firstStep, total};
    }

    private static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }

    private static double p95(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[(int) (s.length * 0.95)] / 1e6;
    }

    /** Started, STEPS steps, completed with an 8x8 image, on a worker thread, as the SDK emits off the caller. */
    static Multi<GenerationEvent> stubGeneration() {
        return Multi.createFrom().<GenerationEvent>emitter(e -> {
            e.emit(new GenerationEvent.Started(1, STEPS, 8, 8, 1, "euler", "stub", false, List.of(), List.of()));
            for (int i = 1; i <= STEPS; i++) {
                e.emit(new GenerationEvent.Step(i, STEPS, 1000 - i, OptionalDouble.empty(), Duration.ZERO,
                        Duration.ZERO, null));
            }
            ImageMetadata m = new ImageMetadata("x", "", STEPS, "euler", 1, 1, 8, 8, "stub", 0, "torch");
            GeneratedImage image = new GeneratedImage(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), m);
            e.emit(new GenerationEvent.Completed(new GenerationResult(List.of(image), 1,
                    new Timings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO), STEPS)));
            e.complete();
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static LocalModels stubModels() {
        ModelDescriptor d = new ModelDescriptor("stub", "stub", "fp32", "cpu", "Stub", 0, "euler", STEPS, 1, 8, 8, 8,
                64, 64, 10, 1, 100, List.of("euler"));
        return new LocalModels() {
            @Override
            public Set<String> names() {
                return Set.of("stub");
            }

            @Override
            public String defaultName() {
                return "stub";
            }

            @Override
            public Optional<ModelDescriptor> describe(String model) {
                return Optional.of(d);
            }

            @Override
            public Multi<GenerationEvent> generate(String model, GenerationRequest request) {
                return stubGeneration();
            }
        };
    }

    private static RedisQueueConfig config() {
        return new RedisQueueConfig() {
            @Override
            public String keyPrefix() {
                return "{bench}";
            }

            @Override
            public Duration heartbeatInterval() {
                return Duration.ofSeconds(2);
            }

            @Override
            public Duration reclaimAfter() {
                return Duration.ofSeconds(30);
            }

            @Override
            public int maxAttempts() {
                return 3;
            }

            @Override
            public Duration pollInterval() {
                return Duration.ofMillis(200);
            }

            @Override
            public int livePositions() {
                return 32;
            }

            @Override
            public Duration commandTimeout() {
                return Duration.ofSeconds(30);
            }
        };
    }
}
