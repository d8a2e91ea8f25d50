package io.github.diffusion4j.quarkus.rest.deployment;

import io.github.diffusion4j.pipeline.ImageMetadata;
import io.github.diffusion4j.quarkus.rest.FieldError;
import io.github.diffusion4j.quarkus.rest.ImageRequest;
import io.github.diffusion4j.quarkus.rest.ImagesResource;
import io.github.diffusion4j.quarkus.rest.ImagesResponse;
import io.github.diffusion4j.quarkus.rest.JobStatus;
import io.github.diffusion4j.quarkus.rest.JobsResource;
import io.github.diffusion4j.quarkus.rest.ModelDescription;
import io.github.diffusion4j.quarkus.rest.ModelsResource;
import io.github.diffusion4j.quarkus.rest.OpenAiDocumentFilter;
import io.github.diffusion4j.quarkus.rest.OpenAiImageEditsResource;
import io.github.diffusion4j.quarkus.rest.OpenAiImageRequest;
import io.github.diffusion4j.quarkus.rest.OpenAiImagesResource;
import io.github.diffusion4j.quarkus.rest.OpenAiImagesResponse;
import io.github.diffusion4j.quarkus.rest.OpenAiStreamEvent;
import io.github.diffusion4j.quarkus.rest.Problem;
import io.github.diffusion4j.quarkus.rest.RequestGuard;
import io.github.diffusion4j.quarkus.rest.RestPaths;
import io.github.diffusion4j.quarkus.rest.RestRecorder;
import io.github.diffusion4j.quarkus.rest.RoutingProblems;
import io.github.diffusion4j.quarkus.rest.SchedulersResponse;
import io.github.diffusion4j.quarkus.rest.Submissions;
import io.github.diffusion4j.quarkus.rest.config.RestBuildTimeConfig;
import io.github.diffusion4j.quarkus.runtime.queue.CancelledEvent;
import io.github.diffusion4j.quarkus.runtime.queue.CompletedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.QueuedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.RestartedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.StartedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.StepEvent;
import io.github.diffusion4j.quarkus.runtime.queue.TimingsData;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.AdditionalIndexedClassesBuildItem;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.RunTimeConfigurationDefaultBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import io.quarkus.gizmo.ClassCreator;
import io.quarkus.resteasy.reactive.spi.GeneratedJaxRsResourceBuildItem;
import io.quarkus.resteasy.reactive.spi.GeneratedJaxRsResourceGizmoAdaptor;
import io.quarkus.smallrye.openapi.deployment.spi.AddToOpenAPIDefinitionBuildItem;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Path;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.stream.Stream;

/**
 * The REST API, when {@code quarkus.diffusion4j.rest.enabled}: the resources rooted at
 * {@code quarkus.diffusion4j.rest.root-path}, plus the OpenAI-compatible resources (answering when
 * {@code quarkus.diffusion4j.rest.openai.enabled}, a run-time switch). The generation queue they submit to is the core
 * extension's.
 * <p>
 * The runtime module has no Jandex index, so nothing is discovered by accident: a resource exists only if this
 * processor indexes it.
 */
class RestProcessor {

    private static final Logger LOG = Logger.getLogger(RestProcessor.class);
    static final String FEATURE = "diffusion4j-rest";
    /** Default of quarkus.http.idle-timeout set by this extension. */
    static final String IDLE_TIMEOUT = "5M";

    /** Request and response bodies of the native API, with the job events its SSE streams and responses carry. */
    private static final List<Class<?>> MODEL_CLASSES = List.of(ImageRequest.class, ImagesResponse.class,
            ImagesResponse.Image.class, JobStatus.class, ModelDescription.class, ModelDescription.Defaults.class,
            ModelDescription.LimitsData.class, SchedulersResponse.class, Problem.class, FieldError.class,
            QueuedEvent.class, StartedEvent.class, StepEvent.class, CompletedEvent.class, CompletedEvent.Image.class,
            FailedEvent.class, CancelledEvent.class, RestartedEvent.class, TimingsData.class, ImageMetadata.class);
    /** The native API's resources, compiled at the default root. */
    private static final List<Class<?>> RESOURCES = List.of(ImagesResource.class, JobsResource.class, ModelsResource.class);
    /** Request, response and stream event bodies of the OpenAI-compatible endpoints. */
    private static final List<Class<?>> OPENAI_CLASSES = List.of(OpenAiImageRequest.class, OpenAiImagesResponse.class,
            OpenAiImagesResponse.Data.class, OpenAiStreamEvent.class, OpenAiStreamEvent.Usage.class,
            OpenAiStreamEvent.Usage.InputTokensDetails.class);
    /** Always built in: quarkus.diffusion4j.rest.openai.enabled switches them at run time. */
    private static final List<Class<?>> OPENAI_RESOURCES = List.of(OpenAiImagesResource.class,
            OpenAiImageEditsResource.class);

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    /**
     * What Quarkus REST and the OpenAPI scanner see: the bodies (so that the document describes their schemas), the
     * resources (at the default root only, see {@link #rootedResources}), the routing-error mappers and the OpenAI
     * document filter.
     */
    @BuildStep
    AdditionalIndexedClassesBuildItem index(RestBuildTimeConfig config) {
        if (!config.enabled()) {
            LOG.debug("Diffusion4j REST API disabled (quarkus.diffusion4j.rest.enabled=false)");
            return null;
        }
        Stream<Class<?>> resources = defaultRoot(config) ? RESOURCES.stream() : Stream.empty();
        return new AdditionalIndexedClassesBuildItem(Stream.of(MODEL_CLASSES.stream(), OPENAI_CLASSES.stream(),
                        resources, OPENAI_RESOURCES.stream(),
                        Stream.<Class<?>>of(RoutingProblems.class, OpenAiDocumentFilter.class))
                .flatMap(s -> s).map(Class::getName).toArray(String[]::new));
    }

    /**
     * The resources, the submission service behind them, the global mappers for routing errors (405/406/415, acting
     * on our paths only) and the request guard (body limits, content type, body timeout and 404s under the API root,
     * before Quarkus REST reads anything). Unremovable: nothing injects them, Quarkus REST and Vert.x call them.
     */
    @BuildStep
    AdditionalBeanBuildItem beans(RestBuildTimeConfig config) {
        if (!config.enabled()) {
            return null;
        }
        AdditionalBeanBuildItem.Builder beans = AdditionalBeanBuildItem.builder().setUnremovable()
                .addBeanClasses(Submissions.class, RoutingProblems.class, RequestGuard.class)
                .addBeanClasses(OPENAI_RESOURCES.stream().map(Class::getName).toList());
        if (defaultRoot(config)) {
            beans.addBeanClasses(RESOURCES.stream().map(Class::getName).toList());
        }
        return beans.build();
    }

    /**
     * The request and response bodies: Jackson reads and writes them through reflection, which a native image only
     * allows for registered classes.
     */
    @BuildStep
    ReflectiveClassBuildItem bodyReflection(RestBuildTimeConfig config) {
        if (!config.enabled()) {
            return null;
        }
        return ReflectiveClassBuildItem.builder(Stream.concat(MODEL_CLASSES.stream(), OPENAI_CLASSES.stream())
                .toArray(Class<?>[]::new)).methods().fields().constructors().build();
    }

    /**
     * At a configured root: JAX-RS has no configurable {@code @Path}, and Quarkus REST reads class paths from the raw
     * index (annotation transformers do not reach them). So the resources compiled at the default root are left out of
     * the index, and generated subclasses carrying the configured {@code @Path} serve the same (inherited) methods.
     */
    @BuildStep
    void rootedResources(RestBuildTimeConfig config, BuildProducer<GeneratedJaxRsResourceBuildItem> generated) {
        if (!config.enabled() || defaultRoot(config)) {
            return;
        }
        String api = RestPaths.api(config.rootPath());
        for (Class<?> resource : RESOURCES) {
            try (ClassCreator rooted = ClassCreator.builder()
                    .classOutput(new GeneratedJaxRsResourceGizmoAdaptor(generated))
                    .className(resource.getName() + "_Rooted")
                    .superClass(resource)
                    .build()) {
                rooted.addAnnotation(Path.class).addValue("value", api);
                rooted.addAnnotation(Singleton.class);
            }
        }
        LOG.debugf("Diffusion4j REST API at %s", api);
    }

    /** Where the OpenAPI scanner documents the compiled class's paths, move them to the configured root. */
    @BuildStep
    AddToOpenAPIDefinitionBuildItem rootedDocument(RestBuildTimeConfig config) {
        if (!config.enabled() || defaultRoot(config)) {
            return null;
        }
        return new AddToOpenAPIDefinitionBuildItem(new RootPathFilter(RestPaths.DEFAULT_API, RestPaths.api(config.rootPath())));
    }

    /** Checks the run-time REST settings, then tells the routing-error mappers where the API lives. */
    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    void start(RestBuildTimeConfig config, RestRecorder recorder) {
        if (config.enabled()) {
            recorder.validateConfig();
            recorder.paths(RestPaths.api(config.rootPath()));
        }
    }

    /**
     * Connections idle longer than this are closed: Quarkus' own default (30 minutes) lets half-open connections pile
     * up. Five minutes still covers a long synchronous generation on a CPU; an application's own value wins.
     */
    @BuildStep
    RunTimeConfigurationDefaultBuildItem idleTimeout(RestBuildTimeConfig config) {
        return config.enabled() ? new RunTimeConfigurationDefaultBuildItem("quarkus.http.idle-timeout", IDLE_TIMEOUT) : null;
    }

    private static boolean defaultRoot(RestBuildTimeConfig config) {
        return RestPaths.api(config.rootPath()).equals(RestPaths.DEFAULT_API);
    }
}
