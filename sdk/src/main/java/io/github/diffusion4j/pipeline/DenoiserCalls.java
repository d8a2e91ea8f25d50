package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.family.ModelFamily;
import io.github.diffusion4j.model.Denoiser;
import io.github.diffusion4j.model.DiffusionModel;
import io.github.diffusion4j.model.RunContext;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The denoiser calls of one generation: the bound tensors (allocated once, refilled every step) with each row's
 * conditioning written at bind time, since it does not change between steps. Rows are
 * {@code [uncond × batch, cond × batch]} with classifier-free guidance, {@code [cond × batch]} otherwise.
 */
final class DenoiserCalls implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DenoiserCalls.class);

    private final List<Denoiser.Binding> bindings;
    private final int perCall;
    private final int batch;
    private final int rowSize;
    private final int outRowSize;
    private final float[] prediction;
    private final ModelFamily family;

    private DenoiserCalls(ModelFamily family, List<Denoiser.Binding> bindings, int perCall, int batch, int rowSize,
                          int outRowSize, int rows) {
        this.family = family;
        this.bindings = bindings;
        this.perCall = perCall;
        this.batch = batch;
        this.rowSize = rowSize;
        this.outRowSize = outRowSize;
        this.prediction = new float[rows * outRowSize];
    }

    static DenoiserCalls open(DiffusionModel model, ResolvedRequest params,
                              DenoisingLoop.PromptEmbeddings prompts, int h, int w) {
        return open(model, params, prompts, h, w, params.classifierFree());
    }

    /**
     * The calls with ({@code cfg}) or without the unconditional rows; without, only the conditional rows are bound
     * (the steps outside a guidance interval).
     */
    static DenoiserCalls open(DiffusionModel model, ResolvedRequest params,
                              DenoisingLoop.PromptEmbeddings prompts, int h, int w, boolean cfg) {
        Denoiser denoiser = model.denoiser();
        int batch = params.request().batchSize();
        int rows = cfg ? 2 * batch : batch;
        int fixed = denoiser.fixedBatch();
        int perCall = fixed > 0 ? fixed : rows;
        Map<String, ModelFamily.Row> cond = DenoisingLoop.conditioning(model, prompts.cond(), false, params);
        Map<String, ModelFamily.Row> uncond = cfg ? DenoisingLoop.conditioning(model, prompts.uncond(), true, params) : null;
        Map<String, long[]> rowShapes = new LinkedHashMap<>();
        cond.forEach((name, row) -> rowShapes.put(name, row.shape()));
        List<Denoiser.Binding> bindings = new ArrayList<>(rows / perCall);
        try {
            for (int c = 0; c < rows / perCall; c++) {
                Denoiser.Binding binding = denoiser.bind(perCall, h, w, rowShapes);
                bindings.add(binding);
                for (int r = 0; r < perCall; r++) {
                    int row = c * perCall + r;
                    Map<String, ModelFamily.Row> source = cfg && row < batch ? uncond : cond;
                    for (Map.Entry<String, ModelFamily.Row> input : source.entrySet()) {
                        binding.putConditioning(input.getKey(), r, input.getValue().values());
                    }
                }
            }
        } catch (RuntimeException e) {
            closeAll(bindings, e);
            throw e;
        }
        int inRow = denoiser.inChannels() * h * w;
        int outRow = denoiser.outChannels() * h * w;
        return new DenoiserCalls(model.family(), bindings, perCall, batch, inRow, outRow, rows);
    }

    /**
     * Runs the denoiser on {@code input} ([batch, C, h, w]) at timestep {@code t}: every row reads its image's latent.
     *
     * @return the prediction for every row, [rows, C, h, w] (reused between calls)
     */
    float[] run(float[] input, double t, RunContext context) {
        for (int c = 0; c < bindings.size(); c++) {
            Denoiser.Binding binding = bindings.get(c);
            for (int r = 0; r < perCall; r++) {
                int row = c * perCall + r;
                binding.putSample(r, input, (row % batch) * rowSize);
            }
            binding.setTimestep(family.denoiserTimestep(t));
            binding.run(context.options(), context.stats());
            for (int r = 0; r < perCall; r++) {
                binding.getOutput(r, prediction, (c * perCall + r) * outRowSize);
            }
        }
        return prediction;
    }

    @Override
    public void close() {
        RuntimeException failure = new RuntimeException("closing denoiser tensors");
        closeAll(bindings, failure);
        if (failure.getSuppressed().length > 0) {
            LOG.warnf("Failed to release denoiser tensors: %s", failure.getSuppressed()[0].getMessage());
        }
    }

    private static void closeAll(List<Denoiser.Binding> bindings, Throwable primary) {
        for (Denoiser.Binding b : bindings) {
            try {
                b.close();
            } catch (RuntimeException e) {
                primary.addSuppressed(e);
            }
        }
    }
}
