package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import java.util.OptionalDouble;

/**
 * A noise scheduler: the algorithm that turns a model's noise prediction into the next, less noisy latent.
 * <p>
 * The contract mirrors diffusers' {@code SchedulerMixin} so that every diffusers scheduler ports as one file:
 * {@link #setTimesteps(int)} resets all state and must be called before anything else, the pipeline then iterates
 * over {@link #timesteps()}, scales the UNet input with {@link #scaleModelInput(float[], double)} and calls
 * {@link #step(float[], double, float[], NoiseGenerator)} once per timestep.
 * <p>
 * Latents are flat {@code float[]} in NCHW order; the whole (guided) batch is one array. Schedulers are stateful and
 * not thread-safe: one instance per generation.
 */
public interface Scheduler {

    /** Registry name, e.g. {@code "euler"}; see {@link Schedulers#names()}. */
    String name();

    /** The configuration this scheduler was built from. */
    SchedulerConfig config();

    /**
     * Sets the number of denoising steps and resets every piece of state (step index, multistep history, ...).
     *
     * @throws IllegalArgumentException when {@code numInferenceSteps} is not in [1, numTrainTimesteps]
     */
    void setTimesteps(int numInferenceSteps);

    /**
     * Builds the schedule from a {@link TimestepPlan} (custom sigmas or timesteps, dynamic-shifting mu, image-to-image
     * strength) and resets every piece of state. {@code setTimesteps(n)} is {@code setTimesteps(TimestepPlan.of(n))}.
     *
     * @throws IllegalArgumentException when the plan has a part this scheduler does not support (the message names
     *                                  the field) or a step count outside the scheduler's range
     */
    void setTimesteps(TimestepPlan plan);

    /**
     * The timesteps the pipeline iterates over, in order, calling {@link #step} once per entry: already cut for an
     * image-to-image strength, so {@code timesteps()[0]} is the timestep to noise the initial latents at. May be
     * longer than the number of inference steps: PNDM's PLMS warm-up, and the second-order schedulers (Heun, KDPM2)
     * whose entries repeat, one per model evaluation.
     *
     * @throws IllegalStateException when {@code setTimesteps} has not been called
     */
    double[] timesteps();

    /**
     * Standard deviation of the initial noise: 1 for DDIM/DDPM/PNDM and flow matching, {@code max sigma} (or its
     * variant) for sigma-space solvers.
     */
    double initNoiseSigma();

    /**
     * Scales the denoising model input for the current timestep. Returns {@code sample} itself when the algorithm
     * does not scale, a new array otherwise; never modifies {@code sample}.
     */
    float[] scaleModelInput(float[] sample, double timestep);

    /**
     * Predicts the sample at the previous timestep.
     *
     * @param modelOutput the direct output of the denoising model (noise, v or x0 depending on prediction_type)
     * @param timestep    the current timestep, one of {@link #timesteps()}
     * @param sample      the current latent
     * @param generator   random source for stochastic schedulers (DDPM, DDIM with eta, Euler ancestral); may be
     *                    {@code null} for deterministic ones
     */
    StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator);

    /**
     * Forward diffusion: noises {@code original} to the level of {@code timestep} (for img2img). For
     * {@code timesteps()[0]} it uses the begin index of an image-to-image plan, as diffusers does, so schedules with
     * repeated timesteps noise at the right sigma. Flow-matching schedulers answer with {@link #scaleNoise}.
     */
    float[] addNoise(float[] original, float[] noise, double timestep);

    /**
     * Flow matching's forward process {@code sigma * noise + (1 - sigma) * sample} (diffusers'
     * {@code FlowMatchEulerDiscreteScheduler.scale_noise}).
     *
     * @throws UnsupportedOperationException for schedulers that are not flow-matching ones (use {@link #addNoise})
     */
    default float[] scaleNoise(float[] sample, float[] noise, double timestep) {
        throw new UnsupportedOperationException(name() + " is not a flow-matching scheduler; use addNoise");
    }

    /** The model's prediction type this scheduler was configured for. */
    PredictionType predictionType();

    /** Solver order (diffusers' {@code order}): the number of model evaluations per scheduler step of the loop. */
    int order();

    /**
     * The sigma at position {@code stepIndex} of {@link #timesteps()} (after any image-to-image cut), for sigma-space
     * schedulers; empty otherwise.
     */
    default OptionalDouble sigmaAt(int stepIndex) {
        return OptionalDouble.empty();
    }
}
