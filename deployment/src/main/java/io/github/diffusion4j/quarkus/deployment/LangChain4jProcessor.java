package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.quarkus.runtime.DiffusionModels;
import io.github.diffusion4j.quarkus.runtime.ModelName;
import io.github.diffusion4j.quarkus.runtime.ModelSpec;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionBuildTimeConfig;
import io.github.diffusion4j.quarkus.runtime.langchain4j.ImageModelRecorder;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.arc.processor.DotNames;
import io.quarkus.bootstrap.classloading.QuarkusClassLoader;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import jakarta.inject.Singleton;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.ClassType;
import org.jboss.jandex.DotName;

/**
 * Every model as a langchain4j {@code ImageModel} bean when {@code dev.langchain4j:langchain4j-core} (which
 * quarkus-langchain4j brings) is on the application's class path, so AI services and tools can make images locally.
 *
 * <p>The qualifiers are the pipelines': the default model's bean is {@code @Default}, a named model's
 * {@code @ModelName("name")} (ours, not quarkus-langchain4j's). The default one is a {@code @DefaultBean}: an
 * application that also configures, say, an OpenAI image model as its default {@code ImageModel} gets that one, and
 * ours through {@code @ModelName("default")}.
 */
class LangChain4jProcessor {

    static final String IMAGE_MODEL = "dev.langchain4j.model.image.ImageModel";

    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    void imageModels(ImageModelRecorder recorder, DiffusionModelsBuildItem models,
            BuildProducer<SyntheticBeanBuildItem> beans) {
        if (!QuarkusClassLoader.isClassPresentAtRuntime(IMAGE_MODEL)) {
            return;
        }
        for (ModelSpec spec : models.models()) {
            SyntheticBeanBuildItem.ExtendedBeanConfigurator bean = SyntheticBeanBuildItem
                    .configure(DotName.createSimple(IMAGE_MODEL))
                    .scope(Singleton.class)
                    .setRuntimeInit()
                    .unremovable()
                    .addInjectionPoint(ClassType.create(DotName.createSimple(DiffusionModels.class.getName())))
                    .addQualifier(AnnotationInstance.builder(ModelName.class).add("value", spec.getName()).build())
                    .createWith(recorder.imageModel(spec.getName()));
            if (DiffusionBuildTimeConfig.DEFAULT_MODEL.equals(spec.getConfigKey())) {
                bean.addQualifier(DotNames.DEFAULT).defaultBean();
            }
            beans.produce(bean.done());
        }
    }
}
