package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.image.LatentPreviewer;
import io.github.diffusion4j.model.DiffusionException;
import io.github.diffusion4j.model.DiffusionModel;
import org.jboss.logging.Logger;

/**
 * A pipeline's latent previewer: the published latent-to-RGB table of the model's family, or one fitted to its VAE
 * for models without published factors (SDXL's 0.13025 VAE, the test models). Fitting decodes a few latents (~100 ms
 * on the test models, more on a real SDXL VAE on a CPU), so it starts beside the caller at build rather than inside
 * the load, registered as a run of the pipeline so that close() waits for it; a preview rendered before it finished
 * waits for the same fit (one at a time). A fit that fails leaves a grey previewer of the channels' mean, with one
 * warning: previews keep coming and the fit is never retried per step.
 */
final class PipelinePreviewer {

    private static final Logger LOG = Logger.getLogger(PipelinePreviewer.class);

    private final String pipelineName;
    private final DiffusionModel model;
    /** Guards the fit; {@link #previewer} is read without it once set. */
    private final Object lock = new Object();
    private volatile LatentPreviewer previewer;

    PipelinePreviewer(String pipelineName, DiffusionModel model) {
        this.pipelineName = pipelineName;
        this.model = model;
    }

    /** The previewer, fitted now (or waiting for the fit under way) when it is not known yet. */
    LatentPreviewer get() {
        LatentPreviewer p = previewer;
        if (p != null) {
            return p;
        }
        synchronized (lock) {
            if (previewer == null) {
                previewer = find();
            }
            return previewer;
        }
    }

    /** Starts {@link #get()} on a daemon thread, as a run of {@code pipeline} (skipped when it is already closed). */
    void fitInBackground(DiffusionPipeline pipeline) {
        Thread fit = new Thread(() -> {
            try {
                pipeline.enter(null);
            } catch (DiffusionException closed) {
                return;
            }
            try {
                get();
            } finally {
                pipeline.exit(null);
            }
        }, "diffusion4j-preview-fit-" + pipelineName);
        fit.setDaemon(true);
        fit.start();
    }

    private LatentPreviewer find() {
        try {
            return Previews.forModel(model);
        } catch (RuntimeException e) {
            LOG.warnf("Pipeline %s: the latent previewer could not be fitted to this VAE (%s); previews show the latents'"
                    + " mean in grey", pipelineName, e.getMessage());
            return Previews.neutral(model.denoiser().outChannels());
        }
    }
}
