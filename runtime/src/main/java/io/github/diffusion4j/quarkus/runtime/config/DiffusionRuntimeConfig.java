package io.github.diffusion4j.quarkus.runtime.config;

import io.quarkus.runtime.annotations.ConfigDocMapKey;
import io.quarkus.runtime.annotations.ConfigDocSection;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithDefaults;
import io.smallrye.config.WithParentName;
import io.smallrye.config.WithUnnamedKey;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Run-time configuration of Diffusion4j: where each model is, how it runs, its defaults and limits, and the queue.
 * Everything here can be overridden at start-up (for example by environment variables in a container).
 */
@ConfigRoot(phase = ConfigPhase.RUN_TIME)
@ConfigMapping(prefix = "quarkus.diffusion4j")
public interface DiffusionRuntimeConfig {

    /**
     * The default model ({@code quarkus.diffusion4j.*}) and named models ({@code quarkus.diffusion4j."name".*}).
     */
    @ConfigDocSection
    @ConfigDocMapKey("model-name")
    @WithParentName
    @WithUnnamedKey(DiffusionBuildTimeConfig.DEFAULT_MODEL)
    @WithDefaults
    Map<String, ModelRuntimeConfig> models();

    /** The generation queue shared by the REST API and application code. */
    QueueConfig queue();

    /** Jobs of the generation queue (submitted through the REST API or application code). */
    JobsConfig jobs();

    /** Run-time settings of one model. */
    interface ModelRuntimeConfig {

        /**
         * The model folder: a Stable Diffusion ONNX export (diffusers legacy ONNX, or Optimum old or new layout) with
         * {@code model_index.json}, {@code text_encoder/}, {@code unet/}, {@code vae_decoder/}, {@code tokenizer/} and
         * {@code scheduler/}. When unset in dev and test mode, the embedded scenes model is used; in production mode an
         * unset path is a start-up error.
         */
        Optional<String> path();

        /**
         * Execution provider: {@code auto} (CUDA when its libraries load, otherwise CPU: one INFO line without
         * an NVIDIA driver, a warning when the driver is there but CUDA does not load),
         * {@code cuda} (failing to load CUDA is a start-up error) or {@code cpu}.
         */
        @WithDefault("auto")
        Provider provider();

        /** CUDA device ordinal the model runs on when the provider is CUDA. */
        @WithDefault("0")
        int cudaDeviceId();

        /** Intra-op threads of the CPU provider; {@code 0} lets ONNX Runtime choose (one per physical core). */
        @WithDefault("0")
        int cpuThreads();

        /**
         * Scheduler used when a request names none, e.g. {@code euler}, {@code ddim}, {@code pndm}. Default: the
         * class in the model's {@code scheduler/scheduler_config.json}.
         */
        Optional<String> scheduler();

        /**
         * Denoising steps used when a request gives none. Default: what the model folder recommends (key
         * {@code _diffusion4j.recommended_steps} of its {@code model_index.json}; the embedded scenes model says 20,
         * SD-Turbo would say 1), else the family's diffusers default (50 for SD 1.x/2.x and SDXL, 4 for LCM) — the
         * same rule as the SDK.
         */
        OptionalInt steps();

        /**
         * Classifier-free guidance scale used when a request gives none; {@code 1} or less disables guidance. Default:
         * what the model folder recommends (key {@code _diffusion4j.recommended_guidance_scale} of its
         * {@code model_index.json}; the embedded scenes model says 5), else the family's diffusers default (7.5 for
         * SD 1.x/2.x, 5.0 for SDXL, 8.5 for LCM).
         */
        OptionalDouble guidanceScale();

        /** Image width used when a request gives none. Default: the model's native size (UNet sample size × 8). */
        OptionalInt width();

        /** Image height used when a request gives none. Default: the model's native size (UNet sample size × 8). */
        OptionalInt height();

        /** A preview image every N steps when a request does not say; {@code 0} = no previews. */
        @WithDefault("1")
        int previewInterval();

        /** Upper bounds enforced on every request to this model. */
        LimitsConfig limits();

        /**
         * Per-component settings, by component folder: {@code text_encoder}, {@code text_encoder_2},
         * {@code text_encoder_3}, {@code unet}, {@code transformer}, {@code vae_encoder}, {@code vae_decoder}. For
         * example FLUX.1's T5 on the CPU, released after each prompt, with the transformer on CUDA:
         * {@code quarkus.diffusion4j."flux".components."text_encoder_2".provider=cpu} and
         * {@code ...components."text_encoder_2".unload-after-use=true}.
         */
        @ConfigDocMapKey("component")
        Map<String, ComponentConfig> components();
    }

    /** How one component of a model runs. */
    interface ComponentConfig {

        /**
         * The component's execution provider ({@code auto}, {@code cuda}, {@code cpu}, as the model's
         * {@code provider}). Default: the model's provider.
         */
        Optional<Provider> provider();

        /**
         * Open the component's session before each stage that uses it and close it right after, so that its memory
         * is free between uses (at the cost of opening it per request). The session is opened once at start-up to
         * check its contract, then released.
         */
        @WithDefault("false")
        boolean unloadAfterUse();
    }

    /** Upper bounds enforced on every request, so that one request cannot exhaust memory or time. */
    interface LimitsConfig {

        /** Largest image width in pixels. */
        @WithDefault("1024")
        int maxWidth();

        /** Largest image height in pixels. */
        @WithDefault("1024")
        int maxHeight();

        /** Most denoising steps. */
        @WithDefault("150")
        int maxSteps();

        /** Most images in one request. */
        @WithDefault("4")
        int maxBatch();

        /** Most characters in a prompt or negative prompt. */
        @WithDefault("1000")
        int maxPromptLength();

        /**
         * The memory budget: most pixels per request, width × height × batch. The denoiser's working memory grows
         * faster than them (on the embedded scenes model one request peaks at 1.3 GB of RSS at 512², about 6 GB at
         * 768², see the extension guide's memory table); the default, one 768² image or two 512² ones, keeps one
         * request well within a 24 GiB machine. The model's own default size is always allowed. Over it: HTTP 400
         * naming {@code width*height*batch}.
         */
        @WithDefault("589824")
        long maxPixels();

        /**
         * The work budget: most pixel-steps per request, width × height × steps run × batch, where an image-to-image
         * or inpainting request runs {@code int(steps × strength)} steps and a hires pass adds its own pixel-steps.
         * The default (2^26) allows e.g. 768² × 113 steps or 512² × 64 steps × 2 images; the model's own default
         * request is always allowed. Over it: HTTP 400 naming {@code width*height*steps*batch}.
         */
        @WithDefault("67108864")
        long maxCost();
    }

    /** The generation queue. */
    interface QueueConfig {

        /**
         * Most generations waiting in the queue (not counting running ones). When full, new requests are refused
         * (HTTP 503 with {@code Retry-After}) instead of using unbounded memory.
         */
        @WithDefault("16")
        int capacity();

        /** Generations running at once per device (each GPU, or the CPU). More than 1 rarely helps throughput. */
        @WithDefault("1")
        int concurrency();

        /**
         * Where jobs wait and run: {@code memory} (in this JVM, nothing to install; jobs are lost when it stops) or
         * {@code redis} (any number of API and worker nodes share one Redis, jobs survive a dead worker; needs the
         * {@code io.github.diffusion4j:quarkus-diffusion4j-redis} extension and {@code quarkus.redis.hosts}).
         */
        @WithDefault("memory")
        String backend();

        /**
         * Whether this node runs generations. {@code false} makes an API-only node of the {@code redis} backend: it
         * loads no model and validates requests against the models the workers publish.
         */
        @WithDefault("true")
        boolean worker();

        /**
         * Most queued plus running jobs of one client, so that one client cannot take every slot; more get HTTP 429
         * with {@code Retry-After}. Over the whole cluster with the {@code redis} backend.
         */
        @WithDefault("8")
        int maxJobsPerClient();

        /** How the client of a request is told apart, for the per-client cap and round-robin between clients. */
        ClientConfig client();
    }

    /** How the client of a request is told apart. */
    interface ClientConfig {

        /**
         * Where the client key comes from, first match wins: {@code principal} (the authenticated user),
         * {@code api-key} (the {@code api-key-header} header, hashed), {@code address} (the remote address).
         */
        @WithDefault("principal,api-key,address")
        List<ClientKeySource> identity();

        /** Header carrying the client's API key. */
        @WithDefault("X-API-Key")
        String apiKeyHeader();
    }

    /** Sources of a client key. */
    enum ClientKeySource {
        /** The authenticated principal's name. */
        PRINCIPAL,
        /** The API-key header (its SHA-256, never the key itself). */
        API_KEY,
        /** The remote address (the proxy-forwarded one when {@code quarkus.http.proxy.*} says so). */
        ADDRESS
    }

    /** Jobs of the generation queue (submitted through the REST API or application code). */
    interface JobsConfig {

        /** How long a finished job (and its image) is kept after it ends. */
        @WithDefault("10M")
        Duration expireAfter();

        /** Events kept per job, replayed to a client that reconnects with {@code Last-Event-ID}. */
        @WithDefault("512")
        int historySize();

        /**
         * Most memory the kept finished jobs hold together (their PNGs, previews and events); past it the oldest are
         * forgotten before their expiry.
         */
        @WithDefault("256M")
        MemorySize maxFinishedBytes();

        /**
         * Interval of SSE comment lines ({@code : keep-alive}) sent on an event stream (a job's, or the OpenAI stream)
         * that has been silent this long, e.g. while its job waits in the queue behind a long one, so that proxies and
         * browsers keep the connection open. {@code 0} (or a negative value) sends none.
         */
        @WithDefault("15S")
        Duration sseHeartbeat();
    }

    /** Execution provider names accepted in configuration. */
    enum Provider {
        /** CUDA when available, otherwise CPU. */
        AUTO,
        /** CUDA only. */
        CUDA,
        /** CPU only. */
        CPU
    }
}
