package io.github.diffusion4j.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** Behaviour every scheduler shares: state reset, misuse errors, config errors, config interchangeability. */
class SchedulerContractTest {

    /** Real scheduler_config.json files of popular models (SD 1.5, SD 2.1 v-prediction, SDXL, a DPM++ Karras setup). */
    private static final List<String> MODEL_CONFIGS = List.of(
            "{\"_class_name\": \"PNDMScheduler\", \"_diffusers_version\": \"0.6.0\", \"beta_end\": 0.012,"
                    + " \"beta_schedule\": \"scaled_linear\", \"beta_start\": 0.00085, \"num_train_timesteps\": 1000,"
                    + " \"set_alpha_to_one\": false, \"skip_prk_steps\": true, \"steps_offset\": 1,"
                    + " \"trained_betas\": null, \"clip_sample\": false}",
            "{\"_class_name\": \"DDIMScheduler\", \"beta_end\": 0.012, \"beta_schedule\": \"scaled_linear\","
                    + " \"beta_start\": 0.00085, \"clip_sample\": false, \"num_train_timesteps\": 1000,"
                    + " \"prediction_type\": \"v_prediction\", \"set_alpha_to_one\": false, \"skip_prk_steps\": true,"
                    + " \"steps_offset\": 1, \"trained_betas\": null}",
            "{\"_class_name\": \"EulerDiscreteScheduler\", \"beta_end\": 0.012, \"beta_schedule\": \"scaled_linear\","
                    + " \"beta_start\": 0.00085, \"clip_sample\": false, \"interpolation_type\": \"linear\","
                    + " \"num_train_timesteps\": 1000, \"prediction_type\": \"epsilon\", \"sample_max_value\": 1.0,"
                    + " \"set_alpha_to_one\": false, \"skip_prk_steps\": true, \"steps_offset\": 1,"
                    + " \"timestep_spacing\": \"leading\", \"trained_betas\": null, \"use_karras_sigmas\": false}",
            "{\"_class_name\": \"DPMSolverMultistepScheduler\", \"algorithm_type\": \"dpmsolver++\","
                    + " \"beta_schedule\": \"scaled_linear\", \"beta_start\": 0.00085, \"beta_end\": 0.012,"
                    + " \"solver_order\": 2, \"solver_type\": \"midpoint\", \"use_karras_sigmas\": true,"
                    + " \"final_sigmas_type\": \"zero\", \"lower_order_final\": true, \"thresholding\": false,"
                    + " \"dynamic_thresholding_ratio\": 0.995, \"sample_max_value\": 1.0, \"variance_type\": null,"
                    + " \"timestep_spacing\": \"linspace\", \"rescale_betas_zero_snr\": false}");

    private static final List<String> SIGMA_SCHEDULERS = List.of("euler", "euler_a", "lms", "dpmpp_2m");

    static Stream<Arguments> everySchedulerOnEveryConfig() {
        List<Arguments> out = new ArrayList<>();
        for (String json : MODEL_CONFIGS) {
            for (String name : Schedulers.names()) {
                out.add(Arguments.of(name, json));
            }
        }
        return out.stream();
    }

    static Stream<String> names() {
        return Schedulers.names().stream();
    }

    /** Runs a whole generation with the golden test's fake model and noise stream; returns the final latent. */
    private static float[] run(Scheduler scheduler, int steps) {
        scheduler.setTimesteps(steps);
        GoldenInputs.StreamNoise noise = new GoldenInputs.StreamNoise();
        float[] sample = GoldenInputs.initialLatents(scheduler.initNoiseSigma());
        for (double t : scheduler.timesteps()) {
            float[] input = scheduler.scaleModelInput(sample, t);
            sample = scheduler.step(GoldenInputs.fakeModel(input, t), t, sample, noise).prevSample();
        }
        return sample;
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everySchedulerOnEveryConfig")
    void anySchedulerRunsOnAnyModelConfig(String name, String json) {
        Scheduler scheduler = Schedulers.create(name, SchedulerConfig.fromJson(json));
        float[] result = run(scheduler, 8);
        assertThat(result).hasSize(GoldenInputs.NUMEL);
        for (float v : result) {
            assertThat(Float.isFinite(v)).as("finite latent").isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void setTimestepsResetsAllState(String name) {
        Scheduler scheduler = Schedulers.create(name, SchedulerConfig.fromJson(MODEL_CONFIGS.get(0)));
        float[] first = run(scheduler, 12);
        // Abandon a generation half-way, then start again: nothing may leak into the new run.
        scheduler.setTimesteps(12);
        double[] timesteps = scheduler.timesteps();
        float[] sample = GoldenInputs.initialLatents(scheduler.initNoiseSigma());
        GoldenInputs.StreamNoise noise = new GoldenInputs.StreamNoise();
        for (int i = 0; i < 5; i++) {
            float[] input = scheduler.scaleModelInput(sample, timesteps[i]);
            sample = scheduler.step(GoldenInputs.fakeModel(input, timesteps[i]), timesteps[i], sample, noise)
                    .prevSample();
        }
        float[] second = run(scheduler, 12);
        assertThat(second).containsExactly(first);
        float[] fresh = run(Schedulers.create(name, SchedulerConfig.fromJson(MODEL_CONFIGS.get(0))), 12);
        assertThat(fresh).containsExactly(first);
    }

    @ParameterizedTest
    @MethodSource("names")
    void stepBeforeSetTimestepsFails(String name) {
        Scheduler scheduler = Schedulers.create(name, SchedulerConfig.empty());
        float[] sample = GoldenInputs.baseLatents();
        assertThatThrownBy(scheduler::timesteps).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setTimesteps");
        assertThatThrownBy(() -> scheduler.step(sample, 999, sample, new GoldenInputs.StreamNoise()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setTimesteps");
    }

    @ParameterizedTest
    @MethodSource("names")
    void stepCountsOutsideTrainingRangeFail(String name) {
        Scheduler scheduler = Schedulers.create(name, SchedulerConfig.empty());
        assertThatThrownBy(() -> scheduler.setTimesteps(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("steps must be at least 1, got 0");
        assertThatThrownBy(() -> scheduler.setTimesteps(1001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1001");
    }

    @Test
    void leadingSpacingWithOffsetRejectsCountsThatStepPastTheSchedule() {
        // SD 1.5's PNDM config: 1000 steps would ask for timestep 1000 (diffusers fails with an IndexError).
        Scheduler pndm = Schedulers.create("pndm", SchedulerConfig.fromJson(
                "{\"steps_offset\": 1, \"skip_prk_steps\": true, \"timestep_spacing\": \"leading\"}"));
        assertThatThrownBy(() -> pndm.setTimesteps(1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("steps must be between 1 and 999 with timestep_spacing 'leading' and steps_offset 1"
                        + " (larger counts step past timestep 999), got 1000");
        pndm.setTimesteps(999);
        assertThat(pndm.timesteps()[0]).isEqualTo(999.0);
    }

    @ParameterizedTest
    @MethodSource("names")
    void timestepOutsideTheScheduleFails(String name) {
        Scheduler scheduler = Schedulers.create(name, SchedulerConfig.empty());
        scheduler.setTimesteps(10);
        float[] sample = GoldenInputs.baseLatents();
        assertThatThrownBy(() -> {
            float[] input = scheduler.scaleModelInput(sample, 12.5);
            scheduler.step(input, 12.5, sample, new GoldenInputs.StreamNoise());
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12.5");
    }

    @ParameterizedTest
    @MethodSource("names")
    void mismatchedModelOutputFails(String name) {
        Scheduler scheduler = Schedulers.create(name, SchedulerConfig.empty());
        scheduler.setTimesteps(10);
        double t = scheduler.timesteps()[0];
        assertThatThrownBy(() -> scheduler.step(new float[3], t, new float[4], new GoldenInputs.StreamNoise()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3");
    }

    @ParameterizedTest
    @MethodSource("names")
    void scaleModelInputNeverMutatesItsInput(String name) {
        Scheduler scheduler = Schedulers.create(name, SchedulerConfig.empty());
        scheduler.setTimesteps(10);
        float[] sample = GoldenInputs.baseLatents();
        float[] copy = sample.clone();
        scheduler.scaleModelInput(sample, scheduler.timesteps()[0]);
        assertThat(sample).containsExactly(copy);
        assertThat(scheduler.order()).isEqualTo(Schedulers.descriptor(name).order());
    }

    @ParameterizedTest
    @CsvSource({"euler", "euler_a", "lms", "dpmpp_2m"})
    void sigmaSchedulersEnforceTheStepOrder(String name) {
        Scheduler scheduler = Schedulers.create(name, SchedulerConfig.empty());
        scheduler.setTimesteps(3);
        double[] ts = scheduler.timesteps();
        float[] sample = GoldenInputs.baseLatents();
        GoldenInputs.StreamNoise noise = new GoldenInputs.StreamNoise();
        scheduler.step(sample, ts[0], sample, noise);
        assertThatThrownBy(() -> scheduler.step(sample, ts[2], sample, noise))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected timestep");
        scheduler.step(sample, ts[1], sample, noise);
        scheduler.step(sample, ts[2], sample, noise);
        assertThatThrownBy(() -> scheduler.step(sample, ts[2], sample, noise))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("setTimesteps");
        assertThat(scheduler.sigmaAt(0)).isPresent();
        assertThat(scheduler.sigmaAt(3)).hasValue(0.0);
        assertThat(scheduler.sigmaAt(4)).isEmpty();
    }

    @Test
    void sigmaSchedulersCanStartMidSchedule() {
        // img2img enters the schedule part-way; the first call locates the timestep like diffusers does.
        for (String name : SIGMA_SCHEDULERS) {
            Scheduler scheduler = Schedulers.create(name, SchedulerConfig.empty());
            scheduler.setTimesteps(10);
            double[] ts = scheduler.timesteps();
            float[] sample = GoldenInputs.baseLatents();
            GoldenInputs.StreamNoise noise = new GoldenInputs.StreamNoise();
            for (int i = 4; i < ts.length; i++) {
                sample = scheduler.step(GoldenInputs.fakeModel(scheduler.scaleModelInput(sample, ts[i]), ts[i]), ts[i],
                        sample, noise).prevSample();
            }
            assertThat(sample).as(name).hasSize(GoldenInputs.NUMEL);
        }
    }

    @Test
    void sampleSpaceSchedulersHaveNoSigma() {
        for (String name : List.of("ddim", "ddpm", "pndm")) {
            Scheduler scheduler = Schedulers.create(name, SchedulerConfig.empty());
            scheduler.setTimesteps(10);
            assertThat(scheduler.sigmaAt(0)).as(name).isEmpty();
            assertThat(scheduler.initNoiseSigma()).isEqualTo(1.0);
            float[] sample = GoldenInputs.baseLatents();
            assertThat(scheduler.scaleModelInput(sample, scheduler.timesteps()[0])).isSameAs(sample);
        }
    }

    @ParameterizedTest
    @CsvSource({"ddpm", "euler_a"})
    void stochasticSchedulersNeedAGenerator(String name) {
        Scheduler scheduler = Schedulers.create(name, SchedulerConfig.empty());
        scheduler.setTimesteps(10);
        double t = scheduler.timesteps()[0];
        float[] sample = GoldenInputs.baseLatents();
        assertThatThrownBy(() -> scheduler.step(sample, t, scheduler.scaleModelInput(sample, t), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NoiseGenerator");
    }

    @Test
    void ddimDrawsNoiseOnlyWithEta() {
        Scheduler deterministic = Schedulers.create("ddim", SchedulerConfig.empty());
        deterministic.setTimesteps(5);
        float[] sample = GoldenInputs.baseLatents();
        GoldenInputs.StreamNoise noise = new GoldenInputs.StreamNoise();
        deterministic.step(sample, deterministic.timesteps()[0], sample, noise);
        assertThat(noise.draws).isEmpty();
        deterministic.step(sample, deterministic.timesteps()[1], sample, null);

        Scheduler withEta = Schedulers.create("ddim", SchedulerConfig.empty().with("eta", 1.0));
        withEta.setTimesteps(5);
        withEta.step(sample, withEta.timesteps()[0], sample, noise);
        assertThat(noise.draws).containsExactly(GoldenInputs.NUMEL);
        assertThatThrownBy(() -> withEta.step(sample, withEta.timesteps()[1], sample, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NoiseGenerator");
    }

    @Test
    void pndmTimestepsFollowDiffusers() {
        Scheduler sd15 = Schedulers.create("pndm", SchedulerConfig.fromJson(MODEL_CONFIGS.get(0)));
        sd15.setTimesteps(50);
        double[] ts = sd15.timesteps();
        assertThat(ts).hasSize(51);
        assertThat(ts).startsWith(981, 961, 961, 941, 921).endsWith(41, 21, 1);

        Scheduler prk = Schedulers.create("pndm", SchedulerConfig.empty());
        prk.setTimesteps(4);
        assertThat(prk.timesteps()).containsExactly(750, 625, 625, 500, 500, 375, 375, 250, 250, 125, 125, 0, 0);
        assertThat(prk.step(GoldenInputs.baseLatents(), 750, GoldenInputs.baseLatents(), null)
                .predOriginalSample()).isNull();
        assertThatThrownBy(() -> prk.setTimesteps(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("skip_prk_steps");
    }

    @Test
    void addNoiseMatchesTheForwardProcess() {
        Scheduler ddim = Schedulers.create("ddim", SchedulerConfig.empty());
        float[] x = {1f, -2f};
        float[] n = {0.5f, 0.25f};
        float[] noisy = ddim.addNoise(x, n, 0);
        double a = 1 - 0.0001;
        assertThat((double) noisy[0]).isCloseTo(Math.sqrt(a) * 1 + Math.sqrt(1 - a) * 0.5,
                offset(1e-6));
        assertThatThrownBy(() -> ddim.addNoise(x, n, 1000)).isInstanceOf(IllegalArgumentException.class);

        Scheduler euler = Schedulers.create("euler", SchedulerConfig.empty());
        euler.setTimesteps(5);
        double t = euler.timesteps()[2];
        float[] viaEuler = euler.addNoise(x, n, t);
        double sigma = euler.sigmaAt(2).orElseThrow();
        assertThat((double) viaEuler[1]).isCloseTo(-2 + 0.25 * sigma, offset(1e-5));
    }

    static Stream<String> diffusionNames() {
        return Schedulers.descriptors().stream().filter(d -> !d.flowMatching()).map(SchedulerDescriptor::name);
    }

    @ParameterizedTest
    @MethodSource("diffusionNames")
    void invalidCommonKeysNameTheKeyAndTheAllowedValues(String name) {
        assertThatThrownBy(() -> Schedulers.create(name, SchedulerConfig.empty().with("prediction_type", "x0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'prediction_type'").hasMessageContaining("epsilon").hasMessageContaining("x0");
        assertThatThrownBy(() -> Schedulers.create(name, SchedulerConfig.empty().with("timestep_spacing", "uniform")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'timestep_spacing'").hasMessageContaining("[linspace, leading, trailing]");
        assertThatThrownBy(() -> Schedulers.create(name, SchedulerConfig.empty().with("beta_schedule", "cosine")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'beta_schedule'").hasMessageContaining("squaredcos_cap_v2");
        assertThatThrownBy(() -> Schedulers.create(name, SchedulerConfig.empty().with("beta_start", "small")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'beta_start'");
        assertThatThrownBy(() -> Schedulers.create(name, SchedulerConfig.empty().with("num_train_timesteps", 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'num_train_timesteps'");
        assertThatThrownBy(() -> Schedulers.create(name, SchedulerConfig.empty()
                .with("trained_betas", List.of(0.1, 0.2)).with("num_train_timesteps", 1000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'trained_betas'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ddim     | thresholding      | true           | 'thresholding'",
            "ddpm     | thresholding      | true           | 'thresholding'",
            "ddpm     | variance_type     | learned_range  | 'variance_type'",
            "ddpm     | variance_type     | nonsense       | 'variance_type'",
            "ddim     | eta               | -1.0           | 'eta'",
            "pndm     | prediction_type   | sample         | 'prediction_type'",
            "euler_a  | prediction_type   | sample         | 'prediction_type'",
            "euler    | interpolation_type| cubic          | 'interpolation_type'",
            "euler    | final_sigmas_type | one            | 'final_sigmas_type'",
            "euler    | timestep_type     | discret        | 'timestep_type'",
            "euler    | use_beta_sigmas   | true           | 'use_beta_sigmas'",
            "lms      | use_exponential_sigmas | true      | 'use_exponential_sigmas'",
            "dpmpp_2m | solver_order      | 4              | 'solver_order'",
            "dpmpp_2m | algorithm_type    | sde-dpmsolver  | 'algorithm_type'",
            "dpmpp_2m | solver_type       | rk4            | 'solver_type'",
            "dpmpp_2m | final_sigmas_type | none           | 'final_sigmas_type'",
            "dpmpp_2m | use_lu_lambdas    | true           | 'use_lu_lambdas'",
            "dpmpp_2m | variance_type     | learned        | 'variance_type'",
    })
    void schedulerSpecificConfigErrorsNameTheKey(String name, String key, String value, String expected) {
        Object parsed = switch (value) {
            case "true" -> Boolean.TRUE;
            case "4" -> 4;
            case "-1.0" -> -1.0;
            default -> value;
        };
        assertThatThrownBy(() -> Schedulers.create(name, SchedulerConfig.empty().with(key, parsed)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(expected);
    }

    @Test
    void dpmSolverRejectsZeroFinalSigmaForTheNoisePredictionVariant() {
        assertThatThrownBy(() -> Schedulers.create("dpmpp_2m",
                SchedulerConfig.empty().with("algorithm_type", "dpmsolver")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'final_sigmas_type'");
        // diffusers maps deis to dpmsolver++ and the UniPC solver types to midpoint.
        Scheduler deis = Schedulers.create("dpmpp_2m",
                SchedulerConfig.empty().with("algorithm_type", "deis").with("solver_type", "bh2"));
        Scheduler plain = Schedulers.create("dpmpp_2m", SchedulerConfig.empty());
        assertThat(run(deis, 6)).containsExactly(run(plain, 6));
    }

    @Test
    void unknownKeysAreIgnoredLikeFromConfig() {
        Scheduler scheduler = Schedulers.create("lms", SchedulerConfig.empty()
                .with("skip_prk_steps", true).with("clip_sample", false).with("solver_order", 3));
        assertThat(run(scheduler, 4)).hasSize(GoldenInputs.NUMEL);
    }
}
