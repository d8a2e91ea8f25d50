package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.pipeline.ImageMetadata;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionBuildTimeConfig;
import io.github.diffusion4j.quarkus.runtime.queue.CancelledEvent;
import io.github.diffusion4j.quarkus.runtime.queue.CompletedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.QueuedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.StartedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.StepEvent;
import io.github.diffusion4j.quarkus.runtime.queue.TimingsData;
import io.github.diffusion4j.quarkus.runtime.rest.DiffusionResource;
import io.github.diffusion4j.quarkus.runtime.rest.FieldError;
import io.github.diffusion4j.quarkus.runtime.rest.ImageRequest;
import io.github.diffusion4j.quarkus.runtime.rest.ImagesResponse;
import io.github.diffusion4j.quarkus.runtime.rest.JobStatus;
import io.github.diffusion4j.quarkus.runtime.rest.ModelDescription;
import io.github.diffusion4j.quarkus.runtime.rest.OpenAiImageRequest;
import io.github.diffusion4j.quarkus.runtime.rest.OpenAiImagesResource;
import io.github.diffusion4j.quarkus.runtime.rest.OpenAiImagesResponse;
import io.github.diffusion4j.quarkus.runtime.rest.Problem;
import io.github.diffusion4j.quarkus.runtime.rest.RestPaths;
import io.github.diffusion4j.quarkus.runtime.rest.SchedulersResponse;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.AdditionalIndexedClassesBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import io.quarkus.resteasy.reactive.server.spi.AnnotationsTransformerBuildItem;
import io.quarkus.smallrye.openapi.deployment.spi.AddToOpenAPIDefinitionBuildItem;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.Paths;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTransformation;
import org.jboss.jandex.DotName;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The REST API: the generation queue bean (always, application code uses it too), and, when
 * {@code quarkus.diffusion4j.rest.enabled}, the resources rooted at {@code quarkus.diffusion4j.rest.root-path}, plus
 * the OpenAI-compatible resource when {@code quarkus.diffusion4j.rest.openai.enabled}.
 * <p>
 * The runtime module has no Jandex index, so nothing is discovered by accident: a resource exists only if this
 * processor indexes it.
 */
class RestProcessor {

    private static final Logger LOG = Logger.getLogger(RestProcessor.class);
    private static final DotName PATH = DotName.createSimple("jakarta.ws.rs.Path");

    /** DTOs and event payloads: indexed so that the OpenAPI scanner describes them, reflective for native JSON. */
    private static final List<Class<?>> MODEL_CLASSES = List.of(ImageRequest.class, ImagesResponse.class,
            ImagesResponse.Image.class, JobStatus.class, ModelDescription.class, ModelDescription.Defaults.class,
            ModelDescription.LimitsData.class, SchedulersResponse.class, Problem.class, FieldError.class,
            QueuedEvent.class, StartedEvent.class, StepEvent.class, CompletedEvent.class, CompletedEvent.Image.class,
            FailedEvent.class, CancelledEvent.class, TimingsData.class, ImageMetadata.class);
    private static final List<Class<?>> OPENAI_CLASSES = List.of(OpenAiImageRequest.class, OpenAiImagesResponse.class,
            OpenAiImagesResponse.Data.class);

    @BuildStep
    AdditionalBeanBuildItem queue() {
        // Replaces the extension's zero GenerationStats default bean; shared by REST and application code.
        return AdditionalBeanBuildItem.unremovableOf(GenerationQueue.class);
    }

    /** TEMPORARY until the extension processor indexes {@code @ModelName} itself (merge of branch ext). */
    @BuildStep
    AdditionalBeanBuildItem modelNameQualifierUntilExtMerge() {
        return new AdditionalBeanBuildItem(io.github.diffusion4j.quarkus.runtime.ModelName.class);
    }

    @BuildStep
    void resources(DiffusionBuildTimeConfig config,
                   BuildProducer<AdditionalIndexedClassesBuildItem> index,
                   BuildProducer<AdditionalBeanBuildItem> beans,
                   BuildProducer<ReflectiveClassBuildItem> reflection,
                   BuildProducer<AnnotationsTransformerBuildItem> transformers,
                   BuildProducer<AddToOpenAPIDefinitionBuildItem> openapi) {
        if (!config.rest().enabled()) {
            LOG.debug("Diffusion4j REST API disabled (quarkus.diffusion4j.rest.enabled=false)");
            return;
        }
        boolean openai = config.rest().openai().enabled();
        index.produce(new AdditionalIndexedClassesBuildItem(Stream.concat(
                        Stream.of(DiffusionResource.class.getName()), MODEL_CLASSES.stream().map(Class::getName))
                .toArray(String[]::new)));
        reflection.produce(ReflectiveClassBuildItem.builder(MODEL_CLASSES.toArray(Class<?>[]::new))
                .methods().fields().constructors().build());
        beans.produce(AdditionalBeanBuildItem.unremovableOf(DiffusionResource.class));
        if (openai) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(OpenAiImagesResource.class));
            index.produce(new AdditionalIndexedClassesBuildItem(Stream.concat(
                            Stream.of(OpenAiImagesResource.class.getName()), OPENAI_CLASSES.stream().map(Class::getName))
                    .toArray(String[]::new)));
            reflection.produce(ReflectiveClassBuildItem.builder(OPENAI_CLASSES.toArray(Class<?>[]::new))
                    .methods().fields().constructors().build());
        }

        String api = RestPaths.api(config.rest().rootPath());
        if (!api.equals(RestPaths.DEFAULT_API)) {
            // The resource is compiled with the default root; JAX-RS has no configurable @Path, so rewrite it.
            transformers.produce(new AnnotationsTransformerBuildItem(AnnotationTransformation.forClasses()
                    .whenClass(DiffusionResource.class)
                    .transform(ctx -> {
                        ctx.remove(a -> a.name().equals(PATH));
                        ctx.add(AnnotationInstance.builder(PATH).value(api).buildWithTarget(ctx.declaration()));
                    })));
            // The OpenAPI scanner reads the compiled annotation: move the documented paths the same way.
            openapi.produce(new AddToOpenAPIDefinitionBuildItem(new RootPathFilter(RestPaths.DEFAULT_API, api)));
        }
        LOG.debugf("Diffusion4j REST API at %s%s", api, openai ? ", OpenAI-compatible API at /v1/images/generations" : "");
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
