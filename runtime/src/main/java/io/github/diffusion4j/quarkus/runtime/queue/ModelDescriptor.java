package io.github.diffusion4j.quarkus.runtime.queue;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.Limits;
import io.github.diffusion4j.pipeline.ModelInfo;

import java.util.List;

/**
 * What request validation and {@code GET /v1/models} need to know about a model, without a loaded pipeline: a worker
 * publishes it (JSON) for API-only nodes, the in-process backend builds it from the local pipeline.
 *
 * @param name            the configured model name
 * @param layout          export layout
 * @param precision       {@code fp32} or {@code fp16}
 * @param provider        execution provider of (one of) the workers holding it
 * @param pipelineClass   {@code _class_name} of model_index.json
 * @param loadTimeMillis  time it took to load
 * @param defaultScheduler scheduler used when a request names none
 * @param defaultSteps    steps used when a request gives none
 * @param defaultGuidance guidance used when a request gives none
 * @param defaultWidth    width used when a request gives none
 * @param defaultHeight   height used when a request gives none
 * @param sizeMultiple    width and height must be multiples of it
 * @param maxWidth        largest width
 * @param maxHeight       largest height
 * @param maxSteps        most steps
 * @param maxBatch        most images per request
 * @param maxPromptLength most characters per prompt
 * @param schedulers      scheduler names accepted
 * @param family          the SDK's family id ({@code sd}, {@code sdxl}, {@code lcm}, ...); {@code null} when a worker
 *                        of an older version published the descriptor
 * @param imageInput      whether the model can start from an image (its folder has a VAE encoder)
 * @param inpaintingOnly  whether the denoiser is a dedicated inpainting one, which needs an image and a mask
 * @param components      each component session opened at load with its provider and load time (empty when a
 *                        worker of an older version published the descriptor)
 * @param maxPixels       the memory budget: most width × height × batch per request; a descriptor published by an
 *                        older worker (0) gets the SDK's default
 * @param maxCost         the work budget: most width × height × steps run × batch per request; 0 as for maxPixels
 */
public record ModelDescriptor(String name, String layout, String precision, String provider, String pipelineClass,
                              long loadTimeMillis, String defaultScheduler, int defaultSteps, double defaultGuidance,
                              int defaultWidth, int defaultHeight, int sizeMultiple, int maxWidth, int maxHeight,
                              int maxSteps, int maxBatch, int maxPromptLength, List<String> schedulers,
                              String family, boolean imageInput, boolean inpaintingOnly,
                              List<Component> components, long maxPixels, long maxCost) {

    /** The constructor JSON (a published descriptor) is read with. */
    @JsonCreator
    public ModelDescriptor {
        schedulers = List.copyOf(schedulers);
        components = components == null ? List.of() : List.copyOf(components);
        maxPixels = maxPixels > 0 ? maxPixels : Limits.DEFAULT_MAX_PIXELS;
        maxCost = maxCost > 0 ? maxCost : Limits.DEFAULT_MAX_COST;
    }

    /**
     * One component of the model as loaded.
     *
     * @param name           its folder, e.g. {@code text_encoder_2}
     * @param provider       {@code cpu} or {@code cuda:N}
     * @param loadTimeMillis time its session took to open
     * @param unloadAfterUse whether its session is released after each use
     */
    public record Component(String name, String provider, long loadTimeMillis, boolean unloadAfterUse) {

        static List<Component> of(ModelInfo info) {
            return info.components().stream().map(c -> new Component(c.name(), c.provider(), c.loadTime().toMillis(),
                    c.unloadAfterUse())).toList();
        }
    }

    /** A text-to-image model's descriptor (family unknown, no image input). */
    public ModelDescriptor(String name, String layout, String precision, String provider, String pipelineClass,
                           long loadTimeMillis, String defaultScheduler, int defaultSteps, double defaultGuidance,
                           int defaultWidth, int defaultHeight, int sizeMultiple, int maxWidth, int maxHeight,
                           int maxSteps, int maxBatch, int maxPromptLength, List<String> schedulers) {
        this(name, layout, precision, provider, pipelineClass, loadTimeMillis, defaultScheduler, defaultSteps,
                defaultGuidance, defaultWidth, defaultHeight, sizeMultiple, maxWidth, maxHeight, maxSteps, maxBatch,
                maxPromptLength, schedulers, null, false, false, List.of(), Limits.DEFAULT_MAX_PIXELS,
                Limits.DEFAULT_MAX_COST);
    }

    /** The SDK's limits of this model, budgets included: what the SDK's request validation checks against. */
    public Limits limits() {
        return new Limits(maxWidth, maxHeight, maxSteps, maxBatch, maxPromptLength, maxPixels, maxCost);
    }

    /** The descriptor of a loaded pipeline. */
    public static ModelDescriptor of(String name, DiffusionPipeline pipeline) {
        ModelInfo info = pipeline.info();
        Limits l = pipeline.limits();
        io.github.diffusion4j.pipeline.ModelDescriptor sdk = pipeline.descriptor();
        return new ModelDescriptor(name, info.layout(), info.precision(), info.provider(), info.pipelineClass(),
                info.loadTime().toMillis(), info.defaultScheduler(), info.defaultSteps(), info.defaultGuidance(),
                info.defaultWidth(), info.defaultHeight(), sdk.sizeMultiple(), l.maxWidth(),
                l.maxHeight(), l.maxSteps(), l.maxBatch(), l.maxPromptLength(), sdk.schedulers(), sdk.family(),
                sdk.imageInput(), sdk.inpaintingOnly(), Component.of(info), l.maxPixels(), l.maxCost());
    }
}
