import io.github.diffusion4j.model.ExecutionProvider;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.HiresFix;
import io.github.diffusion4j.pipeline.InitImage;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The image-editing contact sheet of docs/editing.md, made on the embedded scenes model (64x64 pictures of coloured
 * shapes): img2img of one image at strengths 0.3 / 0.5 / 0.75 / 1.0, inpainting that recolours the shape only (the
 * mask covers the shape), and hires fix (64x64 to 80x80 with the latent and the Lanczos upscaler, and to 128x128).
 * Every cell is 128x128: smaller images are shown enlarged with nearest neighbour. Usage (from the repository root):
 *
 * <pre>
 * ./mvnw -B -q -o -pl sdk compile dependency:build-classpath -Dmdep.outputFile=/tmp/sdk.cp
 * java -cp sdk/target/classes:$(cat /tmp/sdk.cp) tools/docs/EditingContactSheet.java \
 *     models/scenes/src/main/resources/META-INF/diffusion4j/models/scenes docs
 * </pre>
 */
public class EditingContactSheet {

    static final int CELL = 128;
    static final int GAP = 4;
    static final String SOURCE = "a large red circle in the centre of a blue background";
    static final String IMG2IMG = "a large yellow circle in the centre of a blue background";
    static final String RECOLOUR = "a large yellow circle in the centre of a blue background";
    static final String HIRES = "a large white ring in the centre of a green background";

    public static void main(String[] args) throws IOException {
        Path model = Path.of(args.length > 0 ? args[0]
                : "models/scenes/src/main/resources/META-INF/diffusion4j/models/scenes");
        Path out = Path.of(args.length > 1 ? args[1] : "docs");
        try (DiffusionPipeline pipeline = DiffusionPipeline.builder(model).provider(ExecutionProvider.CPU)
                .previewInterval(0).build()) {
            List<List<BufferedImage>> rows = new ArrayList<>();
            BufferedImage source = generate(pipeline, base(SOURCE, 3L));
            List<BufferedImage> img2img = new ArrayList<>(List.of(source));
            for (double strength : new double[] {0.3, 0.5, 0.75, 1.0}) {
                // without guidance (CFG 1) the strengths show: with CFG 5 this model repaints the colour by 0.3
                img2img.add(generate(pipeline, base(IMG2IMG, 11L).guidanceScale(1.0)
                        .initImage(InitImage.of(source, strength))));
            }
            rows.add(img2img);
            BufferedImage mask = shapeMask(source);
            rows.add(List.of(source, mask,
                    generate(pipeline, base(RECOLOUR, 5L).initImage(InitImage.inpaint(source, mask, 1.0))),
                    generate(pipeline, base(RECOLOUR, 6L).initImage(InitImage.inpaint(source, mask, 1.0)))));
            GenerationRequest.Builder hires = base(HIRES, 8L);
            HiresFix fix = HiresFix.scale(1.25).withStrength(0.3);
            rows.add(List.of(generate(pipeline, hires),
                    generate(pipeline, hires.hires(fix)),
                    generate(pipeline, hires.hires(fix.withUpscaler(HiresFix.Upscaler.LANCZOS))),
                    generate(pipeline, hires.hires(HiresFix.scale(2).withStrength(0.3)))));
            Files.createDirectories(out);
            ImageIO.write(sheet(rows), "png", out.resolve("editing-contact-sheet.png").toFile());
            System.out.println(out.resolve("editing-contact-sheet.png"));
        }
    }

    /** The quality test's settings: euler, 20 steps, CFG 5, 64x64. */
    static GenerationRequest.Builder base(String prompt, long seed) {
        return GenerationRequest.builder(prompt).size(64, 64).steps(20).guidanceScale(5.0).scheduler("euler")
                .seed(seed);
    }

    static BufferedImage generate(DiffusionPipeline pipeline, GenerationRequest.Builder request) {
        return pipeline.generateBlocking(request.build()).image().image();
    }

    /** White where a pixel differs from the background (the corner's colour), grown by 3 pixels; black elsewhere. */
    static BufferedImage shapeMask(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int background = image.getRGB(0, 0);
        boolean[] shape = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                shape[y * w + x] = distance(image.getRGB(x, y), background) > 96;
            }
        }
        BufferedImage mask = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean near = false;
                for (int dy = -3; dy <= 3 && !near; dy++) {
                    for (int dx = -3; dx <= 3 && !near; dx++) {
                        int xx = x + dx;
                        int yy = y + dy;
                        near = xx >= 0 && yy >= 0 && xx < w && yy < h && shape[yy * w + xx];
                    }
                }
                mask.getRaster().setSample(x, y, 0, near ? 255 : 0);
            }
        }
        return mask;
    }

    static int distance(int a, int b) {
        int d = 0;
        for (int shift = 0; shift < 24; shift += 8) {
            d += Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF));
        }
        return d;
    }

    /** Rows of cells on a white ground, each image scaled to the cell with nearest neighbour. */
    static BufferedImage sheet(List<List<BufferedImage>> rows) {
        int columns = rows.stream().mapToInt(List::size).max().orElse(1);
        BufferedImage sheet = new BufferedImage(columns * (CELL + GAP) + GAP, rows.size() * (CELL + GAP) + GAP,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            for (int r = 0; r < rows.size(); r++) {
                for (int c = 0; c < rows.get(r).size(); c++) {
                    g.drawImage(rows.get(r).get(c), GAP + c * (CELL + GAP), GAP + r * (CELL + GAP), CELL, CELL, null);
                }
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }
}
