package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.diffusion4j.pipeline.RequestValidator;
import io.github.diffusion4j.quarkus.runtime.queue.ModelDescriptor;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * A configured model as {@code GET /v1/models} lists it.
 *
 * @param name          the name requests use
 * @param isDefault     whether requests without {@code model} use it
 * @param layout        export layout ({@code diffusers-onnx}, {@code optimum}, {@code optimum-legacy})
 * @param precision     {@code fp32} or {@code fp16}
 * @param provider      execution provider in use ({@code cpu}, {@code cuda:0})
 * @param pipelineClass {@code _class_name} of model_index.json
 * @param loadTimeMillis time it took to load
 * @param defaults      what unset request fields become
 * @param limits        upper bounds on requests
 * @param family        the model family ({@code sd}, {@code sdxl}, {@code lcm}, ...), {@code null} when unknown
 * @param sizeMultiple  width and height must be multiples of it
 * @param imageInput    whether requests may give an init image ({@code image}, {@code mask}, {@code strength})
 * @param inpaintingOnly whether the model is a dedicated inpainting one: every request needs an image and a mask
 * @param schedulers    scheduler names its requests may use
 * @param components    each component (text encoders, denoiser, VAE) with its provider and load time
 */
@Schema(name = "Model")
public record ModelDescription(@Schema(example = "default") String name,
                               @JsonProperty("default") @Schema(name = "default") boolean isDefault,
                               @Schema(example = "optimum") String layout,
                               @Schema(example = "fp16") String precision,
                               @Schema(example = "cuda:0") String provider,
                               @Schema(example = "StableDiffusionPipeline") String pipelineClass,
                               @Schema(example = "2300") long loadTimeMillis,
                               Defaults defaults,
                               LimitsData limits,
                               @Schema(example = "sd") String family,
                               @Schema(example = "8") int sizeMultiple,
                               @Schema(example = "true") boolean imageInput,
                               @Schema(example = "false") boolean inpaintingOnly,
                               @Schema(example = "[\"euler\", \"ddim\"]") List<String> schedulers,
                               List<ComponentData> components) {

    /** One component of the model: where it runs and how long it took to load. */
    @Schema(name = "ModelComponent")
    public record ComponentData(@Schema(example = "text_encoder_2") String name, @Schema(example = "cpu") String provider,
                                @Schema(example = "5400") long loadTimeMillis,
                                @Schema(example = "true") boolean unloadAfterUse) {
    }

    /** Values used for unset request fields. */
    @Schema(name = "ModelDefaults")
    public record Defaults(@Schema(example = "pndm") String scheduler, @Schema(example = "25") int steps,
                           @Schema(example = "7.5") double guidanceScale, @Schema(example = "512") int width,
                           @Schema(example = "512") int height) {
    }

    /**
     * Upper bounds enforced on requests.
     *
     * @param maxPixels the memory budget: most width × height × batch (the model's default size always passes)
     * @param maxCost   the work budget: most width × height × steps run × batch
     */
    @Schema(name = "ModelLimits")
    public record LimitsData(@Schema(example = "1024") int maxWidth, @Schema(example = "1024") int maxHeight,
                             @Schema(example = "150") int maxSteps, @Schema(example = "4") int maxBatch,
                             @Schema(example = "1000") int maxPromptLength,
                             @Schema(example = "589824") long maxPixels, @Schema(example = "67108864") long maxCost) {
    }

    static ModelDescription of(boolean isDefault, ModelDescriptor m) {
        RequestValidator.Budgets budgets = RequestValidator.Budgets.of(m.limits(), m.defaultWidth(), m.defaultHeight(),
                m.defaultSteps());
        return new ModelDescription(m.name(), isDefault, m.layout(), m.precision(), m.provider(), m.pipelineClass(),
                m.loadTimeMillis(), new Defaults(m.defaultScheduler(), m.defaultSteps(), m.defaultGuidance(),
                        m.defaultWidth(), m.defaultHeight()),
                new LimitsData(m.maxWidth(), m.maxHeight(), m.maxSteps(), m.maxBatch(), m.maxPromptLength(),
                        budgets.maxPixels(), budgets.maxCost()),
                m.family(), m.sizeMultiple(), m.imageInput(), m.inpaintingOnly(), m.schedulers(),
                m.components().stream().map(c -> new ComponentData(c.name(), c.provider(), c.loadTimeMillis(),
                        c.unloadAfterUse())).toList());
    }
}
