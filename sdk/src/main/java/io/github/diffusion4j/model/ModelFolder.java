package io.github.diffusion4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffusion4j.json.Json;
import io.github.diffusion4j.tokenizer.ClipTokenizer;
import io.github.diffusion4j.tokenizer.ClipTokenizerPrefetch;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    private final Path root;
    /** model_index.json as parsed values, or null when the folder has none. */
    private final Map<String, Object> modelIndex;
    private final ClipTokenizerPrefetch tokenizers = new ClipTokenizerPrefetch();

    private ModelFolder(Path root, Map<String, Object> modelIndex) {
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
        Map<String, Object> index = readObject(abs.resolve("model_index.json")).orElse(null);
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
     * Starts reading the folder's CLIP tokenizers ({@code tokenizer/}, {@code tokenizer_2/} where they hold
     * {@code vocab.json} and {@code merges.txt}) on daemon threads, for {@link #clipTokenizer} to take: the load calls
     * this before creating the sessions, which the reading then overlaps.
     */
    public void prefetchClipTokenizers() {
        tokenizers.start(List.of(root.resolve("tokenizer"), root.resolve("tokenizer_2")));
    }

    /** Drops the prefetched tokenizers the conditioner did not take, so that the loaded model does not hold them. */
    public void discardUntakenTokenizers() {
        tokenizers.discardUntaken();
    }

    /** The CLIP tokenizer in {@code dir} (relative), read in the background if it was prefetched, else now. */
    public ClipTokenizer clipTokenizer(String dir) {
        return tokenizers.take(root.resolve(dir));
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
        return modelIndex != null && modelIndex.get(key) instanceof Boolean flag ? Optional.of(flag) : Optional.empty();
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
        Object name = modelIndex == null ? null : modelIndex.get("_class_name");
        return name == null ? Optional.empty() : Optional.of(asText(name));
    }

    /**
     * The steps the model's authors recommend, from {@code "_diffusion4j": {"recommended_steps": N}} in
     * model_index.json. diffusers ignores {@code _}-prefixed keys there, so a folder that carries it still loads in
     * diffusers and optimum. Distilled models (SD-Turbo: 1-4 steps) and small ones need values far from the usual.
     *
     * @throws ModelLoadException when the value is not an integer between 1 and 1000
     */
    public OptionalInt recommendedSteps() {
        Object value = recommendation("recommended_steps");
        if (value == null) {
            return OptionalInt.empty();
        }
        // 20 and 20.0 are the same JSON number
        double number = value instanceof Number n ? n.doubleValue() : Double.NaN;
        if (!(number >= 1 && number <= 1000) || number != Math.rint(number)) {
            throw new ModelLoadException(root.resolve("model_index.json") + ": _diffusion4j.recommended_steps must be an"
                    + " integer between 1 and 1000, got " + Json.toNode(value));
        }
        return OptionalInt.of((int) number);
    }

    /**
     * The guidance scale the model's authors recommend, from {@code "_diffusion4j": {"recommended_guidance_scale": G}}
     * in model_index.json (see {@link #recommendedSteps()}).
     *
     * @throws ModelLoadException when the value is not a number between 0 and 100
     */
    public OptionalDouble recommendedGuidanceScale() {
        Object value = recommendation("recommended_guidance_scale");
        if (value == null) {
            return OptionalDouble.empty();
        }
        double number = value instanceof Number n ? n.doubleValue() : Double.NaN;
        if (!(number >= 0 && number <= 100)) {
            throw new ModelLoadException(root.resolve("model_index.json") + ": _diffusion4j.recommended_guidance_scale"
                    + " must be a number between 0 and 100, got " + Json.toNode(value));
        }
        return OptionalDouble.of(number);
    }

    private Object recommendation(String key) {
        Object section = modelIndex == null ? null : modelIndex.get("_diffusion4j");
        if (section == null) {
            return null;
        }
        if (!(section instanceof Map<?, ?> map)) {
            throw new ModelLoadException(root.resolve("model_index.json") + ": _diffusion4j must be an object, got "
                    + Json.toNode(section));
        }
        return map.get(key);
    }

    /** Jackson's {@code asText()}: a string as is, other scalars as their JSON text. */
    private static String asText(Object value) {
        return value instanceof String s ? s : value instanceof Map || value instanceof List ? "" : value.toString();
    }

    /** A component's {@code config.json} (optimum exports have one per component; legacy ones have none). */
    public Optional<JsonNode> componentConfig(String component) {
        return readObject(root.resolve(component).resolve("config.json")).map(Json::toNode);
    }

    private static Optional<Map<String, Object>> readObject(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.parseObject(file));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("Cannot parse " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
    }
}
