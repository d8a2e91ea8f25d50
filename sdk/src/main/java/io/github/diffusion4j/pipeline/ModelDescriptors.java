package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.family.FamilyDefaults;
import io.github.diffusion4j.family.ModelFamily;
import io.github.diffusion4j.model.DiffusionModel;
import io.github.diffusion4j.noise.NoiseSource;
import io.github.diffusion4j.scheduler.SchedulerConfig;
import io.github.diffusion4j.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.List;

/** Builds a loaded model's {@link ModelDescriptor}: its defaults, schedulers and limits. */
final class ModelDescriptors {

    /** The defaults a builder (or the extension configuration) sets; {@code null} = the model's own. */
    record Overrides(Integer steps, Double guidance, String scheduler, Integer width, Integer height) {
    }

    private ModelDescriptors() {
    }

    /**
     * The session-free description requests are validated against. Defaults, one rule everywhere: the builder's
     * (or the extension configuration's) value, else the model folder's recommendation, else the family's diffusers
     * default. The default noise follows the export's reference pipeline: diffusers' legacy
     * {@code OnnxStableDiffusionPipeline} draws {@code numpy.random.RandomState} noise, the optimum/diffusers
     * pipelines {@code torch.randn}.
     */
    static ModelDescriptor describe(DiffusionModel model, String name, Overrides b, Limits limits) {
        FamilyDefaults familyDefaults = model.family().defaults(model.denoiser());
        int steps = b.steps() != null ? b.steps()
                : model.folder().recommendedSteps().orElse(familyDefaults.steps());
        double guidance = b.guidance() != null ? b.guidance()
                : model.folder().recommendedGuidanceScale().orElse(familyDefaults.guidanceScale());
        int scale = model.vaeDecoder().scaleFactor();
        Integer sampleSize = model.denoiser().sampleSize();
        int nativeSize = sampleSize != null ? sampleSize * scale : 512;
        String scheduler = b.scheduler() != null ? b.scheduler()
                : defaultSchedulerOf(model.schedulerConfig(), model.family().flowMatching());
        NoiseSource noise = "diffusers-onnx".equals(model.layout()) ? NoiseSource.NUMPY : NoiseSource.TORCH;
        String guidanceMode = switch (model.family().guidanceMode(2.0, model.denoiser())) {
            case CLASSIFIER_FREE -> ModelDescriptor.CLASSIFIER_FREE;
            case EMBEDDED -> ModelDescriptor.EMBEDDED;
            case NONE -> ModelDescriptor.NONE;
        };
        return new ModelDescriptor(name, model.family().id(), model.family().displayName(), model.sizeMultiple(), scale,
                model.denoiser().outChannels(), model.denoiser().fixedBatch(),
                guidanceMode,
                b.width() != null ? b.width() : nativeSize, b.height() != null ? b.height() : nativeSize,
                steps, guidance, scheduler, noise, compatibleSchedulers(model.family()), model.schedulerConfig(), limits,
                model.family().usesT5() ? model.family().defaultMaxSequenceLength() : 0,
                model.folder().hasComponent("vae_encoder"),
                model.denoiser().inChannels() == 2 * model.denoiser().outChannels() + 1);
    }

    /** The schedulers of the family's kind (diffusers' {@code _compatibles}): flow matching or not. */
    private static List<String> compatibleSchedulers(ModelFamily family) {
        List<String> names = new ArrayList<>();
        for (var d : Schedulers.descriptors()) {
            if (d.flowMatching() == family.flowMatching()) {
                names.add(d.name());
            }
        }
        return names;
    }

    private static String defaultSchedulerOf(SchedulerConfig config, boolean flowMatching) {
        String fallback = flowMatching ? "flow_match_euler" : "pndm";
        String cls = config.className();
        if (cls != null) {
            return Schedulers.nameForClass(cls).orElse(fallback);
        }
        return fallback;
    }
}
