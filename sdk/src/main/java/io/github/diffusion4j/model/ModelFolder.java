package io.github.diffusion4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.pipeline.ModelLoadException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
     * Checks that {@code root} holds the files a text-to-image pipeline needs.
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
        List<String> missing = new ArrayList<>();
        for (String required : List.of("text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx",
                "tokenizer/vocab.json", "tokenizer/merges.txt")) {
            if (!Files.isRegularFile(abs.resolve(required))) {
                missing.add(required);
            }
        }
        if (!missing.isEmpty()) {
            throw new ModelLoadException("Model folder " + abs + " is not a usable Stable Diffusion ONNX export: missing "
                    + String.join(", ", missing)
                    + " (expected the Hugging Face / Optimum layout: text_encoder/, unet/, vae_decoder/, tokenizer/, scheduler/)");
        }
        JsonNode index = readJson(abs.resolve("model_index.json")).orElse(null);
        return new ModelFolder(abs, index);
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
