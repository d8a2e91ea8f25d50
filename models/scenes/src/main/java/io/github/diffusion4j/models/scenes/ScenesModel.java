package io.github.diffusion4j.models.scenes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The "scenes" model: a tiny latent diffusion model of simple coloured-shape scenes (64x64 pixels, 8x8x4 latents),
 * trained from scratch (see {@code tools/scene-model}) and exported in the optimum Stable Diffusion 1.5 ONNX layout
 * ({@code model_index.json}, {@code text_encoder/}, {@code unet/}, {@code vae_encoder/}, {@code vae_decoder/},
 * {@code scheduler/}, {@code tokenizer/}), shipped as class-path resources under {@link #RESOURCE_ROOT}.
 * <p>
 * Prompts follow a small grammar, e.g. {@code "a small red circle on the left of a blue background"}; see
 * {@link #EXAMPLE_PROMPTS}.
 */
public final class ScenesModel {

    /** Short model name. */
    public static final String NAME = "scenes";

    /** Class-path folder holding the model directory (no leading or trailing slash). */
    public static final String RESOURCE_ROOT = "META-INF/diffusion4j/models/scenes";

    /** Native image size in pixels (the UNet's sample_size 8 times the VAE's 8x factor). */
    public static final int IMAGE_SIZE = 64;

    /** Every file of the model directory, relative to {@link #RESOURCE_ROOT}. */
    public static final List<String> FILES = List.of(
            "model_index.json",
            "scheduler/scheduler_config.json",
            "text_encoder/config.json",
            "text_encoder/model.onnx",
            "tokenizer/merges.txt",
            "tokenizer/special_tokens_map.json",
            "tokenizer/tokenizer_config.json",
            "tokenizer/vocab.json",
            "unet/config.json",
            "unet/model.onnx",
            "vae_decoder/config.json",
            "vae_decoder/model.onnx",
            "vae_encoder/config.json",
            "vae_encoder/model.onnx");

    /** Prompts the model was trained to follow. */
    public static final List<String> EXAMPLE_PROMPTS = List.of(
            "a small red circle on the left of a blue background",
            "a large green square in the centre of a white background",
            "a yellow star at the top of a purple background",
            "a large white ring at the bottom of a black background",
            "a yellow triangle and a green square");

    private ScenesModel() {
    }

    /** The class-path folder of the model, {@value #RESOURCE_ROOT}. */
    public static String resourceRoot() {
        return RESOURCE_ROOT;
    }

    /**
     * Copies the model files into {@code directory} (created if needed; existing files are replaced) and returns it,
     * ready to be loaded as a Stable Diffusion ONNX model directory.
     */
    public static Path extractTo(Path directory) {
        try {
            for (String file : FILES) {
                Path target = directory.resolve(file);
                Files.createDirectories(target.getParent());
                try (InputStream in = open(file)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract the scenes model to " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Extracts the model into a new temporary directory (see {@link #extractTo(Path)}). */
    public static Path extractToTemporaryDirectory() {
        try {
            return extractTo(Files.createTempDirectory("diffusion4j-scenes-"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory: " + e.getMessage(), e);
        }
    }

    private static InputStream open(String file) throws IOException {
        String name = RESOURCE_ROOT + "/" + file;
        ClassLoader loader = ScenesModel.class.getClassLoader();
        InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(name) : loader.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("Missing class-path resource " + name);
        }
        return in;
    }
}
