package io.github.diffusion4j.samples.studio;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.model.ExecutionProvider;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Makes {@code target/steps-strip.png}: one generation's step previews side by side, then the final image, with the
 * SDK alone (no server). With {@code -Dstudio.docs=true} it also becomes {@code docs/steps-strip.png}, the strip the
 * README shows. The model is {@code -Dstudio.strip.model=<folder>}, else the scenes model of this repository, else
 * the one the studio's tests run ({@code quarkus.diffusion4j.path}).
 */
class StepsStripTest {

    /** Previews in the strip: enough to see the picture condense, few enough to stay readable. */
    private static final int FRAMES = 7;
    private static final int STEPS = 21;
    private static final int GAP = 6;
    /** Wider gap before the final image: it is not a step, it is what the steps lead to. */
    private static final int FINAL_GAP = 18;
    private static final Color BACKGROUND = new Color(0x0f1117);

    @Test
    void stripOfOneGenerationsSteps() throws IOException {
        Path model = model();
        List<BufferedImage> previews = new ArrayList<>();
        BufferedImage finalImage;
        try (DiffusionPipeline pipeline = DiffusionPipeline.builder(model).provider(ExecutionProvider.CPU).build()) {
            GenerationRequest request = GenerationRequest.builder(System.getProperty("studio.strip.prompt",
                            "a large red circle in the centre of a blue background"))
                    .steps(STEPS)
                    .scheduler("euler")
                    .seed(Long.getLong("studio.strip.seed", 7L))
                    .previewInterval(1)
                    .build();
            List<GenerationEvent> events = pipeline.generate(request).collect().asList().await().indefinitely();
            finalImage = null;
            for (GenerationEvent event : events) {
                if (event instanceof GenerationEvent.Step step && step.preview() != null) {
                    previews.add(step.preview().image());
                } else if (event instanceof GenerationEvent.Completed completed) {
                    finalImage = completed.result().image().image();
                }
            }
        }
        assertThat(previews).as("a preview every step").hasSize(STEPS);
        assertThat(finalImage).isNotNull();

        List<BufferedImage> frames = pick(previews);
        BufferedImage strip = tile(frames, finalImage);

        int cell = cellSize(finalImage);
        assertThat(strip.getWidth()).isEqualTo((FRAMES + 1) * cell + (FRAMES - 1) * GAP + FINAL_GAP + 2 * GAP);
        assertThat(differs(frames.get(0), frames.get(frames.size() - 1)))
                .as("the picture changes from the first step to the last").isTrue();

        Path target = Paths.get("target", "steps-strip.png");
        Files.createDirectories(target.getParent());
        ImageIO.write(strip, "png", target.toFile());
        if (Boolean.getBoolean("studio.docs")) {
            Path docs = Paths.get(System.getProperty("studio.docsDir", "../../docs"));
            Files.createDirectories(docs);
            Files.copy(target, docs.resolve("steps-strip.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * {@code -Dstudio.strip.model}, else the scenes model of this repository (the picture the README should show),
     * else the model the studio's tests run.
     */
    private static Path model() {
        String explicit = System.getProperty("studio.strip.model");
        if (explicit != null && !explicit.isBlank()) {
            return Paths.get(explicit);
        }
        Path scenes = Paths.get(System.getProperty("studio.root", "../.."),
                "models/scenes/src/main/resources/META-INF/diffusion4j/models/scenes");
        if (Files.isRegularFile(scenes.resolve("model_index.json"))) {
            return scenes;
        }
        String configured = System.getProperty("quarkus.diffusion4j.path");
        return Paths.get(configured != null && !configured.isBlank() ? configured : "../../tools/models/optimum-new");
    }

    /** FRAMES previews evenly spread from the first step to the last. */
    private static List<BufferedImage> pick(List<BufferedImage> previews) {
        List<BufferedImage> frames = new ArrayList<>(FRAMES);
        for (int i = 0; i < FRAMES; i++) {
            int index = Math.round(i * (previews.size() - 1) / (float) (FRAMES - 1));
            frames.add(previews.get(index));
        }
        return frames;
    }

    /** Cells as large as the image but at most 192 px, and at least 128 px so that a 64 px model stays visible. */
    private static int cellSize(BufferedImage image) {
        return Math.max(128, Math.min(192, Math.max(image.getWidth(), image.getHeight())));
    }

    private static BufferedImage tile(List<BufferedImage> frames, BufferedImage finalImage) {
        int cell = cellSize(finalImage);
        int width = GAP + frames.size() * cell + (frames.size() - 1) * GAP + FINAL_GAP + cell + GAP;
        BufferedImage strip = new BufferedImage(width, cell + 2 * GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = strip.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, strip.getWidth(), strip.getHeight());
            // previews are latent-sized (1/8 of the image): nearest neighbour keeps them honest, as the page shows them
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            int x = GAP;
            for (BufferedImage frame : frames) {
                g.drawImage(frame, x, GAP, cell, cell, null);
                x += cell + GAP;
            }
            x += FINAL_GAP - GAP;
            boolean enlarge = finalImage.getWidth() < cell;
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, enlarge
                    ? RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR : RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.drawImage(finalImage, x, GAP, cell, cell, null);
        } finally {
            g.dispose();
        }
        return strip;
    }

    private static boolean differs(BufferedImage a, BufferedImage b) {
        for (int y = 0; y < Math.min(a.getHeight(), b.getHeight()); y++) {
            for (int x = 0; x < Math.min(a.getWidth(), b.getWidth()); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return true;
                }
            }
        }
        return false;
    }
}
