package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.ModelInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code info}: what a model folder is and how it will run. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Describe a model folder: layout, contract, defaults.")
final class InfoCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Override
    public Integer call() {
        try (DiffusionPipeline pipeline = model.builder().build()) {
            ModelInfo info = pipeline.info();
            System.out.println("model:      " + info.name() + " (" + info.path() + ")");
            System.out.println("family:     " + info.family() + " (" + info.familyName() + "), sizes in multiples of "
                    + info.sizeMultiple() + " px, guidance " + info.guidance());
            System.out.println("layout:     " + info.layout() + ", " + info.precision()
                    + (info.pipelineClass() != null ? ", " + info.pipelineClass() : ""));
            System.out.println("provider:   " + info.provider() + ", loaded in " + info.loadTime().toMillis() + " ms");
            System.out.println("defaults:   " + info.defaultWidth() + "x" + info.defaultHeight() + ", " + info.defaultSteps()
                    + " steps, guidance " + info.defaultGuidance() + ", scheduler " + info.defaultScheduler());
            for (Map.Entry<String, String> e : info.contract().entrySet()) {
                System.out.println(e.getKey() + ": " + e.getValue());
            }
            System.out.println("schedulers: " + String.join(", ", pipeline.descriptor().schedulers()));
        }
        return 0;
    }
}
