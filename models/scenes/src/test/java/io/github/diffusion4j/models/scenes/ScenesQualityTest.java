package io.github.diffusion4j.models.scenes;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.model.ExecutionProvider;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GuidanceInterval;
import io.github.diffusion4j.pipeline.GenerationResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded model's quality, measured from Java on what the SDK generates: a fixed panel of 48 single-shape
 * prompts × 4 seeds, 20 steps, CFG 5, checked by {@link SceneChecker}. Writes a contact sheet (prompts × seeds) to
 * {@code target/} (and to {@code docs/} with {@code -Dscenes.docs=true}).
 */
class ScenesQualityTest {

    private static final int PROMPTS = 48;
    private static final int SEEDS = 4;
    private static final int STEPS = 20;
    /** Overridable to compare settings: -Dscenes.cfg=6 -Dscenes.scheduler=dpmpp_2m. */
    private static final double CFG = Double.parseDouble(System.getProperty("scenes.cfg", "5"));
    private static final String SCHEDULER = System.getProperty("scenes.scheduler");
    /** -Dscenes.guidanceInterval=0.2,0.8: classifier-free guidance on that fraction of the steps only. */
    private static final GuidanceInterval INTERVAL = interval(System.getProperty("scenes.guidanceInterval"));

    @TempDir
    static Path modelDir;
    private static DiffusionPipeline pipeline;

    @BeforeAll
    static void load() {
        ScenesModel.extractTo(modelDir);
        pipeline = DiffusionPipeline.builder(modelDir).name("scenes").provider(ExecutionProvider.CPU).cpuThreads(1)
                .previewInterval(0).build();
    }

    @AfterAll
    static void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** A deterministic panel covering every shape, position, size and colour pair. */
    static List<SceneChecker.Spec> panel() {
        List<String> colours = new ArrayList<>(SceneChecker.COLOURS.keySet());
        List<String> positions = new ArrayList<>(SceneChecker.POSITIONS.keySet());
        List<SceneChecker.Spec> out = new ArrayList<>();
        for (int i = 0; i < PROMPTS; i++) {
            String background = colours.get((i * 3 + i / 8) % colours.size());
            List<String> others = new ArrayList<>(colours);
            others.remove(background);
            String colour = others.get((i * 5 + 1) % others.size());
            out.add(new SceneChecker.Spec(colour, SceneChecker.SHAPES.get(i % SceneChecker.SHAPES.size()),
                    positions.get(i % positions.size()), (i / 5) % 2 == 0 ? "small" : "large", background));
        }
        return out;
    }

    @Test
    void checkerRecognisesRenderedGroundTruth() {
        int ok = 0;
        int total = 0;
        for (SceneChecker.Spec spec : panel()) {
            double[] anchor = SceneChecker.POSITIONS.get(spec.position());
            double side = spec.size().equals("small") ? 19.5 : 29;
            for (int jitter = -2; jitter <= 2; jitter += 2) {
                SceneChecker.Result r = SceneChecker.check(
                        SceneChecker.render(spec, side, anchor[0] + jitter, anchor[1] - jitter), spec);
                total++;
                if (r.colourOk() && r.shapePositionOk() && r.sizeOk()) {
                    ok++;
                }
            }
        }
        assertThat((double) ok / total).as("checker accuracy on rendered scenes").isGreaterThanOrEqualTo(0.97);
    }

    @Test
    void panelQualityAndContactSheet() throws IOException {
        List<SceneChecker.Spec> panel = panel();
        int colourOk = 0;
        int shapePositionOk = 0;
        int sizeOk = 0;
        int total = 0;
        long denoiserRows = 0;
        BufferedImage sheet = new BufferedImage(8 * 132 + 4, 6 * 132 + 4, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setColor(new Color(0x20, 0x22, 0x28));
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        StringBuilder legend = new StringBuilder("Contact sheet: row-major, each cell = one prompt, seeds 0 1 / 2 3\n");
        for (int p = 0; p < panel.size(); p++) {
            SceneChecker.Spec spec = panel.get(p);
            legend.append(String.format(Locale.ROOT, "%2d. %s%n", p + 1, spec.prompt()));
            for (int seed = 0; seed < SEEDS; seed++) {
                GenerationResult result = pipeline.generateBlocking(GenerationRequest.builder(spec.prompt())
                        .steps(STEPS).guidanceScale(CFG).scheduler(SCHEDULER).guidanceInterval(INTERVAL)
                        .seed((long) seed).build());
                denoiserRows += result.denoiserRows();
                BufferedImage image = result.image().image();
                SceneChecker.Result r = SceneChecker.check(image, spec);
                total++;
                colourOk += r.colourOk() ? 1 : 0;
                shapePositionOk += r.shapePositionOk() ? 1 : 0;
                sizeOk += r.sizeOk() ? 1 : 0;
                int cellX = 4 + (p % 8) * 132 + (seed % 2) * 64;
                int cellY = 4 + (p / 8) * 132 + (seed / 2) * 64;
                g.drawImage(image, cellX, cellY, null);
            }
        }
        g.dispose();
        double colourRate = (double) colourOk / total;
        double shapePositionRate = (double) shapePositionOk / total;
        double sizeRate = (double) sizeOk / total;
        String report = String.format(Locale.ROOT, "scenes model, %d prompts x %d seeds, %d steps, CFG %.0f, %s:"
                        + " colour+background %.1f%%, shape+position %.1f%%, size %.1f%%",
                PROMPTS, SEEDS, STEPS, CFG, SCHEDULER != null ? SCHEDULER : pipeline.info().defaultScheduler(), 100 * colourRate, 100 * shapePositionRate,
                100 * sizeRate);
        System.out.println(report + String.format(Locale.ROOT, " guidance interval %s, %d denoiser rows", INTERVAL,
                denoiserRows));
        Path target = Paths.get("target");
        Files.createDirectories(target);
        ImageIO.write(sheet, "png", target.resolve("scenes-contact-sheet.png").toFile());
        Files.writeString(target.resolve("scenes-contact-sheet.txt"), report + "\n" + legend);
        if (Boolean.getBoolean("scenes.docs")) {
            Path docs = Paths.get(System.getProperty("scenes.docs.dir", "../../docs"));
            Files.createDirectories(docs);
            ImageIO.write(sheet, "png", docs.resolve("scenes-contact-sheet.png").toFile());
            Files.writeString(docs.resolve("scenes-contact-sheet.txt"), report + "\n" + legend);
        }
        // The targets of the model's specification: >= 90 % colour + background, >= 75 % shape + position.
        assertThat(colourRate).as(report).isGreaterThanOrEqualTo(0.90);
        assertThat(shapePositionRate).as(report).isGreaterThanOrEqualTo(0.75);
        assertThat(sizeRate).as(report).isGreaterThanOrEqualTo(0.85);
    }

    @Test
    void promptsOutsideTheGrammarStillGiveAPicture() {
        for (String prompt : List.of("", "a photo of an astronaut riding a horse on mars, 8k, trending",
                "UN CERCLE ROUGE !!! ??? ###", "日本語のプロンプト 🚀", "red ".repeat(200), "a purple")) {
            GenerationResult result = pipeline.generateBlocking(GenerationRequest.builder(prompt).steps(4).seed(1L).build());
            assertThat(result.image().image().getWidth()).as(prompt).isEqualTo(64);
        }
    }

    private static GuidanceInterval interval(String spec) {
        if (spec == null || spec.isBlank()) {
            return GuidanceInterval.ALWAYS;
        }
        String[] parts = spec.split(",");
        return new GuidanceInterval(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()));
    }
}
