package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** The timestep plan contract, the DDPM linspace fix, LCM's last step and the registry's descriptors. */
class TimestepPlanTest {

    /** A generator that only returns zeros, so a stochastic step shows its deterministic part. */
    private static final NoiseGenerator ZEROS = new NoiseGenerator() {
        @Override
        public long seed() {
            return 0;
        }

        @Override
        public float[] randn(int count) {
            return new float[count];
        }
    };

    @Test
    void ddpmLinspaceStepsToTheNextScheduleEntry() {
        // scheduling_ddpm.py previous_timestep: 999 is followed by 666 (the next entry), not 999 - 1000/4 = 749.
        SchedulerConfig config = SchedulerConfig.empty().with("timestep_spacing", "linspace")
                .with("clip_sample", false);
        Scheduler ddpm = Schedulers.create("ddpm", config);
        ddpm.setTimesteps(4);
        assertThat(ddpm.timesteps()).containsExactly(999, 666, 333, 0);
        float[] x = {1f};
        float[] out = ddpm.step(new float[]{0f}, 999, x, ZEROS).prevSample();

        float[] alphas = BetaSchedules.alphasCumprod(config, true, true);
        double at = alphas[999];
        double prev = alphas[666];
        double alpha = at / prev;
        double expected = Math.sqrt(prev) * (1 - alpha) / (1 - at) * (1 / Math.sqrt(at))
                + Math.sqrt(alpha) * (1 - prev) / (1 - at);
        assertThat((double) out[0]).isCloseTo(expected, offset(1e-5 * Math.abs(expected)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ddim", "ddpm", "euler", "euler_a", "lms", "dpmpp_2m", "lcm", "flow_match_euler"})
    void strengthCutsTheScheduleAndNoisesAtItsFirstTimestep(String name) {
        Scheduler full = Schedulers.create(name, SchedulerConfig.empty());
        full.setTimesteps(8);
        double[] all = full.timesteps();
        Scheduler img2img = Schedulers.create(name, SchedulerConfig.empty());
        img2img.setTimesteps(TimestepPlan.of(8).withStrength(0.6));
        // get_timesteps: init = int(8 * 0.6) = 4 steps run, t_start = 4.
        assertThat(img2img.timesteps()).containsExactly(Arrays.copyOfRange(all, 4, all.length));
        float[] x = {0.5f, -1f};
        float[] n = {1f, 2f};
        float[] noisy = img2img.addNoise(x, n, img2img.timesteps()[0]);
        assertThat(noisy).containsExactly(full.addNoise(x, n, all[4]));
    }

    @Test
    void unsupportedPlanPartsNameTheField() {
        Scheduler ddim = Schedulers.create("ddim", SchedulerConfig.empty());
        assertThatThrownBy(() -> ddim.setTimesteps(TimestepPlan.ofSigmas(1.0, 0.5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("sigmas in the timestep plan");
        Scheduler euler = Schedulers.create("euler", SchedulerConfig.empty());
        assertThatThrownBy(() -> euler.setTimesteps(TimestepPlan.of(4).withMu(1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("mu in the timestep plan");
        Scheduler flux = Schedulers.create("flow_match_euler", SchedulerConfig.empty()
                .with("use_dynamic_shifting", true));
        assertThatThrownBy(() -> flux.setTimesteps(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mu is required");
    }

    @Test
    void planValidationNamesTheField() {
        assertThatThrownBy(() -> TimestepPlan.of(4).withStrength(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("strength must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> TimestepPlan.of(4).withStrength(0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("strength 0.1 with 4 steps runs no step");
        assertThatThrownBy(() -> TimestepPlan.ofSigmas()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sigmas must not be empty");
        assertThat(TimestepPlan.ofSigmas(1.0, 0.75, 0.5).steps()).isEqualTo(3);
        assertThat(TimestepPlan.of(50).withStrength(0.75).skippedSteps()).isEqualTo(13);
    }

    @Test
    void lcmReturnsTheDenoisedSampleAndEndsOnIt() {
        Scheduler lcm = Schedulers.create("lcm", SchedulerConfig.empty());
        lcm.setTimesteps(2);
        assertThat(lcm.timesteps()).containsExactly(999, 499);
        float[] x = {0.3f, -0.7f};
        StepOutput first = lcm.step(new float[]{0.1f, 0.2f}, 999, x, ZEROS);
        assertThat(first.prevSample()).isNotEqualTo(first.predOriginalSample());
        StepOutput last = lcm.step(new float[]{0.1f, 0.2f}, 499, first.prevSample(), null);
        assertThat(last.prevSample()).containsExactly(last.predOriginalSample());
    }

    @Test
    void scaleNoiseIsTheFlowMatchingForwardProcess() {
        Scheduler sd3 = Schedulers.create("flow_match_euler", SchedulerConfig.empty().with("shift", 3.0));
        sd3.setTimesteps(TimestepPlan.of(10).withStrength(0.5));
        double t = sd3.timesteps()[0];
        double sigma = sd3.sigmaAt(0).orElseThrow();
        assertThat(t).isCloseTo(sigma * 1000, offset(1e-3));
        float[] noisy = sd3.scaleNoise(new float[]{2f}, new float[]{-1f}, t);
        assertThat((double) noisy[0]).isCloseTo(sigma * -1 + (1 - sigma) * 2, offset(1e-6));
        Scheduler ddim = Schedulers.create("ddim", SchedulerConfig.empty());
        assertThatThrownBy(() -> ddim.scaleNoise(new float[]{1f}, new float[]{1f}, 0))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("addNoise");
    }

    @Test
    void registryResolvesA1111NamesAndDescribesEachScheduler() {
        assertThat(Schedulers.canonicalName("Euler a")).isEqualTo("euler_a");
        assertThat(Schedulers.canonicalName("DPM++ 2M Karras")).isEqualTo("dpmpp_2m");
        assertThat(Schedulers.canonicalName("DPM++ 2M SDE Karras")).isEqualTo("dpmpp_2m_sde");
        assertThat(Schedulers.canonicalName("EulerDiscreteScheduler")).isEqualTo("euler");
        assertThat(Schedulers.create("DPM++ 2M SDE Karras", null).config().values())
                .containsEntry("use_karras_sigmas", true).containsEntry("algorithm_type", "sde-dpmsolver++");
        assertThatThrownBy(() -> Schedulers.create("DPM++ SDE Karras", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("torchsde")
                .hasMessageContaining("dpmpp_2m_sde");
        assertThat(Schedulers.descriptors()).filteredOn(SchedulerDescriptor::flowMatching)
                .extracting(SchedulerDescriptor::name).containsExactly("flow_match_euler", "flow_match_heun");
        SchedulerDescriptor lcm = Schedulers.descriptor("LCM");
        assertThat(lcm.diffusersClass()).isEqualTo("LCMScheduler");
        assertThat(lcm.stochastic()).isTrue();
        assertThat(Schedulers.descriptor("euler_a").a1111Names()).containsExactly("Euler a");
        for (SchedulerDescriptor d : Schedulers.descriptors()) {
            Scheduler s = Schedulers.create(d.name(), null);
            assertThat(s.name()).isEqualTo(d.name());
            assertThat(s.order()).as(d.name()).isEqualTo(d.order());
        }
    }

    @Test
    void descriptorsSayWhichSchedulersDrawNoiseAndHowManyEvaluationsAStepTakes() {
        for (SchedulerDescriptor d : Schedulers.descriptors()) {
            Scheduler s = Schedulers.create(d.name(), null);
            s.setTimesteps(4);
            int[] draws = {0};
            NoiseGenerator counting = new NoiseGenerator() {
                @Override
                public long seed() {
                    return 0;
                }

                @Override
                public float[] randn(int count) {
                    draws[0]++;
                    return new float[count];
                }
            };
            float[] sample = GoldenInputs.initialLatents(s.initNoiseSigma());
            double[] timesteps = s.timesteps();
            for (double t : timesteps) {
                float[] input = s.scaleModelInput(sample, t);
                sample = s.step(GoldenInputs.fakeModel(input, t), t, sample, counting).prevSample();
            }
            assertThat(draws[0] > 0).as(d.name() + " draws noise").isEqualTo(d.stochastic());
            // diffusers' progress bar: order-2 schedulers evaluate the model 2 steps - 1 times.
            int expected = d.name().equals("pndm") ? 13 : d.order() == 2 ? 7 : 4;
            assertThat(timesteps).as(d.name() + " timesteps").hasSize(expected);
        }
    }
}
