package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.image.Images;
import io.github.diffusion4j.noise.NoiseSource;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.ImageMetadata;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** {@code generate --from-png}: the settings stored in a PNG's A1111 {@code parameters} text, as a request builder. */
final class PngSettings {

    private PngSettings() {
    }

    static GenerationRequest.Builder read(Path png, PrintStream err, boolean quiet) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(png);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("from-png: no such file " + png);
        }
        String parameters;
        try {
            parameters = Images.readParameters(bytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("from-png: " + png + ": " + e.getMessage());
        }
        if (parameters == null) {
            throw new IllegalArgumentException("from-png: " + png + " holds no 'parameters' text (not made by"
                    + " Diffusion4j or AUTOMATIC1111, or its metadata was stripped)");
        }
        ImageMetadata m = ImageMetadata.fromA1111Parameters(parameters);
        if (!quiet) {
            err.println("settings from " + png + ": " + parameters.replace('\n', ' '));
            if (m.model() != null) {
                err.println("it was made with model " + m.model() + (m.modelHash() != null ? " [" + m.modelHash() + "]" : ""));
            }
        }
        GenerationRequest.Builder builder = GenerationRequest.builder(m.prompt())
                .negativePrompt(m.negativePrompt())
                .steps(m.steps())
                .guidanceScale(m.guidanceScale())
                .seed(m.seed() >= 0 ? m.seed() : null)
                .scheduler(m.scheduler())
                .size(m.width(), m.height())
                .noiseSource(noise(m.noiseSource()));
        if (m.hires() != null && m.denoisingStrength() != null) {
            // A1111 writes a hires fix's first-pass size as Size: the request's size, upscaled again
            builder.hires(m.hires().toHiresFix(m.denoisingStrength()).orElse(null));
        }
        if (m.batchIndex() > 0) {
            // the image at batch position N comes out of a batch of at least N + 1 with the same seed
            builder.batchSize(m.batchIndex() + 1);
        }
        return builder;
    }

    private static NoiseSource noise(String name) {
        try {
            return NoiseSource.fromName(name);
        } catch (IllegalArgumentException e) {
            return NoiseSource.TORCH; // A1111's GPU/NV generators have no counterpart here
        }
    }
}
