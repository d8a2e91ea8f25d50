package io.github.diffusion4j.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What was loaded and how it runs.
 *
 * @param name             model name
 * @param path             model folder
 * @param layout           export layout: {@code diffusers-onnx} (legacy OnnxStableDiffusionPipeline),
 *                         {@code optimum} (optimum ≥ 1.24) or {@code optimum-legacy} (optimum ≤ 1.23)
 * @param precision        {@code fp32} or {@code fp16} (the UNet's sample dtype)
 * @param pipelineClass    {@code _class_name} of model_index.json, if any
 * @param provider         execution provider in use ({@code cpu}, {@code cuda:0})
 * @param loadTime         time to open all sessions
 * @param defaultScheduler scheduler used when a request names none
 * @param defaultSteps     steps used when a request gives none
 * @param defaultGuidance  guidance scale used when a request gives none
 * @param defaultWidth     width used when a request gives none
 * @param defaultHeight    height used when a request gives none
 * @param contract         per component file, its inputs and outputs as read from the graph
 * @param family           the family id ({@code sd}, {@code sdxl}, {@code lcm})
 * @param familyName       the family's display name
 * @param sizeMultiple     width and height must be multiples of this many pixels
 * @param guidance         {@code classifier-free} or {@code embedded} (guidance-distilled models)
 */
public record ModelInfo(String name, Path path, String layout, String precision, String pipelineClass, String provider,
                        Duration loadTime, String defaultScheduler, int defaultSteps, double defaultGuidance,
                        int defaultWidth, int defaultHeight, Map<String, String> contract, String family,
                        String familyName, int sizeMultiple, String guidance) {
}
