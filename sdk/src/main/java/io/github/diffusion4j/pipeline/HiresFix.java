package io.github.diffusion4j.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The hires-fix part of a text-to-image request, as AUTOMATIC1111 does it ({@code modules/processing.py},
 * {@code StableDiffusionProcessingTxt2Img.sample_hr_pass}): generate at the request's size, upscale the result to the
 * target size, then run image-to-image over it with a second strength and step count. One request, one event
 * stream: the step events of both passes in a row ({@link GenerationEvent.Step#phase()}).
 *
 * <p>The target is {@code scale ×} the request's size, or {@code width × height} when given (A1111's "Resize width
 * to" / "Resize height to"; one of them alone keeps the aspect ratio), rounded down to the model's size multiple.
 *
 * @param scale     the upscale factor when no target size is given, 1 to 4 (A1111's "Upscale by", default 2)
 * @param width     the target width in pixels, or {@code null} (from {@code scale}, or the aspect ratio)
 * @param height    the target height in pixels, or {@code null}
 * @param upscaler  how the first pass's result is enlarged (see {@link Upscaler}); default {@link Upscaler#LATENT}
 * @param strength  the second pass's denoising strength, in (0, 1] (A1111's "Denoising strength", default 0.7)
 * @param steps     the second pass's steps before the strength cut, 0 to 1000; 0 = the request's steps (A1111's
 *                  "Hires steps")
 * @param scheduler the second pass's scheduler, or {@code null} for the request's (A1111's "Hires sampler")
 */
public record HiresFix(double scale, Integer width, Integer height, Upscaler upscaler, double strength, int steps,
                       String scheduler) {

    /** A1111's default "Denoising strength" for hires fix. */
    public static final double DEFAULT_STRENGTH = 0.7;
    /** The largest {@link #scale()}: A1111's "Upscale by" slider stops at 4. */
    public static final double MAX_SCALE = 4.0;

    /**
     * How the first pass's result is enlarged. The latent ones interpolate the latents as A1111's
     * {@code shared.latent_upscale_modes} do ({@code torch.nn.functional.interpolate}, no antialiasing); the pixel
     * ones decode, resize the image with Pillow's filter and encode it again (A1111's "Lanczos" upscaler,
     * {@code modules/upscaler.py}).
     */
    public enum Upscaler {
        /** A1111 "Latent": {@code interpolate(mode="bilinear")}. */
        LATENT("latent-bilinear", "Latent", true),
        /** A1111 "Latent (nearest)": {@code interpolate(mode="nearest")}. */
        LATENT_NEAREST("latent-nearest", "Latent (nearest)", true),
        /** A1111 "Latent (bicubic)": {@code interpolate(mode="bicubic")}. */
        LATENT_BICUBIC("latent-bicubic", "Latent (bicubic)", true),
        /** Decode, Pillow's {@code Image.LANCZOS} resize, encode: A1111's "Lanczos". */
        LANCZOS("lanczos", "Lanczos", false),
        /** Decode, Pillow's {@code Image.BICUBIC} resize, encode. */
        BICUBIC("bicubic", "Bicubic", false);

        private final String id;
        private final String a1111Name;
        private final boolean latent;

        Upscaler(String id, String a1111Name, boolean latent) {
            this.id = id;
            this.a1111Name = a1111Name;
            this.latent = latent;
        }

        /** Our name: {@code latent-nearest}, {@code latent-bilinear}, {@code latent-bicubic}, {@code lanczos}, {@code bicubic}. */
        public String id() {
            return id;
        }

        /** The name A1111 writes as {@code Hires upscaler}. */
        public String a1111Name() {
            return a1111Name;
        }

        /** Whether the latents are interpolated (no VAE round trip). */
        public boolean latent() {
            return latent;
        }

        /** By our name, A1111's name or the enum name, ignoring case; {@code latent} = {@link #LATENT}. */
        public static Optional<Upscaler> parse(String name) {
            if (name == null) {
                return Optional.empty();
            }
            String n = name.trim();
            for (Upscaler u : values()) {
                if (u.id.equalsIgnoreCase(n) || u.a1111Name.equalsIgnoreCase(n) || u.name().equalsIgnoreCase(n)) {
                    return Optional.of(u);
                }
            }
            return n.equalsIgnoreCase("latent") ? Optional.of(LATENT) : Optional.empty();
        }

        /** Every accepted name, for error messages. */
        public static String names() {
            List<String> names = new ArrayList<>();
            for (Upscaler u : values()) {
                names.add(u.id);
            }
            return String.join(", ", names);
        }
    }

    public HiresFix {
        upscaler = upscaler == null ? Upscaler.LATENT : upscaler;
        scheduler = scheduler == null || scheduler.isBlank() ? null : scheduler.trim();
        List<Violation> violations = new ArrayList<>();
        if (!Double.isFinite(scale) || scale < 1 || scale > MAX_SCALE) {
            violations.add(new Violation("hires.scale", String.valueOf(scale),
                    "hires.scale must be between 1 and " + format(MAX_SCALE) + ", got " + scale));
        }
        positiveMultipleOf8(violations, "hires.width", width);
        positiveMultipleOf8(violations, "hires.height", height);
        if (!(strength > 0) || strength > 1) {
            violations.add(new Violation("hires.strength", String.valueOf(strength),
                    "hires.strength must be in (0, 1], got " + strength));
        }
        if (steps < 0 || steps > 1000) {
            violations.add(new Violation("hires.steps", String.valueOf(steps),
                    "hires.steps must be between 0 (the request's steps) and 1000, got " + steps));
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
    }

    private static void positiveMultipleOf8(List<Violation> out, String field, Integer value) {
        if (value != null && (value < 8 || value % 8 != 0)) {
            out.add(new Violation(field, String.valueOf(value), field + " must be a positive multiple of 8, got " + value));
        }
    }

    /** Upscale by {@code scale} with the defaults: {@link Upscaler#LATENT}, strength 0.7, the request's steps. */
    public static HiresFix scale(double scale) {
        return new HiresFix(scale, null, null, Upscaler.LATENT, DEFAULT_STRENGTH, 0, null);
    }

    /** Upscale to {@code width × height} with the defaults. */
    public static HiresFix resize(int width, int height) {
        return new HiresFix(1, width, height, Upscaler.LATENT, DEFAULT_STRENGTH, 0, null);
    }

    public HiresFix withUpscaler(Upscaler upscaler) {
        return new HiresFix(scale, width, height, upscaler, strength, steps, scheduler);
    }

    public HiresFix withStrength(double strength) {
        return new HiresFix(scale, width, height, upscaler, strength, steps, scheduler);
    }

    public HiresFix withSteps(int steps) {
        return new HiresFix(scale, width, height, upscaler, strength, steps, scheduler);
    }

    public HiresFix withScheduler(String scheduler) {
        return new HiresFix(scale, width, height, upscaler, strength, steps, scheduler);
    }

    /** Whether the target is an explicit size (A1111 writes {@code Hires resize}) rather than a factor. */
    public boolean resizes() {
        return width != null || height != null;
    }

    /**
     * The target size for a first pass of {@code baseWidth × baseHeight}, before rounding to the model's size
     * multiple: A1111's {@code calculate_target_resolution} ({@code int(width * hr_scale)}; one resize side alone
     * keeps the aspect ratio). Both sides given stretch the latents to them (A1111 would crop instead).
     */
    int[] target(int baseWidth, int baseHeight) {
        if (width == null && height == null) {
            return new int[]{(int) (baseWidth * scale), (int) (baseHeight * scale)};
        }
        if (height == null) {
            return new int[]{width, width * baseHeight / baseWidth};
        }
        if (width == null) {
            return new int[]{height * baseWidth / baseHeight, height};
        }
        return new int[]{width, height};
    }

    /**
     * A hires fix checked against a model: the second pass's size (rounded down to the size multiple), steps before
     * the strength cut, scheduler name, strength and upscaler.
     */
    public record Plan(int width, int height, int steps, String scheduler, double strength, Upscaler upscaler) {
    }

    static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
