package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.pipeline.ImageMetadata;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionBuildTimeConfig;
import io.github.diffusion4j.quarkus.runtime.queue.CancelledEvent;
import io.github.diffusion4j.quarkus.runtime.queue.CompletedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.ClientKeys;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueues;
import io.github.diffusion4j.quarkus.runtime.queue.QueuedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.RestartedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.StartedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.StepEvent;
import io.github.diffusion4j.quarkus.runtime.queue.TimingsData;
import io.github.diffusion4j.quarkus.runtime.rest.FieldError;
import io.github.diffusion4j.quarkus.runtime.rest.ImageRequest;
import io.github.diffusion4j.quarkus.runtime.rest.ImagesResource;
import io.github.diffusion4j.quarkus.runtime.rest.ImagesResponse;
import io.github.diffusion4j.quarkus.runtime.rest.JobsResource;
import io.github.diffusion4j.quarkus.runtime.rest.JobStatus;
import io.github.diffusion4j.quarkus.runtime.rest.ModelDescription;
import io.github.diffusion4j.quarkus.runtime.rest.ModelsResource;
import io.github.diffusion4j.quarkus.runtime.rest.OpenAiImageRequest;
import io.github.diffusion4j.quarkus.runtime.rest.OpenAiImageEditsResource;
import io.github.diffusion4j.quarkus.runtime.rest.OpenAiImagesResource;
import io.github.diffusion4j.quarkus.runtime.rest.OpenAiImagesResponse;
import io.github.diffusion4j.quarkus.runtime.rest.OpenAiDocumentFilter;
import io.github.diffusion4j.quarkus.runtime.rest.OpenAiStreamEvent;
import io.github.diffusion4j.quarkus.runtime.rest.Problem;
import io.github.diffusion4j.quarkus.runtime.rest.RequestGuard;
import io.github.diffusion4j.quarkus.runtime.rest.RestPaths;
import io.github.diffusion4j.quarkus.runtime.rest.RestRecorder;
import io.github.diffusion4j.quarkus.runtime.rest.RoutingProblems;
import io.github.diffusion4j.quarkus.runtime.rest.Submissions;
import io.github.diffusion4j.quarkus.runtime.rest.SchedulersResponse;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.AdditionalIndexedClassesBuildItem;
import io.quarkus.deployment.builditem.RunTimeConfigurationDefaultBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import io.quarkus.resteasy.reactive.spi.GeneratedJaxRsResourceBuildItem;
import io.quarkus.resteasy.reactive.spi.GeneratedJaxRsResourceGizmoAdaptor;
import io.quarkus.gizmo.ClassCreator;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Path;
import io.quarkus.smallrye.openapi.deployment.spi.AddToOpenAPIDefinitionBuildItem;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.Paths;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The REST API: the generation queue bean (always, application code uses it too), and, when
 * {@code quarkus.diffusion4j.rest.enabled}, the resources rooted at {@code quarkus.diffusion4j.rest.root-path}, plus
 * the OpenAI-compatible resource (answering when {@code quarkus.diffusion4j.rest.openai.enabled}, a run-time switch).
 * <p>
 * The runtime module has no Jandex index, so nothing is discovered by accident: a resource exists only if this
 * processor indexes it.
 */
class RestProcessor {

    private static final Logger LOG = Logger.getLogger(RestProcessor.class);
    private static final Class<Path> PATH_ANNOTATION = Path.class;
    /** Default of quarkus.http.idle-timeout set by this extension. */
    static final String IDLE_TIMEOUT = "5M";

    /** DTOs and event payloads: indexed so that the OpenAPI scanner describes them, reflective for native JSON. */
    private static final List<Class<?>> MODEL_CLASSES = List.of(ImageRequest.class, ImagesResponse.class,
            ImagesResponse.Image.class, JobStatus.class, ModelDescription.class, ModelDescription.Defaults.class,
            ModelDescription.LimitsData.class, SchedulersResponse.class, Problem.class, FieldError.class,
            QueuedEvent.class, StartedEvent.class, StepEvent.class, CompletedEvent.class, CompletedEvent.Image.class,
            FailedEvent.class, CancelledEvent.class, RestartedEvent.class, TimingsData.class, ImageMetadata.class);
    /** The native API's resources, compiled at the default root. */
    private static final List<Class<?>> RESOURCES = List.of(ImagesResource.class, JobsResource.class, ModelsResource.class);
    private static final List<Class<?>> OPENAI_CLASSES = List.of(OpenAiImageRequest.class, OpenAiImagesResponse.class,
            OpenAiImagesResponse.Data.class, OpenAiStreamEvent.class, OpenAiStreamEvent.Usage.class,
            OpenAiStreamEvent.Usage.InputTokensDetails.class);

    /**
     * The queue producer (the backend {@code quarkus.diffusion4j.queue.backend} names: the built-in memory one, or a
     * backend extension's, see {@link QueueBackendBuildItem}) and the client keys. The produced queue replaces the
     * extension's zero GenerationStats default bean; shared by REST and application code.
     */
    @BuildStep
    void queue(List<QueueBackendBuildItem> backends, BuildProducer<AdditionalBeanBuildItem> beans) {
        AdditionalBeanBuildItem.Builder builder = AdditionalBeanBuildItem.builder()
                .addBeanClasses(GenerationQueues.class, ClientKeys.class)
                .setUnremovable();
        for (QueueBackendBuildItem backend : backends) {
            LOG.debugf("Diffusion4j queue backend available: %s (%s)", backend.name(), backend.beanClass());
            builder.addBeanClass(backend.beanClass());
        }
        beans.produce(builder.build());
    }

    @BuildStep
    void resources(DiffusionBuildTimeConfig config,
                   BuildProducer<AdditionalIndexedClassesBuildItem> index,
                   BuildProducer<AdditionalBeanBuildItem> beans,
                   BuildProducer<ReflectiveClassBuildItem> reflection,
                   BuildProducer<GeneratedJaxRsResourceBuildItem> generated,
                   BuildProducer<AddToOpenAPIDefinitionBuildItem> openapi) {
        if (!config.rest().enabled()) {
            LOG.debug("Diffusion4j REST API disabled (quarkus.diffusion4j.rest.enabled=false)");
            return;
        }
        String api = RestPaths.api(config.rest().rootPath());
        boolean defaultRoot = api.equals(RestPaths.DEFAULT_API);
        index.produce(new AdditionalIndexedClassesBuildItem(MODEL_CLASSES.stream().map(Class::getName).toArray(String[]::new)));
        reflection.produce(ReflectiveClassBuildItem.builder(MODEL_CLASSES.toArray(Class<?>[]::new))
                .methods().fields().constructors().build());
        beans.produce(AdditionalBeanBuildItem.unremovableOf(Submissions.class));
        if (defaultRoot) {
            for (Class<?> resource : RESOURCES) {
                index.produce(new AdditionalIndexedClassesBuildItem(resource.getName()));
                beans.produce(AdditionalBeanBuildItem.unremovableOf(resource));
            }
        }
        // global mappers for routing errors (405/406/415), acting on our paths only
        index.produce(new AdditionalIndexedClassesBuildItem(RoutingProblems.class.getName()));
        beans.produce(AdditionalBeanBuildItem.unremovableOf(RoutingProblems.class));
        // body limits, content type, body timeout and 404s under the API root, before Quarkus REST reads anything
        beans.produce(AdditionalBeanBuildItem.unremovableOf(RequestGuard.class));
        // always built in: quarkus.diffusion4j.rest.openai.enabled switches them at run time
        beans.produce(AdditionalBeanBuildItem.unremovableOf(OpenAiImagesResource.class));
        beans.produce(AdditionalBeanBuildItem.unremovableOf(OpenAiImageEditsResource.class));
        index.produce(new AdditionalIndexedClassesBuildItem(Stream.concat(
                        Stream.of(OpenAiImagesResource.class.getName(), OpenAiImageEditsResource.class.getName(),
                                OpenAiDocumentFilter.class.getName()),
                        OPENAI_CLASSES.stream().map(Class::getName))
                .toArray(String[]::new)));
        reflection.produce(ReflectiveClassBuildItem.builder(OPENAI_CLASSES.toArray(Class<?>[]::new))
                .methods().fields().constructors().build());

        if (!defaultRoot) {
            // JAX-RS has no configurable @Path, and Quarkus REST reads class paths from the raw index (annotation
            // transformers do not reach them). So the resources compiled at the default root are left out of the index,
            // and generated subclasses carrying the configured @Path serve the same (inherited) methods.
            for (Class<?> resource : RESOURCES) {
                try (ClassCreator rooted = ClassCreator.builder()
                        .classOutput(new GeneratedJaxRsResourceGizmoAdaptor(generated))
                        .className(resource.getName() + "_Rooted")
                        .superClass(resource)
                        .build()) {
                    rooted.addAnnotation(PATH_ANNOTATION).addValue("value", api);
                    rooted.addAnnotation(Singleton.class);
                }
            }
            // where the OpenAPI scanner documents the compiled class's paths, move them to the configured root
            openapi.produce(new AddToOpenAPIDefinitionBuildItem(new RootPathFilter(RestPaths.DEFAULT_API, api)));
        }
        LOG.debugf("Diffusion4j REST API at %s", api);
    }

    @BuildStep
    @Record(ExecutionTime.STATIC_INIT)
    void paths(DiffusionBuildTimeConfig config, RestRecorder recorder) {
        if (config.rest().enabled()) {
            recorder.paths(RestPaths.api(config.rest().rootPath()));
        }
    }

    /**
     * Connections idle longer than this are closed: Quarkus' own default (30 minutes) lets half-open connections pile
     * up. Five minutes still covers a long synchronous generation on a CPU; an application's own value wins.
     */
    @BuildStep
    RunTimeConfigurationDefaultBuildItem idleTimeout(DiffusionBuildTimeConfig config) {
        return config.rest().enabled() ? new RunTimeConfigurationDefaultBuildItem("quarkus.http.idle-timeout", IDLE_TIMEOUT) : null;
    }

    /** Renames documented paths from the compiled root to the configured one. */
    static final class RootPathFilter implements OASFilter {
        private final String from;
        private final String to;

        RootPathFilter(String from, String to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public void filterOpenAPI(OpenAPI openAPI) {
            Paths paths = openAPI.getPaths();
            if (paths == null || paths.getPathItems() == null) {
                return;
            }
            Map<String, PathItem> renamed = new LinkedHashMap<>();
            for (Map.Entry<String, PathItem> e : paths.getPathItems().entrySet()) {
                String key = e.getKey();
                if (key.equals(from) || key.startsWith(from + "/")) {
                    renamed.put(to + key.substring(from.length()), e.getValue());
                } else {
                    renamed.put(key, e.getValue());
                }
            }
            paths.setPathItems(renamed);
        }
    }
}
