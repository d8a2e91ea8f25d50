package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import java.util.List;

import static io.github.diffusion4j.scheduler.VariancePreserving.sqrtF32;

/**
 * DDPM (Ho et al. 2020), ported from diffusers' {@code scheduling_ddpm.py} ({@code DDPMScheduler}).
 * <p>
 * Config keys (diffusers defaults): {@code num_train_timesteps} 1000, {@code beta_start} 1e-4, {@code beta_end} 0.02,
 * {@code beta_schedule} linear (also {@code sigmoid}, as in diffusers' DDPM), {@code trained_betas},
 * {@code variance_type} fixed_small (also fixed_small_log and fixed_large; the learned variants need a model that
 * predicts variance and are rejected), {@code clip_sample} true, {@code clip_sample_range} 1.0,
 * {@code prediction_type} epsilon, {@code timestep_spacing} leading, {@code steps_offset} 0,
 * {@code rescale_betas_zero_snr} false. {@code thresholding} = true is rejected.
 * <p>
 * Every step except the one at timestep 0 draws {@code sample.length} values from the generator.
 */
public final class DdpmScheduler extends AbstractScheduler {

    private static final List<String> VARIANCE_TYPES = List.of(
            "fixed_small", "fixed_small_log", "fixed_large", "fixed_large_log", "learned", "learned_range");

    private final int numTrain;
    private final float[] alphasCumprod;
    private final PredictionType prediction;
    private final String spacing;
    private final String varianceType;
    private final int stepsOffset;
    private final boolean clipSample;
    private final double clipRange;


    public DdpmScheduler(SchedulerConfig config) {
        super("ddpm", config);
        this.numTrain = BetaSchedules.numTrainTimesteps(config);
        this.alphasCumprod = BetaSchedules.alphasCumprod(config, true, true);
        this.prediction = PredictionType.fromConfig(config, PredictionType.DIFFUSION);
        this.spacing = config.getEnum("timestep_spacing", "leading", Spacings.SPACINGS);
        this.varianceType = config.getEnum("variance_type", "fixed_small", VARIANCE_TYPES);
        if (!List.of("fixed_small", "fixed_small_log", "fixed_large").contains(varianceType)) {
            throw new IllegalArgumentException("Scheduler config 'variance_type' = '" + varianceType
                    + "' is not supported by DDPMScheduler here; use one of [fixed_small, fixed_small_log,"
                    + " fixed_large]");
        }
        this.stepsOffset = config.getInt("steps_offset", 0);
        this.clipSample = config.getBoolean("clip_sample", true);
        this.clipRange = config.getDouble("clip_sample_range", 1.0);
        Checks.rejectIfTrue(config, "thresholding", "DDPMScheduler");
    }

    @Override
    protected double[] schedule(TimestepPlan plan) {
        int steps = plan.steps();
        Checks.checkSteps(steps, numTrain);
        return Spacings.integerTimesteps(spacing, numTrain, steps, stepsOffset);
    }

    @Override
    public StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator) {
        requireSet();
        Checks.checkSameLength(modelOutput, sample);
        double[] schedule = fullTimesteps();
        int index = SigmaMath.indexForTimestep(schedule, timestep);
        int t = (int) timestep;
        int prev = previousTimestep(schedule, index);
        // float32 in torch's operation order, like diffusers' 0-dim tensors (self.one is torch.tensor(1.0))
        float alphaProd = alphasCumprod[t];
        float alphaProdPrev = prev >= 0 ? alphasCumprod[prev] : 1f;
        float betaProd = 1f - alphaProd;
        float betaProdPrev = 1f - alphaProdPrev;
        float currentAlpha = alphaProd / alphaProdPrev;
        float currentBeta = 1f - currentAlpha;
        float sqrtAlpha = sqrtF32(alphaProd);
        float sqrtBeta = sqrtF32(betaProd);

        // Formula (7) of the DDPM paper: posterior mean coefficients for x_0 and x_t.
        float x0Coeff = sqrtF32(alphaProdPrev) * currentBeta / betaProd;
        float sampleCoeff = sqrtF32(currentAlpha) * betaProdPrev / betaProd;

        int n = sample.length;
        float[] noise = t > 0 ? Checks.draw(generator, n, "DDPM") : null;
        float noiseScale = t > 0 ? noiseScale(betaProd, betaProdPrev, currentBeta) : 0f;
        float range = (float) clipRange;

        float[] prevSample = new float[n];
        float[] predOriginal = new float[n];
        for (int i = 0; i < n; i++) {
            float x = sample[i];
            float m = modelOutput[i];
            float x0 = VariancePreserving.originalSampleF32(prediction, x, m, sqrtAlpha, sqrtBeta);
            if (clipSample) {
                x0 = Math.min(Math.max(x0, -range), range);
            }
            float out = x0Coeff * x0 + sampleCoeff * x;
            if (noise != null) {
                out += noiseScale * noise[i]; // pred_prev_sample + variance ** 0.5 * variance_noise
            }
            prevSample[i] = out;
            predOriginal[i] = x0;
        }
        return new StepOutput(prevSample, predOriginal);
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, double timestep) {
        return VariancePreserving.addNoiseAtTrainingTimestep(alphasCumprod, numTrain, original, noise, timestep);
    }

    @Override
    public PredictionType predictionType() {
        return prediction;
    }

    /**
     * Formula (6)/(7): the posterior standard deviation, from {@code _get_variance}'s float32
     * {@code (1 - alpha_prod_t_prev) / (1 - alpha_prod_t) * current_beta_t} clamped at 1e-20 (the log variant goes
     * through float log and exp, which torch takes from libm: within an ulp, not to the bit).
     */
    private float noiseScale(float betaProd, float betaProdPrev, float currentBeta) {
        float variance = Math.max(betaProdPrev / betaProd * currentBeta, 1e-20f);
        return switch (varianceType) {
            case "fixed_small_log" -> (float) Math.exp(0.5f * (float) Math.log(variance));
            case "fixed_large" -> sqrtF32(currentBeta);
            default -> sqrtF32(variance);
        };
    }

    /**
     * scheduling_ddpm.py previous_timestep (diffusers 0.40, lines 648-668): once a schedule is set, the previous
     * timestep is the next entry of the schedule (-1 after the last one), for every spacing. It is not
     * {@code t - num_train / steps}: with linspace spacing 4 steps go 999 to 666, not 749, and trailing schedules
     * round their entries (3 steps: 666 to 332, not 333).
     */
    private static int previousTimestep(double[] schedule, int index) {
        return index + 1 < schedule.length ? (int) schedule[index + 1] : -1;
    }
}
