package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import java.util.EnumSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Euler's method for rectified-flow models (SD3, FLUX.1), ported from diffusers'
 * {@code scheduling_flow_match_euler_discrete.py} ({@code FlowMatchEulerDiscreteScheduler}, diffusers 0.40).
 * <p>
 * The model predicts the velocity {@code noise - x0}; a step is {@code x + (sigma_next - sigma) * v}. Sigmas run
 * from 1 (pure noise) to 0; timesteps are {@code sigma * num_train_timesteps}. Without custom sigmas the schedule is
 * {@code linspace(sigma_max, sigma_min, steps)} of the training sigmas, then shifted: by {@code shift}
 * ({@code shift s / (1 + (shift - 1) s)}, SD3 uses 3.0), or with {@code use_dynamic_shifting} by the plan's {@code mu}
 * ({@code time_shift_type} exponential: {@code e^mu / (e^mu + 1/s - 1)}, linear: {@code mu / (mu + 1/s - 1)}), as
 * FLUX.1 does with {@code mu} from the image's token count. {@code shift_terminal} stretches the schedule so that it
 * ends there; {@code invert_sigmas} runs it backwards.
 * <p>
 * Config keys (diffusers defaults): {@code num_train_timesteps} 1000, {@code shift} 1.0, {@code use_dynamic_shifting}
 * false, {@code base_shift} 0.5, {@code max_shift} 1.15, {@code base_image_seq_len} 256, {@code max_image_seq_len}
 * 4096 (the last four are read by the pipeline to compute mu, see {@link #calculateShift}), {@code invert_sigmas}
 * false, {@code shift_terminal} none, {@code use_karras_sigmas} false, {@code use_exponential_sigmas} false,
 * {@code time_shift_type} exponential, {@code stochastic_sampling} false (true re-noises x0 to the next sigma with
 * generator noise). {@code use_beta_sigmas} needs scipy's beta quantile function in diffusers and is refused.
 * {@link #addNoise} is {@link #scaleNoise}, the flow-matching forward process.
 */
public final class FlowMatchEulerDiscreteScheduler extends SigmaSpaceScheduler {

    private final int numTrain;
    private final double shift;
    private final boolean dynamicShifting;
    private final boolean linearTimeShift;
    private final double shiftTerminal;
    private final boolean invertSigmas;
    private final boolean karras;
    private final boolean exponential;
    private final boolean stochastic;
    private final double sigmaMin;
    private final double sigmaMax;


    public FlowMatchEulerDiscreteScheduler(SchedulerConfig config) {
        super("flow_match_euler", config);
        this.numTrain = config.getInt("num_train_timesteps", 1000);
        if (numTrain < 1) {
            throw new IllegalArgumentException("Scheduler config 'num_train_timesteps' must be >= 1, got " + numTrain);
        }
        this.shift = config.getDouble("shift", 1.0);
        if (!(shift > 0)) {
            throw new IllegalArgumentException("Scheduler config 'shift' must be > 0, got " + shift);
        }
        this.dynamicShifting = config.getBoolean("use_dynamic_shifting", false);
        this.linearTimeShift = "linear".equals(config.getEnum("time_shift_type", "exponential",
                List.of("exponential", "linear")));
        this.shiftTerminal = config.getDouble("shift_terminal", 0.0);
        if (shiftTerminal < 0 || shiftTerminal >= 1) {
            throw new IllegalArgumentException("Scheduler config 'shift_terminal' must be in [0, 1), got "
                    + shiftTerminal);
        }
        this.invertSigmas = config.getBoolean("invert_sigmas", false);
        this.karras = config.getBoolean("use_karras_sigmas", false);
        this.exponential = config.getBoolean("use_exponential_sigmas", false);
        if (karras && exponential) {
            throw new IllegalArgumentException("Scheduler config 'use_karras_sigmas' and 'use_exponential_sigmas'"
                    + " cannot both be true");
        }
        if (config.getBoolean("use_beta_sigmas", false)) {
            throw new IllegalArgumentException("Scheduler config 'use_beta_sigmas' = true is not supported by"
                    + " FlowMatchEulerDiscreteScheduler here (diffusers computes it with scipy's beta quantiles);"
                    + " use use_karras_sigmas or use_exponential_sigmas");
        }
        this.stochastic = config.getBoolean("stochastic_sampling", false);
        // __init__: sigmas of linspace(1, N, N) / N in float32, shifted by `shift` unless shifting is dynamic.
        float last = trainingSigma(1);
        float first = trainingSigma(numTrain);
        this.sigmaMax = first;
        this.sigmaMin = last;
    }

    private float trainingSigma(int t) {
        float s = (float) t / (float) numTrain;
        if (dynamicShifting) {
            return s;
        }
        float fShift = (float) shift;
        return fShift * s / (1f + (fShift - 1f) * s);
    }

    /**
     * pipeline_flux.py calculate_shift: mu for an image of {@code imageSeqLen} latent tokens
     * ({@code (height / 16) * (width / 16)} for FLUX.1), interpolated linearly between {@code base_shift} at
     * {@code base_image_seq_len} and {@code max_shift} at {@code max_image_seq_len} of this config.
     */
    public double calculateShift(int imageSeqLen) {
        double baseLen = config.getInt("base_image_seq_len", 256);
        double maxLen = config.getInt("max_image_seq_len", 4096);
        double baseShift = config.getDouble("base_shift", 0.5);
        double maxShift = config.getDouble("max_shift", 1.15);
        double m = (maxShift - baseShift) / (maxLen - baseLen);
        double b = baseShift - m * baseLen;
        return imageSeqLen * m + b;
    }

    @Override
    protected Set<PlanPart> supportedPlanParts() {
        return EnumSet.allOf(PlanPart.class);
    }

    @Override
    protected double[] schedule(TimestepPlan plan) {
        if (dynamicShifting && plan.mu().isEmpty()) {
            throw new IllegalArgumentException("mu is required in the timestep plan: this scheduler config has"
                    + " use_dynamic_shifting = true (FLUX.1 computes mu from the image size)");
        }
        int steps = plan.steps();
        double[] sigmas = plan.sigmas();
        if (sigmas == null && plan.timesteps() == null) {
            Checks.checkSteps(steps, numTrain);
        }
        if (sigmas == null) {
            double[] custom = plan.timesteps();
            sigmas = custom != null ? custom : ArrayMath.numpyLinspace(sigmaMax * numTrain, sigmaMin * numTrain, steps);
            for (int i = 0; i < sigmas.length; i++) {
                sigmas[i] = sigmas[i] / numTrain;
            }
        }
        for (int i = 0; i < sigmas.length; i++) {
            sigmas[i] = shifted(sigmas[i], plan.mu());
        }
        if (shiftTerminal > 0) {
            // stretch_shift_to_terminal: rescale 1 - s so that the last sigma becomes shift_terminal.
            double scale = (1 - sigmas[sigmas.length - 1]) / (1 - shiftTerminal);
            for (int i = 0; i < sigmas.length; i++) {
                sigmas[i] = 1 - (1 - sigmas[i]) / scale;
            }
        }
        if (karras) {
            sigmas = SigmaMath.karrasSigmas(sigmas[sigmas.length - 1], sigmas[0], sigmas.length);
        } else if (exponential) {
            sigmas = SigmaMath.exponentialSigmas(sigmas[sigmas.length - 1], sigmas[0], sigmas.length);
        }
        int n = sigmas.length;
        float[] all = new float[n + 1];
        double[] timesteps = new double[n];
        for (int i = 0; i < n; i++) {
            float s = (float) sigmas[i];
            all[i] = invertSigmas ? 1f - s : s;
            timesteps[i] = all[i] * (float) numTrain;
        }
        all[n] = invertSigmas ? 1f : 0f;
        state.reset(timesteps, all, false);
        return timesteps;
    }

    private double shifted(double sigma, OptionalDouble mu) {
        if (!dynamicShifting) {
            return shift * sigma / (1 + (shift - 1) * sigma);
        }
        double m = mu.getAsDouble();
        double tail = 1 / sigma - 1;
        return linearTimeShift ? m / (m + tail) : Math.exp(m) / (Math.exp(m) + tail);
    }

    @Override
    public StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator) {
        Checks.checkSameLength(modelOutput, sample);
        int index = state.enterStep(timestep);
        float sigma = (float) state.sigma(index);
        float sigmaNext = (float) state.sigma(index + 1);
        float dt = sigmaNext - sigma;
        int n = sample.length;
        float[] noise = stochastic ? Checks.draw(generator, n, "flow_match_euler with stochastic_sampling") : null;
        float[] prev = new float[n];
        float[] predOriginal = new float[n];
        for (int i = 0; i < n; i++) {
            float x0 = sample[i] - sigma * modelOutput[i];
            predOriginal[i] = x0;
            prev[i] = noise != null ? (1f - sigmaNext) * x0 + sigmaNext * noise[i] : sample[i] + dt * modelOutput[i];
        }
        state.finishStep();
        return new StepOutput(prev, predOriginal);
    }

    @Override
    public float[] scaleNoise(float[] sample, float[] noise, double timestep) {
        return state.scaleNoiseFlow(sample, noise, timestep);
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, double timestep) {
        return scaleNoise(original, noise, timestep);
    }

    @Override
    public PredictionType predictionType() {
        return PredictionType.FLOW;
    }
}
