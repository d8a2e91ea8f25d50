package io.github.diffusion4j.quarkus.runtime.queue;

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
 */
public record ModelDescriptor(String name, String layout, String precision, String provider, String pipelineClass,
                              long loadTimeMillis, String defaultScheduler, int defaultSteps, double defaultGuidance,
                              int defaultWidth, int defaultHeight, int sizeMultiple, int maxWidth, int maxHeight,
                              int maxSteps, int maxBatch, int maxPromptLength, List<String> schedulers) {

    public ModelDescriptor {
        schedulers = List.copyOf(schedulers);
    }

    /** The descriptor of a loaded pipeline. */
    public static ModelDescriptor of(String name, DiffusionPipeline pipeline) {
        ModelInfo info = pipeline.info();
        Limits l = pipeline.limits();
        return new ModelDescriptor(name, info.layout(), info.precision(), info.provider(), info.pipelineClass(),
                info.loadTime().toMillis(), info.defaultScheduler(), info.defaultSteps(), info.defaultGuidance(),
                info.defaultWidth(), info.defaultHeight(), pipeline.descriptor().sizeMultiple(), l.maxWidth(),
                l.maxHeight(), l.maxSteps(), l.maxBatch(), l.maxPromptLength(), pipeline.schedulers());
    }
}
