package io.github.diffusion4j.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.github.diffusion4j.pipeline.TestModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class OptimizedModelCacheTest {

    /** A UNet whose weights are in {@code model.onnx_data} beside the graph. */
    private static final Path UNET = TestModels.model("external-weights").resolve("unet").resolve("model.onnx");
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @TempDir
    Path dir;

    /** The build's own setting (the test models' cache in target/), put back after each test. */
    private final String configured = System.getProperty(OptimizedModelCache.PROPERTY);

    @AfterEach
    void restore() {
        if (configured == null) {
            System.clearProperty(OptimizedModelCache.PROPERTY);
        } else {
            System.setProperty(OptimizedModelCache.PROPERTY, configured);
        }
    }

    @Test
    void theSecondOpenLoadsTheCachedGraphWithOptimisationOffAndComputesTheSame() throws Exception {
        OptimizedModelCache cache = new OptimizedModelCache(dir, "test");
        List<OptLevel> levels = Collections.synchronizedList(new ArrayList<>());
        float[] first;
        try (OrtSession s = cache.open(ENV, UNET, recording(levels))) {
            first = run(s);
        }
        assertThat(levels).containsExactly(OptLevel.ALL_OPT);
        List<Path> entries = entries();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).resolve("model.onnx")).isRegularFile();
        assertThat(entries.get(0).resolve("model.onnx.data")).as("weights kept outside the graph").isRegularFile();

        float[] second;
        try (OrtSession s = cache.open(ENV, UNET, recording(levels))) {
            second = run(s);
        }
        assertThat(levels).as("no second optimisation").containsExactly(OptLevel.ALL_OPT, OptLevel.NO_OPT);
        assertThat(second).containsExactly(first);
    }

    @Test
    void aChangedWeightsFileOrAnotherContextIsAnotherEntry() throws Exception {
        Path copy = dir.resolve("model");
        Files.createDirectories(copy);
        Files.copy(UNET, copy.resolve("model.onnx"));
        Files.copy(UNET.resolveSibling("model.onnx_data"), copy.resolve("model.onnx_data"));
        OptimizedModelCache cache = new OptimizedModelCache(dir.resolve("cache"), "test");
        String before = cache.key(copy.resolve("model.onnx"));
        assertThat(new OptimizedModelCache(dir, "other").key(copy.resolve("model.onnx"))).isNotEqualTo(before);
        Files.setLastModifiedTime(copy.resolve("model.onnx_data"), java.nio.file.attribute.FileTime.fromMillis(0));
        assertThat(cache.key(copy.resolve("model.onnx"))).isNotEqualTo(before);
    }

    @Test
    void aBrokenEntryIsRebuilt() throws Exception {
        OptimizedModelCache cache = new OptimizedModelCache(dir, "test");
        List<OptLevel> levels = Collections.synchronizedList(new ArrayList<>());
        cache.open(ENV, UNET, recording(levels)).close();
        Path graph = entries().get(0).resolve("model.onnx");
        Files.writeString(graph, "not a graph");
        float[] out;
        try (OrtSession s = cache.open(ENV, UNET, recording(levels))) {
            out = run(s);
        }
        assertThat(levels).containsExactly(OptLevel.ALL_OPT, OptLevel.NO_OPT, OptLevel.ALL_OPT);
        assertThat(out).isNotEmpty();
        assertThat(Files.size(entries().get(0).resolve("model.onnx"))).isGreaterThan(100);
    }

    @Test
    void concurrentStartsLeaveOneCompleteEntryAndNoTemporaryFolder() throws Exception {
        OptimizedModelCache cache = new OptimizedModelCache(dir, "test");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<float[]>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Callable<float[]> start = () -> {
                    try (OrtSession s = cache.open(ENV, UNET, recording(new ArrayList<>()))) {
                        return run(s);
                    }
                };
                runs.add(pool.submit(start));
            }
            float[] reference = runs.get(0).get();
            for (Future<float[]> f : runs) {
                assertThat(f.get()).containsExactly(reference);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> all = Files.list(dir)) {
            assertThat(all.map(p -> p.getFileName().toString()).toList()).hasSize(1).noneMatch(n -> n.contains(".tmp"));
        }
    }

    @Test
    void offTurnsItOffAndADirectoryMovesIt() {
        System.setProperty(OptimizedModelCache.PROPERTY, "off");
        assertThat(OptimizedModelCache.fromProperty("cpu")).isNull();
        System.setProperty(OptimizedModelCache.PROPERTY, dir.toString());
        assertThat(OptimizedModelCache.fromProperty("cpu").root()).isEqualTo(dir);
    }

    private List<Path> entries() throws Exception {
        try (Stream<Path> all = Files.list(dir)) {
            return all.filter(Files::isDirectory).toList();
        }
    }

    private static OptimizedModelCache.OptionsMaker recording(List<OptLevel> levels) {
        return level -> {
            levels.add(level);
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setOptimizationLevel(level);
            o.setIntraOpNumThreads(1);
            return o;
        };
    }

    /** One UNet call on fixed inputs (latent 1x4x8x8, timestep 500, 77 tokens of width 32). */
    private static float[] run(OrtSession session) throws OrtException {
        float[] sample = new float[4 * 8 * 8];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = (float) Math.sin(i * 0.37);
        }
        float[] hidden = new float[77 * 32];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = (float) Math.cos(i * 0.11);
        }
        try (OnnxTensor x = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(sample), new long[] {1, 4, 8, 8});
             OnnxTensor t = OnnxTensor.createTensor(ENV, 500f);
             OnnxTensor h = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(hidden), new long[] {1, 77, 32});
             OrtSession.Result r = session.run(Map.of("sample", x, "timestep", t, "encoder_hidden_states", h))) {
            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
        }
    }
}
