package io.github.diffusion4j.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code Model hash} of A1111's infotext for an ONNX model folder.
 *
 * <p>A1111 writes {@code shorthash}: the first 10 hex digits of the SHA-256 of the whole checkpoint file
 * ({@code modules/sd_models.py} {@code CheckpointInfo.calculate_shorthash}, via {@code modules/hashes.py}
 * {@code sha256}). An ONNX export has no single checkpoint; its denoiser (the UNet, or the transformer of SD3 and
 * FLUX exports) is the part that sets what a model draws, so we hash the denoiser's weights file:
 * {@code unet/model.onnx_data} or {@code unet/weights.pb} when the weights are external, else {@code unet/model.onnx}
 * (the same under {@code transformer/} for a folder without {@code unet/}). The graph file of an external-weights
 * export is left out: it holds the operators, not the weights, and is the same for every fine-tune of a base model.
 * Two folders with the same denoiser weights get the same hash, and the hash of an SD 1.5 export differs from
 * A1111's hash of the {@code .safetensors} it came from (different bytes).
 *
 * <p>This reads the whole file (about 2 s per GB); compute it once per model, off the generation path:
 * {@code DiffusionPipeline} does it on a background thread when it loads, and writes it into each PNG's
 * {@code parameters} once it is known. An interrupt stops the read (between 1 MiB chunks).
 */
public final class ModelHash {

    private static final List<String> WEIGHT_FILES = List.of("model.onnx_data", "weights.pb", "model.onnx");

    private ModelHash() {
    }

    /** The file hashed for {@code modelFolder}: its UNet's weights, or its transformer's when it has no UNet. */
    public static Path unetWeights(Path modelFolder) {
        Path unet = modelFolder.resolve("unet");
        Path transformer = modelFolder.resolve("transformer");
        Path denoiser = !Files.isDirectory(unet) && Files.isDirectory(transformer) ? transformer : unet;
        for (String name : WEIGHT_FILES) {
            Path file = denoiser.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new IllegalArgumentException("No UNet weights in " + denoiser + " (looked for "
                + String.join(", ", WEIGHT_FILES) + ")");
    }

    /** A1111's short hash (10 lowercase hex digits) of the model folder's denoiser weights. */
    public static String shortHash(Path modelFolder) {
        return sha256(unetWeights(modelFolder)).substring(0, 10);
    }

    /** The full SHA-256 of a file, lowercase hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new UncheckedIOException(new InterruptedIOException("Interrupted while hashing " + file));
                }
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + " to hash it", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
