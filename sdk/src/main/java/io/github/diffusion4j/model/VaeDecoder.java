package io.github.diffusion4j.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffusion4j.image.Images;

import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The VAE decoder: latents / scaling factor → image in [-1, 1]. Owns its session. Decodes one image per run, as
 * diffusers' ONNX pipeline does (half-precision decoders misbehave with batches, and static-shape exports need it).
 */
public final class VaeDecoder implements AutoCloseable {

    static final String FILE = "vae_decoder/model.onnx";
    /** Stable Diffusion 1.x/2.x's factor, used when no config.json says otherwise (legacy diffusers exports). */
    public static final double SD_SCALING_FACTOR = 0.18215;

    private final ComponentSession session;
    private final SessionFactory factory;
    private final TensorSpec input;
    private final TensorSpec output;
    private final double scalingFactor;
    private final double shiftFactor;
    private final int scaleFactor;

    private VaeDecoder(ComponentSession session, SessionFactory factory, TensorSpec input, TensorSpec output,
                       double scalingFactor, double shiftFactor, int scaleFactor) {
        this.session = session;
        this.factory = factory;
        this.input = input;
        this.output = output;
        this.scalingFactor = scalingFactor;
        this.shiftFactor = shiftFactor;
        this.scaleFactor = scaleFactor;
    }

    public static VaeDecoder load(SessionFactory factory, ModelFolder folder) {
        JsonNode config = folder.componentConfig("vae_decoder").or(() -> folder.componentConfig("vae_encoder")).orElse(null);
        double scaling = SD_SCALING_FACTOR;
        double shift = 0;
        int scale = 8;
        if (config != null) {
            if (config.hasNonNull("scaling_factor")) {
                scaling = config.get("scaling_factor").asDouble();
                if (!(scaling > 0) || !Double.isFinite(scaling)) {
                    throw new ModelContractException("vae_decoder/config.json scaling_factor must be a positive number, got "
                            + config.get("scaling_factor"));
                }
            }
            if (config.hasNonNull("shift_factor")) {
                shift = config.get("shift_factor").asDouble();
                if (!Double.isFinite(shift)) {
                    throw new ModelContractException("vae_decoder/config.json shift_factor must be a finite number, got "
                            + config.get("shift_factor"));
                }
            }
            JsonNode blocks = config.get("block_out_channels");
            if (blocks != null && blocks.isArray() && blocks.size() > 0) {
                scale = 1 << (blocks.size() - 1);
            }
        }
        ComponentSession session = factory.openComponent("vae_decoder", folder.componentModel("vae_decoder"));
        try {
            Map<String, TensorSpec> inputs = Component.inputs(session.get(), FILE);
            TensorSpec in = inputs.get("latent_sample");
            if (in == null && inputs.size() == 1) {
                in = inputs.values().iterator().next();
            }
            if (in == null) {
                in = Component.require(inputs, "latent_sample", FILE, "input");
            }
            Component.rejectExtraInputs(inputs, Set.of(in.name()), FILE);
            Component.requireType(in, FILE, Set.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16));
            Component.requireRank(in, FILE, 4);
            TensorSpec out = Component.outputOrFirst(Component.outputs(session.get(), FILE), "sample", FILE);
            Component.requireType(out, FILE, Set.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16));
            Component.requireRank(out, FILE, 4);
            return new VaeDecoder(session, factory, in, out, scaling, shift, scale);
        } catch (RuntimeException e) {
            Component.closeQuietly(session, e);
            throw e;
        }
    }

    /** The latent scaling factor (diffusers' {@code vae.config.scaling_factor}). */
    public double scalingFactor() {
        return scalingFactor;
    }

    /** The latent shift (diffusers' {@code vae.config.shift_factor}: SD3, FLUX); 0 for SD 1.x/2.x/SDXL. */
    public double shiftFactor() {
        return shiftFactor;
    }

    /** Latent channels the decoder takes, or -1 when the graph leaves them dynamic. */
    public int latentChannels() {
        return input.isDynamic(1) ? -1 : (int) input.shape()[1];
    }

    /** Pixels per latent along each axis (8 for Stable Diffusion). */
    public int scaleFactor() {
        return scaleFactor;
    }

    public TensorSpec input() {
        return input;
    }

    /**
     * Decodes one latent [C, h, w] (already divided by the scaling factor).
     *
     * @return the image [3, H, W] in roughly [-1, 1]; {@code shape} receives [1, 3, H, W]
     */
    public float[] decode(float[] latent, int offset, int channels, int h, int w, long[] shape,
                          OrtSession.RunOptions runOptions, RunStats stats) {
        return run(latent, offset, channels, h, w, shape, runOptions, stats, out -> {
            float[] image = new float[out.size()];
            out.get(0, image, 0, image.length);
            if (input.type() == OnnxJavaType.FLOAT16 && hasNaN(image)) {
                throw float16Overflow();
            }
            return image;
        });
    }

    /**
     * Decodes one latent like {@link #decode} straight into an image: a float32 decoder's output is converted where
     * ONNX Runtime wrote it, skipping the copy of the whole [3, H, W] output into an array (at 512² 3 MB written and
     * read again, out of cache, per image).
     */
    public BufferedImage decodeImage(float[] latent, int offset, int channels, int h, int w,
                                     OrtSession.RunOptions runOptions, RunStats stats) {
        long[] shape = new long[4];
        return run(latent, offset, channels, h, w, shape, runOptions, stats, out -> {
            if (out.type() != OnnxJavaType.FLOAT) {
                float[] image = new float[out.size()];
                out.get(0, image, 0, image.length);
                if (input.type() == OnnxJavaType.FLOAT16 && hasNaN(image)) {
                    throw float16Overflow();
                }
                return Images.fromDecoderOutput(image, 0, (int) shape[3], (int) shape[2]);
            }
            return Images.fromDecoderOutput(out.floats(), (int) shape[3], (int) shape[2]);
        });
    }

    /** Runs the decoder into a pinned output tensor that {@code read} turns into the result before it is freed. */
    private <T> T run(float[] latent, int offset, int channels, int h, int w, long[] shape,
                      OrtSession.RunOptions runOptions, RunStats stats, Function<DirectTensor, T> read) {
        int outChannels = output.isDynamic(1) ? 3 : (int) output.shape()[1];
        long[] outShape = {1, outChannels, (long) h * scaleFactor, (long) w * scaleFactor};
        TensorPool pool = factory.tensors();
        // The output is pinned to a buffer we own, so ONNX Runtime writes the image straight into it; both tensors
        // come from the model's pool (the next image of this size reuses them).
        try (TensorPool.Lease in = pool.lease(input.type(), new long[] {1, channels, h, w});
             TensorPool.Lease out = pool.leaseOutput(output.type(), outShape)) {
            in.tensor().put(latent, offset, 0, channels * h * w);
            long t0 = System.nanoTime();
            try (OrtSession.Result ignored = session.get().run(Map.of(input.name(), in.tensor().tensor()), Set.of(),
                    Map.of(output.name(), out.tensor().tensor()), runOptions)) {
                stats.addRun(System.nanoTime() - t0);
            }
            System.arraycopy(outShape, 0, shape, 0, Math.min(outShape.length, shape.length));
            return read.apply(out.tensor());
        } catch (OrtException e) {
            throw new OrtRunException(FILE + " (expected an output of shape " + java.util.Arrays.toString(outShape)
                    + " for latents of " + h + "x" + w + ")", e);
        }
    }

    /** SDXL's original VAE overflows in float16 (diffusers upcasts it: force_upcast); a black image says nothing. */
    private static ModelContractException float16Overflow() {
        return new ModelContractException(FILE + " produced NaN values: this float16 VAE decoder overflows (SDXL's"
                + " original VAE does). Export the VAE decoder in float32, or use a float16-safe VAE such as"
                + " madebyollin/sdxl-vae-fp16-fix");
    }

    private static boolean hasNaN(float[] values) {
        for (float v : values) {
            if (Float.isNaN(v)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
