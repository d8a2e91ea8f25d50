package io.github.diffusion4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.model.ModelLoadException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A model folder in the Hugging Face / Optimum ONNX export layout, before anything is loaded: which files exist and
 * what the JSON side files say.
 * <pre>
 * model_index.json                 pipeline class and components (optional for hand-made folders)
 * scheduler/scheduler_config.json  scheduler class and parameters
 * tokenizer/                       vocab.json, merges.txt, tokenizer_config.json, special_tokens_map.json
 * text_encoder/model.onnx          (+ config.json in optimum exports)
 * unet/model.onnx                  (+ weights.pb or model.onnx_data, + config.json)
 * vae_decoder/model.onnx           (+ config.json with scaling_factor)
 * vae_encoder/model.onnx           optional, for image-to-image
 * </pre>
 */
public final class ModelFolder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final JsonNode modelIndex;

    private ModelFolder(Path root, JsonNode modelIndex) {
        this.root = root;
        this.modelIndex = modelIndex;
    }

    /**
     * Opens {@code root}: checks that it holds a denoiser and a VAE decoder and reads model_index.json.
     *
     * @throws ModelLoadException naming every missing file
     */
    public static ModelFolder open(Path root) {
        if (root == null) {
            throw new ModelLoadException("Model folder must be set");
        }
        Path abs = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new ModelLoadException("Model folder " + abs + " does not exist or is not a directory");
        }
        JsonNode index = readJson(abs.resolve("model_index.json")).orElse(null);
        ModelFolder folder = new ModelFolder(abs, index);
        // which encoders and tokenizers a folder needs depends on its family; the denoiser and decoder every one has
        folder.requireFiles(List.of(folder.hasComponent("transformer") ? "transformer/model.onnx" : "unet/model.onnx",
                "vae_decoder/model.onnx"));
        // a bad recommendation fails here, before any session is opened
        folder.recommendedSteps();
        folder.recommendedGuidanceScale();
        return folder;
    }

    /**
     * Checks that every one of {@code files} (relative paths) exists.
     *
     * @throws ModelLoadException naming every missing file and the expected layout
     */
    public void requireFiles(List<String> files) {
        List<String> missing = new ArrayList<>();
        for (String required : files) {
            if (!Files.isRegularFile(root.resolve(required))) {
                missing.add(required);
            }
        }
        if (!missing.isEmpty()) {
            throw new ModelLoadException("Model folder " + root + " is not a usable diffusion ONNX export: missing "
                    + String.join(", ", missing)
                    + " (expected the Hugging Face / Optimum layout: text_encoder/, unet/, vae_decoder/, tokenizer/, scheduler/)");
        }
    }

    /** A boolean of model_index.json (e.g. SDXL's {@code force_zeros_for_empty_prompt}), when present. */
    public Optional<Boolean> indexFlag(String key) {
        if (modelIndex == null || !modelIndex.has(key) || !modelIndex.get(key).isBoolean()) {
            return Optional.empty();
        }
        return Optional.of(modelIndex.get(key).asBoolean());
    }


    public Path root() {
        return root;
    }

    /** The folder name, used as the default model name. */
    public String name() {
        Path fileName = root.getFileName();
        return fileName == null ? root.toString() : fileName.toString();
    }

    public Path componentModel(String component) {
        return root.resolve(component).resolve("model.onnx");
    }

    public boolean hasComponent(String component) {
        return Files.isRegularFile(componentModel(component));
    }

    public Path tokenizerDir() {
        return root.resolve("tokenizer");
    }

    public Optional<Path> schedulerConfig() {
        Path p = root.resolve("scheduler").resolve("scheduler_config.json");
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** {@code _class_name} of model_index.json, e.g. {@code OnnxStableDiffusionPipeline}. */
    public Optional<String> pipelineClass() {
        return modelIndex == null || !modelIndex.hasNonNull("_class_name")
                ? Optional.empty() : Optional.of(modelIndex.get("_class_name").asText());
    }

    /**
     * The steps the model's authors recommend, from {@code "_diffusion4j": {"recommended_steps": N}} in
     * model_index.json. diffusers ignores {@code _}-prefixed keys there, so a folder that carries it still loads in
     * diffusers and optimum. Distilled models (SD-Turbo: 1-4 steps) and small ones need values far from the usual.
     *
     * @throws ModelLoadException when the value is not an integer between 1 and 1000
     */
    public OptionalInt recommendedSteps() {
        JsonNode value = recommendation("recommended_steps");
        if (value == null) {
            return OptionalInt.empty();
        }
        // 20 and 20.0 are the same JSON number
        if (!value.isNumber() || !value.canConvertToInt() || value.doubleValue() != Math.rint(value.doubleValue())
                || value.intValue() < 1 || value.intValue() > 1000) {
            throw new ModelLoadException(root.resolve("model_index.json") + ": _diffusion4j.recommended_steps must be an"
                    + " integer between 1 and 1000, got " + value);
        }
        return OptionalInt.of(value.intValue());
    }

    /**
     * The guidance scale the model's authors recommend, from {@code "_diffusion4j": {"recommended_guidance_scale": G}}
     * in model_index.json (see {@link #recommendedSteps()}).
     *
     * @throws ModelLoadException when the value is not a number between 0 and 100
     */
    public OptionalDouble recommendedGuidanceScale() {
        JsonNode value = recommendation("recommended_guidance_scale");
        if (value == null) {
            return OptionalDouble.empty();
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue()) || value.doubleValue() < 0
                || value.doubleValue() > 100) {
            throw new ModelLoadException(root.resolve("model_index.json") + ": _diffusion4j.recommended_guidance_scale"
                    + " must be a number between 0 and 100, got " + value);
        }
        return OptionalDouble.of(value.doubleValue());
    }

    private JsonNode recommendation(String key) {
        if (modelIndex == null || !modelIndex.hasNonNull("_diffusion4j")) {
            return null;
        }
        JsonNode section = modelIndex.get("_diffusion4j");
        if (!section.isObject()) {
            throw new ModelLoadException(root.resolve("model_index.json") + ": _diffusion4j must be an object, got "
                    + section);
        }
        JsonNode value = section.get(key);
        return value == null || value.isNull() ? null : value;
    }

    /** A component's {@code config.json} (optimum exports have one per component; legacy ones have none). */
    public Optional<JsonNode> componentConfig(String component) {
        return readJson(root.resolve(component).resolve("config.json"));
    }

    private static Optional<JsonNode> readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new ModelLoadException("Cannot parse " + file + ": " + e.getMessage(), e);
        }
    }
}
