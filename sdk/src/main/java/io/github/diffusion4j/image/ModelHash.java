package io.github.diffusion4j.image;

import java.io.IOException;
import java.io.InputStream;
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
 * {@code sha256}). An ONNX export has no single checkpoint; its UNet is the part that sets what a model draws, so
 * we hash the UNet's weights file: {@code unet/model.onnx_data} or {@code unet/weights.pb} when the weights are
 * external, else {@code unet/model.onnx}. Two folders with the same UNet weights get the same hash, and the hash
 * of an SD 1.5 export differs from A1111's hash of the {@code .safetensors} it came from (different bytes).
 *
 * <p>This reads the whole file (about 2 s per GB); compute it once per model, e.g. while the model loads.
 */
public final class ModelHash {

    private static final List<String> WEIGHT_FILES = List.of("model.onnx_data", "weights.pb", "model.onnx");

    private ModelHash() {
    }

    /** The file hashed for {@code modelFolder}. */
    public static Path unetWeights(Path modelFolder) {
        Path unet = modelFolder.resolve("unet");
        for (String name : WEIGHT_FILES) {
            Path file = unet.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new IllegalArgumentException("No UNet weights in " + unet + " (looked for " + String.join(", ", WEIGHT_FILES) + ")");
    }

    /** A1111's short hash (10 lowercase hex digits) of the model folder's UNet weights. */
    public static String shortHash(Path modelFolder) {
        return sha256(unetWeights(modelFolder)).substring(0, 10);
    }

    /** The full SHA-256 of a file, lowercase hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
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
