package io.github.diffusion4j.samples.studio;

import io.github.diffusion4j.image.Images;
import io.github.diffusion4j.pipeline.ImageMetadata;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.support.ui.Select;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PNG dropped on the page fills the form with the settings of its {@code parameters} text: one written as
 * AUTOMATIC1111 1.9+ writes it (a UTF-8 prompt, so an iTXt chunk; {@code Sampler} and {@code Schedule type} apart),
 * one of ours (tEXt), and a PNG without parameters, which is named in the form's error.
 */
@QuarkusTest
@ExtendWith(ChromiumCondition.class)
class StudioPngDropBrowserTest {

    /** Builds a File from base64 bytes and drops it on the picture area, as a drag from the desktop does. */
    private static final String DROP = """
            const [b64, name] = arguments;
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: 'image/png' }));
            const target = document.querySelector('.stage');
            for (const type of ['dragenter', 'dragover', 'drop']) {
              target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
            }""";

    private static Browser.Session session;

    @TestHTTPResource("/")
    URL url;

    @BeforeAll
    static void startBrowser() {
        session = Browser.start(1366, 900);
    }

    /** A failed test must not leave its jobs in the server's queue in front of the next test's. */
    @AfterEach
    void cancelLeftoverJobs() {
        new StudioPage(session.driver(), url).cancelPageJobs();
    }

    @AfterAll
    static void stopBrowser() {
        if (session != null) {
            session.close();
        }
    }

    private static String png(String parameters) throws IOException {
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        if (parameters != null) {
            return Base64.getEncoder().encodeToString(Images.toPng(image, parameters));
        }
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ImageIO.write(image, "png", plain);
        return Base64.getEncoder().encodeToString(plain.toByteArray());
    }

    @Test
    void anA1111PngFillsTheFormAndItsSettingsGenerate() throws Exception {
        StudioPage page = new StudioPage(session.driver(), url);
        page.openEmpty();
        String a1111 = "日本 café 🙂, a yellow star at the top of a purple background\n"
                + "Negative prompt: blurry, low quality\n"
                + "Steps: 7, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 4294967295, Size: 64x64,"
                + " Model hash: 6ce0161689, Model: default, Version: v1.10.1";
        page.js(DROP, png(a1111), "a1111.png");

        page.until("the dropped settings", d -> page.byId("steps").getAttribute("value").equals("7"));
        assertThat(page.byId("prompt").getAttribute("value"))
                .isEqualTo("日本 café 🙂, a yellow star at the top of a purple background");
        assertThat(page.byId("negativePrompt").getAttribute("value")).isEqualTo("blurry, low quality");
        assertThat(page.byId("guidanceScale").getAttribute("value")).isEqualTo("6.5");
        assertThat(page.byId("seed").getAttribute("value")).isEqualTo("4294967295");
        assertThat(new Select(page.byId("size")).getFirstSelectedOption().getAttribute("value")).isEqualTo("64x64");
        assertThat(new Select(page.byId("scheduler")).getFirstSelectedOption().getAttribute("value"))
                .as("DPM++ 2M with its Karras schedule type: our dpmpp_2m").isEqualTo("dpmpp_2m");
        assertThat(page.byId("status").getText())
                .isEqualTo("Settings loaded from a1111.png (DPM++ 2M Karras without its Karras schedule: dpmpp_2m)");

        // the loaded settings generate as they are
        page.byId("generate").click();
        page.until("the image from the dropped settings", d -> page.galleryCount() == 1);
        assertThat(page.all("#gallery .gallery-item").get(0).getText()).contains("seed 4294967295")
                .contains("7 dpmpp_2m");
    }

    @Test
    void ourOwnPngFillsTheFormAndAPngWithoutParametersIsNamed() throws Exception {
        StudioPage page = new StudioPage(session.driver(), url);
        page.openEmpty();
        String ours = new ImageMetadata("café crème, a green square", "", 9, "euler_a", 4.0, 1234, 64, 64, "default", 0,
                "torch").toA1111Parameters();
        page.js(DROP, png(ours), "ours.png");
        page.until("our PNG's settings", d -> page.byId("steps").getAttribute("value").equals("9"));
        assertThat(page.byId("prompt").getAttribute("value")).isEqualTo("café crème, a green square");
        assertThat(page.byId("negativePrompt").getAttribute("value")).isEmpty();
        assertThat(page.byId("guidanceScale").getAttribute("value")).isEqualTo("4");
        assertThat(page.byId("seed").getAttribute("value")).isEqualTo("1234");
        assertThat(new Select(page.byId("scheduler")).getFirstSelectedOption().getAttribute("value"))
                .as("'Euler a' is our euler_a").isEqualTo("euler_a");

        page.js(DROP, png(null), "plain.png");
        page.until("the error for a PNG without parameters", d -> !page.byId("form-error").getText().isBlank());
        assertThat(page.byId("form-error").getText()).contains("plain.png").contains("no generation parameters");
        assertThat(page.byId("prompt").getAttribute("value")).as("the form is left as it was")
                .isEqualTo("café crème, a green square");
    }
}
