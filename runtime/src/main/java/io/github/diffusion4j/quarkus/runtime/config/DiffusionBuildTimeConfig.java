package io.github.diffusion4j.quarkus.runtime.config;

import io.quarkus.runtime.annotations.ConfigDocMapKey;
import io.quarkus.runtime.annotations.ConfigDocSection;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithDefaults;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import io.smallrye.config.WithUnnamedKey;

import java.util.Map;

/**
 * Build-time configuration of Diffusion4j: which models exist, whether they are embedded and validated, and which
 * integrations (health, metrics, Dev UI) are compiled into the application. The REST API's own settings
 * ({@code quarkus.diffusion4j.rest.*}) belong to the {@code quarkus-diffusion4j-rest} extension.
 */
@ConfigRoot(phase = ConfigPhase.BUILD_TIME)
@ConfigMapping(prefix = "quarkus.diffusion4j")
public interface DiffusionBuildTimeConfig {

    /** Map key of the default (unnamed) model: {@code quarkus.diffusion4j.path} rather than {@code quarkus.diffusion4j."name".path}. */
    String DEFAULT_MODEL = "<default>";

    /**
     * The default model ({@code quarkus.diffusion4j.*}) and named models ({@code quarkus.diffusion4j."name".*}).
     */
    @ConfigDocSection
    @ConfigDocMapKey("model-name")
    @WithParentName
    @WithUnnamedKey(DEFAULT_MODEL)
    @WithDefaults
    Map<String, ModelBuildTimeConfig> models();

    /** Dev Services: the development model of dev and test mode. */
    DevServicesConfig devservices();

    /** The readiness health check. */
    HealthConfig health();

    /** Micrometer metrics. */
    MetricsConfig metrics();

    /** Native image. */
    @ConfigDocSection
    @WithName("native")
    NativeConfig nativeImage();

    /** Build-time settings of one model. */
    interface ModelBuildTimeConfig {

        /**
         * Whether this model is created. A disabled model gets no bean and is not loaded at start-up.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * Whether to copy the model folder (the {@code path} value seen at build time) into the application artifact
         * (jar or native image). At start-up the embedded copy is extracted to a cache folder and loaded when the
         * configured {@code path} does not exist on that machine. Meant for small models: every file is held in
         * memory while the artifact is built.
         */
        @WithDefault("false")
        boolean embed();

        /**
         * Whether to check the model folder at build time when it exists on the build machine: the layout is
         * recognised and every graph's inputs and outputs match what the pipeline drives. A folder that only exists at
         * run time is checked at start-up with the same messages.
         */
        @WithDefault("true")
        boolean validate();
    }

    /** Dev Services: the development model of dev and test mode. */
    interface DevServicesConfig {

        /**
         * Whether dev and test mode run the embedded "scenes" model (64x64, brought by the extension's deployment
         * module, so never part of a production artifact) for the default model and every named model that has no
         * {@code path}, the way Dev Services start a database. A production build without a model fails, naming the
         * property to set.
         */
        @WithDefault("true")
        boolean enabled();
    }

    /** The readiness health check. */
    interface HealthConfig {

        /**
         * Whether a readiness check reporting each model (loaded, provider in use) is registered when
         * {@code quarkus-smallrye-health} is present.
         */
        @WithDefault("true")
        boolean enabled();
    }

    /** Micrometer metrics. */
    interface MetricsConfig {

        /**
         * Whether generation metrics ({@code diffusion4j.generation.duration}, {@code diffusion4j.step.duration},
         * {@code diffusion4j.generation.failures}, {@code diffusion4j.queue.depth}, {@code diffusion4j.jobs.active})
         * are published when {@code quarkus-micrometer} is present.
         */
        @WithDefault("true")
        boolean enabled();
    }

    /** Native image. */
    interface NativeConfig {

        /**
         * Whether the native image carries ONNX Runtime's CUDA provider ({@code libonnxruntime_providers_cuda.so},
         * 582 MB). Off by default: a native image then runs models on the CPU only. Switch it on to run a model with
         * {@code provider=cuda} or {@code auto} on a GPU in a native image.
         */
        @WithDefault("false")
        boolean cuda();
    }
}
