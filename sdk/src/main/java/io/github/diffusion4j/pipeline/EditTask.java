package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.family.LatentCodec;
import io.github.diffusion4j.model.DiffusionModel;
import io.github.diffusion4j.model.RunContext;
import io.github.diffusion4j.model.VaeEncoder;
import io.github.diffusion4j.noise.NoiseGenerator;
import io.github.diffusion4j.scheduler.Scheduler;
import io.github.diffusion4j.scheduler.TimestepPlan;

import java.awt.image.BufferedImage;

/**
 * Image-to-image and inpainting, for any family, as diffusers does them:
 * <ul>
 *   <li>image-to-image ({@code pipeline_stable_diffusion_img2img.py}, {@code pipeline_flux_img2img.py}):
 *   {@code get_timesteps} cuts the schedule by {@code strength}; {@code prepare_latents} encodes the image
 *   ({@code retrieve_latents}: a sample from the encoder's distribution with the seeded generator, or its mean),
 *   scales (and shifts) it, then noises it to the first timestep: {@code scheduler.add_noise}, or
 *   {@code scale_noise} for flow matching;</li>
 *   <li>inpainting ({@code pipeline_stable_diffusion_inpaint.py}): the same start (pure noise × init_noise_sigma at
 *   strength 1), the mask resized to the latent grid (nearest) and the masked image encoded
 *   ({@code prepare_mask_latents}); a 9-channel UNet sees latents ‖ mask ‖ masked-image latents, any 4-channel model
 *   gets the known region blended back after every step but the last, noised to the next timestep.</li>
 * </ul>
 * Generator draws follow diffusers' order: image sample, noise, masked-image sample.
 */
final class EditTask implements Task {

    private final DiffusionModel model;
    private final InitImage init;
    private final EditImages images;
    private final RunContext context;
    private final int batch;
    private final int rowSize;
    private final boolean nineChannel;
    /** Hires fix's upscaled latents, already scaled: diffusers' img2img takes a 4-channel {@code image} as is. */
    private final float[] givenLatents;
    private final String name;
    private float[] imageLatents;
    private float[] noise;
    private float[] maskLatent;
    private float[] maskedImageLatents;

    EditTask(DiffusionModel model, InitImage init, int width, int height, RunContext context, int batch) {
        this(model, init, width, height, context, batch, null, init.masked() ? "inpaint" : "img2img");
    }

    /**
     * Image-to-image from latents ({@code StableDiffusionImg2ImgPipeline.prepare_latents}: an {@code image} of
     * {@code num_channels_latents} channels is taken as the init latents, neither encoded nor scaled), one row per
     * image of the batch; {@code strength} from {@code init}.
     */
    static EditTask fromLatents(DiffusionModel model, float[] latents, double strength, int width, int height,
                                RunContext context, int batch, String name) {
        // the InitImage carries the strength only: no pixels are read (images() stays null)
        BufferedImage placeholder = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        return new EditTask(model, InitImage.of(placeholder, strength), width, height, context, batch, latents, name);
    }

    private EditTask(DiffusionModel model, InitImage init, int width, int height, RunContext context, int batch,
                     float[] givenLatents, String name) {
        this.model = model;
        this.givenLatents = givenLatents;
        this.name = name;
        this.init = init;
        this.context = context;
        this.batch = batch;
        int scale = model.vaeDecoder().scaleFactor();
        this.images = givenLatents == null ? new EditImages(init, width, height, scale) : null;
        int latentChannels = model.denoiser().outChannels();
        this.rowSize = latentChannels * (height / scale) * (width / scale);
        this.nineChannel = init.masked() && model.denoiser().inChannels() == 2 * latentChannels + 1;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TimestepPlan plan(TimestepPlan familyPlan) {
        return familyPlan.withStrength(init.strength());
    }

    @Override
    public float[] prepareLatents(Scheduler scheduler, NoiseGenerator generator) {
        boolean strengthMax = init.strength() >= 1.0;
        if (givenLatents != null) {
            imageLatents = givenLatents;
        } else if (!init.masked() || !nineChannel || !strengthMax) {
            imageLatents = repeat(encodeScaled(images.image(), generator));
        }
        noise = generator.randn(batch * rowSize);
        float[] latents;
        if (init.masked() && strengthMax) {
            latents = noise.clone();
            Task.scale(latents, (float) scheduler.initNoiseSigma());
        } else {
            latents = noised(scheduler, imageLatents, scheduler.timesteps()[0]);
        }
        if (init.masked()) {
            maskLatent = images.latentMask();
            // diffusers encodes the masked image for every UNet (prepare_mask_latents), drawing from the generator
            maskedImageLatents = encodeScaled(images.maskedImage(), generator);
        }
        return latents;
    }

    private float[] noised(Scheduler scheduler, float[] original, double timestep) {
        return model.family().flowMatching() ? scheduler.scaleNoise(original, noise, timestep)
                : scheduler.addNoise(original, noise, timestep);
    }

    private float[] encodeScaled(float[] chw, NoiseGenerator generator) {
        return encodeScaled(model, chw, images.width(), images.height(), init.sampling(), generator, context);
    }

    /** {@code retrieve_latents(vae.encode(image), generator)} then the family's scaling (and shift). */
    static float[] encodeScaled(DiffusionModel model, float[] chw, int width, int height,
                                InitImage.LatentSampling sampling, NoiseGenerator generator, RunContext context) {
        VaeEncoder.Latents dist = model.vaeEncoder().encodeDistribution(chw, height, width, context.options(),
                context.stats());
        float[] latents = dist.logvar() != null && sampling == InitImage.LatentSampling.SAMPLE
                ? dist.sample(generator.randn(dist.mean().length)) : dist.mean().clone();
        LatentCodec codec = model.latentCodec();
        codec.fromEncoder(latents);
        return latents;
    }

    private float[] repeat(float[] one) {
        float[] out = new float[batch * rowSize];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(one, 0, out, b * rowSize, rowSize);
        }
        return out;
    }

    @Override
    public float[] denoiserInput(float[] scaledLatents) {
        if (!nineChannel) {
            return scaledLatents;
        }
        int plane = rowSize / (model.denoiser().outChannels());
        int inRow = model.denoiser().inChannels() * plane;
        float[] input = new float[batch * inRow];
        for (int b = 0; b < batch; b++) {
            // torch.cat([latent_model_input, mask, masked_image_latents], dim=1), after scale_model_input
            System.arraycopy(scaledLatents, b * rowSize, input, b * inRow, rowSize);
            System.arraycopy(maskLatent, 0, input, b * inRow + rowSize, plane);
            System.arraycopy(maskedImageLatents, 0, input, b * inRow + rowSize + plane, rowSize);
        }
        return input;
    }

    @Override
    public void afterStep(int i, double[] timesteps, float[] latents, Scheduler scheduler) {
        if (!init.masked() || nineChannel) {
            return;
        }
        // latents = (1 - init_mask) * init_latents_proper + init_mask * latents
        float[] proper = i < timesteps.length - 1 ? noised(scheduler, imageLatents, timesteps[i + 1]) : imageLatents;
        int plane = maskLatent.length;
        for (int k = 0; k < latents.length; k++) {
            float m = maskLatent[k % plane];
            latents[k] = (1 - m) * proper[k] + m * latents[k];
        }
    }

    /** The preprocessed images, for compositing the result. */
    EditImages images() {
        return images;
    }
}
