package io.github.diffusion4j.family;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.model.DiffusionModel;
import io.github.diffusion4j.model.LatentPacking;
import io.github.diffusion4j.model.RunContext;
import io.github.diffusion4j.model.RunStats;
import io.github.diffusion4j.noise.NoiseSource;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.github.diffusion4j.pipeline.TestModels;
import io.github.diffusion4j.scheduler.Schedulers;
import io.github.diffusion4j.tokenizer.ClipTokenizer;
import io.github.diffusion4j.tokenizer.T5Tokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every family against diffusers' own pipelines: the goldens in {@code goldens/<fixture>/<case>.json} were recorded by
 * running diffusers' {@code StableDiffusionXLPipeline}, {@code StableDiffusionXLImg2ImgPipeline} (refiner),
 * {@code LatentConsistencyModelPipeline} and {@code StableDiffusionPipeline} (LCM-LoRA) on the torch modules exported to
 * the fixtures ({@code tools/goldens/family_goldens.py}). Compared: token ids, prompt embeddings, pooled embeddings,
 * time_ids, the guidance embedding, initial noise, timesteps, latents after every step, the image (atol 1e-3 on
 * floats, ±1 on 8-bit pixels).
 */
class FamilyGoldenTest {

    private static final ObjectMapper JSON = GoldenFiles.JSON;

    static Stream<Path> cases() throws IOException {
        // text-to-image runs only: the image-to-image and inpainting goldens are EditGoldenTest's
        return GoldenFiles.cases(golden -> !golden.get("request").has("strength") && !golden.get("request").has("hires"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesDiffusers(Path file) throws IOException, OrtException {
        JsonNode golden = JSON.readTree(file.toFile());
        String fixture = golden.get("fixture").asText();
        JsonNode req = golden.get("request");
        Assumptions.assumeFalse(req.has("true_cfg_scale"), "FLUX true CFG (true_cfg_scale) is not implemented");
        try (DiffusionPipeline pipeline = TestModels.pipeline(fixture)) {
            checkTokens(golden, TestModels.model(fixture));
            checkEmbeddings(golden, pipeline.model());
            GenerationRequest request = request(req);
            List<GenerationEvent> events = pipeline.generate(request).collect().asList().await()
                    .atMost(Duration.ofSeconds(60));
            GenerationEvent.Started started = (GenerationEvent.Started) events.get(0);
            assertThat(started.guided()).as("classifier-free guidance").isEqualTo(golden.get("classifierFreeGuidance").asBoolean());
            List<GenerationEvent.Step> steps = events.stream().filter(GenerationEvent.Step.class::isInstance)
                    .map(GenerationEvent.Step.class::cast).toList();
            float[] stepTimesteps = GoldenFiles.floats(golden, "step_timesteps");
            float[] stepLatents = GoldenFiles.floats(golden, "step_latents");
            assertThat(steps).hasSize(stepTimesteps.length);
            int n = stepLatents.length / steps.size();
            boolean packed = pipeline.model().denoiser().packed();
            int c = pipeline.model().denoiser().inChannels();
            int lh = req.get("height").asInt() / 8;
            int lw = req.get("width").asInt() / 8;
            for (int i = 0; i < steps.size(); i++) {
                assertThat(steps.get(i).timestep()).as("timestep %d", i).isCloseTo(stepTimesteps[i], org.assertj.core.data.Offset.offset(1e-3));
                // FLUX's pipeline keeps packed latents; ours stay [B, C, h, w] and are packed only for the transformer
                float[] ours = packed ? LatentPacking.pack(steps.get(i).latents(), 0, c, lh, lw) : steps.get(i).latents();
                GoldenFiles.assertClose(ours, GoldenFiles.slice(stepLatents, i * n, n), "latents after step " + (i + 1));
            }
            if (golden.get("tensors").has("step_denoised")) {
                float[] denoised = GoldenFiles.floats(golden, "step_denoised");
                for (int i = 0; i < steps.size(); i++) {
                    GoldenFiles.assertClose(steps.get(i).predictedOriginal(), GoldenFiles.slice(denoised, i * n, n), "denoised at step " + (i + 1));
                }
            }
            GenerationResult result = ((GenerationEvent.Completed) events.get(events.size() - 1)).result();
            int calls = golden.has("unetCalls") ? golden.get("unetCalls").asInt() : golden.get("transformerCalls").asInt();
            assertThat(result.unetRuns()).as("denoiser calls").isEqualTo(calls);
            GoldenFiles.checkImage(result.image().image(), golden);
        }
    }

    private static GenerationRequest request(JsonNode req) {
        return GenerationRequest.builder(req.get("prompt").asText())
                .prompt2(GoldenFiles.text(req, "prompt_2")).negativePrompt(GoldenFiles.text(req, "negative_prompt"))
                .negativePrompt2(GoldenFiles.text(req, "negative_prompt_2"))
                .size(req.get("width").asInt(), req.get("height").asInt()).steps(req.get("steps").asInt())
                .guidanceScale(req.get("guidance").asDouble()).seed(req.get("seed").asLong())
                .scheduler(Schedulers.nameForClass(req.get("scheduler").asText()).orElseThrow())
                .prompt3(GoldenFiles.text(req, "prompt_3")).negativePrompt3(GoldenFiles.text(req, "negative_prompt_3"))
                .maxSequenceLength(req.hasNonNull("max_sequence_length") ? req.get("max_sequence_length").asInt() : null)
                .clipSkip(GoldenFiles.clipSkip(req)).noiseSource(NoiseSource.TORCH).includeLatents(true).previewInterval(0)
                    .promptWeighting(false).longPrompts(false).build();
    }

    private static void checkTokens(JsonNode golden, Path folder) {
        golden.get("tokens").fields().forEachRemaining(entry -> {
            Path dir = folder.resolve(entry.getKey());
            boolean t5 = Files.isRegularFile(dir.resolve("tokenizer.json"));
            ClipTokenizer clip = t5 ? null : ClipTokenizer.load(dir);
            try (T5Tokenizer t5Tokenizer = t5 ? T5Tokenizer.load(dir) : null) {
                for (JsonNode call : entry.getValue()) {
                    int[] expected = JSON.convertValue(call.get("ids"), int[].class);
                    String text = call.get("text").asText();
                    int[] actual = t5 ? t5Tokenizer.encode(text, expected.length).ids() : clip.encode(text).ids();
                    assertThat(actual).as(entry.getKey() + " " + call.get("text")).containsExactly(expected);
                }
            }
        });
    }

    private static void checkEmbeddings(JsonNode golden, DiffusionModel model) throws OrtException {
        JsonNode req = golden.get("request");
        JsonNode tensors = golden.get("tensors");
        try (OrtSession.RunOptions options = new OrtSession.RunOptions()) {
            RunContext context = new RunContext(options, new RunStats());
            int seq = req.hasNonNull("max_sequence_length") ? req.get("max_sequence_length").asInt() : 256;
            TextEmbeddings cond = model.conditioner().encode(new PromptText(req.get("prompt").asText(), GoldenFiles.text(req, "prompt_2"),
                    GoldenFiles.text(req, "prompt_3"), seq, GoldenFiles.clipSkip(req)), context);
            GoldenFiles.assertClose(cond.sequence(), GoldenFiles.floats(golden, "prompt_embeds"), "prompt_embeds");
            if (tensors.has("pooled_prompt_embeds")) {
                GoldenFiles.assertClose(cond.pooled(), GoldenFiles.floats(golden, "pooled_prompt_embeds"), "pooled_prompt_embeds");
            }
            int w = req.get("width").asInt();
            int h = req.get("height").asInt();
            double g = req.get("guidance").asDouble();
            Map<String, ModelFamily.Row> rows = model.family().conditioning(cond,
                    new ModelFamily.RowContext(false, w, h, h / 8, w / 8, g, model.denoiser(), model.folder()));
            if (tensors.has("add_time_ids")) {
                GoldenFiles.assertClose(rows.get("time_ids").values(), GoldenFiles.floats(golden, "add_time_ids"), "add_time_ids");
            }
            for (String ids : new String[] {"txt_ids", "img_ids", "guidance"}) {
                if (tensors.has(ids)) {
                    GoldenFiles.assertClose(rows.get(ids).values(), GoldenFiles.floats(golden, ids), ids);
                }
            }
            if (tensors.has("w_embedding")) {
                GoldenFiles.assertClose(rows.get("timestep_cond").values(), GoldenFiles.floats(golden, "w_embedding"), "w_embedding");
            }
            if (tensors.has("negative_prompt_embeds")) {
                boolean empty = GoldenFiles.text(req, "negative_prompt").isEmpty() && GoldenFiles.text(req, "negative_prompt_2").isEmpty();
                TextEmbeddings uncond = empty && model.family().zeroNegativeForEmptyPrompt(model.folder()) ? cond.zeros()
                        : model.conditioner().encode(new PromptText(GoldenFiles.text(req, "negative_prompt"), GoldenFiles.text(req, "negative_prompt_2"),
                        GoldenFiles.text(req, "negative_prompt_3"), seq, 0), context);
                GoldenFiles.assertClose(uncond.sequence(), GoldenFiles.floats(golden, "negative_prompt_embeds"), "negative_prompt_embeds");
                if (tensors.has("negative_pooled_prompt_embeds")) {
                    GoldenFiles.assertClose(uncond.pooled(), GoldenFiles.floats(golden, "negative_pooled_prompt_embeds"), "negative pooled");
                }
                if (tensors.has("negative_add_time_ids")) {
                    Map<String, ModelFamily.Row> neg = model.family().conditioning(uncond,
                            new ModelFamily.RowContext(true, w, h, h / 8, w / 8, g, model.denoiser(), model.folder()));
                    GoldenFiles.assertClose(neg.get("time_ids").values(), GoldenFiles.floats(golden, "negative_add_time_ids"), "negative time_ids");
                }
            }
        }
    }

}
