package io.github.diffusion4j.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchedulersTest {

    @Test
    void namesAreTheRegistryNames() {
        assertThat(Schedulers.names()).containsExactly("ddim", "ddpm", "pndm", "euler", "euler_a", "lms", "dpmpp_2m",
                "dpmpp_2m_sde", "dpmpp_2s", "unipc", "deis", "heun", "dpm2", "dpm2_a", "lcm", "tcd", "flow_match_euler",
                "flow_match_heun");
    }

    @ParameterizedTest
    @CsvSource({
            "ddim, ddim, DdimScheduler",
            "DDIM, ddim, DdimScheduler",
            "DDIMScheduler, ddim, DdimScheduler",
            "ddimscheduler, ddim, DdimScheduler",
            "ddpm, ddpm, DdpmScheduler",
            "DDPMScheduler, ddpm, DdpmScheduler",
            "pndm, pndm, PndmScheduler",
            "plms, pndm, PndmScheduler",
            "PNDMScheduler, pndm, PndmScheduler",
            "euler, euler, EulerDiscreteScheduler",
            "k_euler, euler, EulerDiscreteScheduler",
            "EulerDiscreteScheduler, euler, EulerDiscreteScheduler",
            "euler_a, euler_a, EulerAncestralDiscreteScheduler",
            "k_euler_a, euler_a, EulerAncestralDiscreteScheduler",
            "euler_ancestral, euler_a, EulerAncestralDiscreteScheduler",
            "EulerAncestralDiscreteScheduler, euler_a, EulerAncestralDiscreteScheduler",
            "lms, lms, LmsDiscreteScheduler",
            "k_lms, lms, LmsDiscreteScheduler",
            "LMSDiscreteScheduler, lms, LmsDiscreteScheduler",
            "dpmpp_2m, dpmpp_2m, DpmSolverMultistepScheduler",
            "dpm++_2m, dpmpp_2m, DpmSolverMultistepScheduler",
            "' DPM++_2M ', dpmpp_2m, DpmSolverMultistepScheduler",
            "DPMSolverMultistepScheduler, dpmpp_2m, DpmSolverMultistepScheduler",
    })
    void createAcceptsNamesAliasesAndClassNames(String requested, String name, String type) {
        Scheduler scheduler = Schedulers.create(requested, SchedulerConfig.empty());
        assertThat(scheduler.name()).isEqualTo(name);
        assertThat(scheduler.getClass().getSimpleName()).isEqualTo(type);
    }

    @ParameterizedTest
    @CsvSource({"dpmpp_2m_karras", "dpm++_2m_karras", "k_dpmpp_2m_karras", "euler_karras", "lms_karras"})
    void karrasAliasesSwitchKarrasSigmasOn(String alias) {
        Scheduler scheduler = Schedulers.create(alias, SchedulerConfig.empty());
        assertThat(scheduler.config().getBoolean("use_karras_sigmas", false)).isTrue();
        Scheduler explicit = Schedulers.create(scheduler.name(),
                SchedulerConfig.empty().with("use_karras_sigmas", true));
        scheduler.setTimesteps(12);
        explicit.setTimesteps(12);
        assertThat(scheduler.timesteps()).containsExactly(explicit.timesteps());
    }

    @Test
    void plmsAliasSkipsPrkSteps() {
        Scheduler plms = Schedulers.create("plms", SchedulerConfig.empty());
        plms.setTimesteps(10);
        // PLMS: steps + 1 timesteps (the repeated warm-up timestep).
        assertThat(plms.timesteps()).hasSize(11);
    }

    @Test
    void unknownNameListsValidNames() {
        assertThatThrownBy(() -> Schedulers.create("restart", SchedulerConfig.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("restart")
                .hasMessageContaining("ddim, ddpm, pndm, euler, euler_a, lms, dpmpp_2m")
                .hasMessageContaining("DPMSolverMultistepScheduler");
        assertThatThrownBy(() -> Schedulers.create(null, SchedulerConfig.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Schedulers.create("  ", SchedulerConfig.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullConfigMeansDefaults() {
        Scheduler scheduler = Schedulers.create("ddim", null);
        scheduler.setTimesteps(4);
        assertThat(scheduler.timesteps()).containsExactly(750, 500, 250, 0);
    }

    @Test
    void nameForClassMapsDiffusersClasses() {
        assertThat(Schedulers.nameForClass("PNDMScheduler")).contains("pndm");
        assertThat(Schedulers.nameForClass("EulerAncestralDiscreteScheduler")).contains("euler_a");
        assertThat(Schedulers.nameForClass("dpmsolvermultistepscheduler")).contains("dpmpp_2m");
        assertThat(Schedulers.nameForClass("UniPCMultistepScheduler")).contains("unipc");
        assertThat(Schedulers.nameForClass("FlowMatchEulerDiscreteScheduler")).contains("flow_match_euler");
        assertThat(Schedulers.nameForClass("EDMEulerScheduler")).isEmpty();
        assertThat(Schedulers.nameForClass(null)).isEmpty();
    }

    @Test
    void fromConfigUsesClassName() {
        SchedulerConfig config = SchedulerConfig.fromJson("{\"_class_name\": \"EulerDiscreteScheduler\","
                + " \"beta_schedule\": \"scaled_linear\", \"beta_start\": 0.00085, \"beta_end\": 0.012}");
        Scheduler scheduler = Schedulers.fromConfig(config);
        assertThat(scheduler).isInstanceOf(EulerDiscreteScheduler.class);
        assertThat(scheduler.config()).isEqualTo(config);
    }

    @Test
    void fromConfigWithoutClassNameFallsBackToPndm() {
        assertThat(Schedulers.fromConfig(SchedulerConfig.empty())).isInstanceOf(PndmScheduler.class);
        assertThat(Schedulers.fromConfig(null)).isInstanceOf(PndmScheduler.class);
    }

    @Test
    void fromConfigRejectsUnsupportedClass() {
        SchedulerConfig config = SchedulerConfig.of(Map.of("_class_name", "EDMEulerScheduler"));
        assertThatThrownBy(() -> Schedulers.fromConfig(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EDMEulerScheduler")
                .hasMessageContaining("PNDMScheduler");
    }
}
