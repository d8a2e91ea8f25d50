package io.github.diffusion4j.family;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffusion4j.noise.NoiseSource;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.github.diffusion4j.pipeline.HiresFix;
import io.github.diffusion4j.pipeline.TestModels;
import io.github.diffusion4j.scheduler.Schedulers;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hires fix against diffusers' own pipelines composed as A1111's {@code sample_hr_pass} composes its passes
 * ({@code tools/goldens/edit_goldens.py}, group {@code hires}): {@code StableDiffusionPipeline} to latents,
 * {@code torch.nn.functional.interpolate} (or decode → Pillow LANCZOS), {@code StableDiffusionImg2ImgPipeline} at
 * the target size with a fresh generator from the seed. Every step's latents of both passes, within 1e-3, and the
 * final image; the step events count across both passes.
 */
class HiresGoldenTest {

    static Stream<Path> cases() throws IOException {
        return GoldenFiles.cases(golden -> golden.get("request").has("hires"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesDiffusers(Path file) throws IOException {
        JsonNode golden = GoldenFiles.JSON.readTree(file.toFile());
        JsonNode req = golden.get("request");
        JsonNode h = req.get("hires");
        HiresFix hires = new HiresFix(h.get("scale").asDouble(), null, null,
                HiresFix.Upscaler.parse(h.get("upscaler").asText()).orElseThrow(), h.get("strength").asDouble(),
                h.get("steps").asInt(), Schedulers.nameForClass(h.get("schedulerClass").asText()).orElseThrow());
        try (DiffusionPipeline pipeline = TestModels.pipeline(golden.get("fixture").asText())) {
            GenerationRequest request = GenerationRequest.builder(req.get("prompt").asText())
                    .negativePrompt(GoldenFiles.text(req, "negative_prompt"))
                    .size(req.get("width").asInt(), req.get("height").asInt()).steps(req.get("steps").asInt())
                    .guidanceScale(req.get("guidance").asDouble()).seed(req.get("seed").asLong())
                    .scheduler(Schedulers.nameForClass(req.get("schedulerClass").asText()).orElseThrow())
                    .noiseSource(NoiseSource.TORCH).hires(hires).includeLatents(true).previewInterval(0)
                    .promptWeighting(false).longPrompts(false).build();
            List<GenerationEvent> events = pipeline.generate(request).collect().asList().await()
                    .atMost(Duration.ofSeconds(60));
            GenerationEvent.Started started = (GenerationEvent.Started) events.get(0);
            List<GenerationEvent.Step> steps = events.stream().filter(GenerationEvent.Step.class::isInstance)
                    .map(GenerationEvent.Step.class::cast).toList();
            float[] baseTimesteps = GoldenFiles.floats(golden, "base_step_timesteps");
            float[] hiresTimesteps = GoldenFiles.floats(golden, "step_timesteps");
            assertThat(started.task()).isEqualTo("hires");
            assertThat(started.width()).isEqualTo(h.get("width").asInt());
            assertThat(started.height()).isEqualTo(h.get("height").asInt());
            assertThat(started.modelEvaluations()).isEqualTo(baseTimesteps.length + hiresTimesteps.length);
            assertThat(steps).extracting(GenerationEvent.Step::phase).containsOnly("txt2img", "hires")
                    .startsWith("txt2img").endsWith("hires");
            for (int i = 0; i < steps.size(); i++) {
                assertThat(steps.get(i).index()).as("steps count across both passes").isEqualTo(i + 1);
                assertThat(steps.get(i).total()).isEqualTo(steps.size()).isEqualTo(started.steps());
            }
            int baseEvaluations = baseTimesteps.length;
            check(steps, "txt2img", 0, baseTimesteps, GoldenFiles.floats(golden, "base_step_latents"));
            check(steps, "hires", baseEvaluations, hiresTimesteps, GoldenFiles.floats(golden, "step_latents"));
            GenerationResult result = ((GenerationEvent.Completed) events.get(events.size() - 1)).result();
            // the golden's UNet wrapper served both pipelines
            assertThat(result.unetRuns()).as("UNet calls of both passes").isEqualTo(golden.get("unetCallTimesteps").size());
            GoldenFiles.checkImage(result.image().image(), golden);
            assertThat(result.image().metadata().toA1111Parameters())
                    .contains("Size: " + req.get("width").asInt() + "x" + req.get("height").asInt())
                    .contains("Denoising strength: " + h.get("strength").asText())
                    .contains("Hires upscaler: " + hires.upscaler().a1111Name());
        }
    }

    /** Each step of {@code phase} against the diffusers evaluation it follows. */
    private static void check(List<GenerationEvent.Step> steps, String phase, int evaluationOffset, float[] timesteps,
                              float[] latents) {
        int n = latents.length / timesteps.length;
        List<GenerationEvent.Step> ofPhase = steps.stream().filter(s -> s.phase().equals(phase)).toList();
        assertThat(ofPhase).as(phase).isNotEmpty();
        assertThat(ofPhase.get(ofPhase.size() - 1).evaluations() - evaluationOffset).as(phase + " evaluations")
                .isEqualTo(timesteps.length);
        for (GenerationEvent.Step step : ofPhase) {
            int e = step.evaluations() - evaluationOffset - 1;
            assertThat(step.timestep()).as("%s timestep of evaluation %d", phase, e)
                    .isCloseTo(timesteps[e], Offset.offset(1e-3));
            GoldenFiles.assertClose(step.latents(), GoldenFiles.slice(latents, e * n, n),
                    phase + " latents after evaluation " + (e + 1));
        }
    }
}
