package io.github.diffusion4j.samples.studio;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The studio page in a real browser (headless Debian Chromium): a prompt goes in, the progress bar climbs to 100 %
 * while step previews stream in, the final image decodes; Cancel stops a running job on the server; the API's
 * validation errors appear next to their fields. Screenshots go to {@code target/}.
 */
@QuarkusTest
@ExtendWith(ChromiumCondition.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StudioBrowserTest {

    private static final Duration WAIT = StudioPage.WAIT;
    private static final Path TARGET = Paths.get("target");

    /**
     * Records what the page shows while a job runs: every progress value and every distinct preview. Polling from
     * the test could miss steps of a fast model; a MutationObserver inside the page misses none.
     */
    private static final String RECORD = """
            window.__seen = { progress: [], previews: new Set(), states: [] };
            const bar = document.getElementById('progress');
            const preview = document.getElementById('preview');
            const canvas = document.getElementById('canvas');
            new MutationObserver(() => window.__seen.progress.push(Number(bar.getAttribute('aria-valuenow'))))
                .observe(bar, { attributes: true, attributeFilter: ['aria-valuenow'] });
            new MutationObserver(() => window.__seen.previews.add(preview.src))
                .observe(preview, { attributes: true, attributeFilter: ['src'] });
            new MutationObserver(() => window.__seen.states.push(canvas.dataset.state))
                .observe(canvas, { attributes: true, attributeFilter: ['data-state'] });
            """;

    private static Browser.Session session;

    @TestHTTPResource("/")
    URL page;

    @BeforeAll
    static void startBrowser() throws IOException {
        Files.createDirectories(TARGET);
        session = Browser.start(1366, 900);
    }

    /** A failed test must not leave its jobs in the server's queue in front of the next test's. */
    @AfterEach
    void cancelLeftoverJobs() {
        new StudioPage(driver(), page).cancelPageJobs();
    }

    @AfterAll
    static void stopBrowser() {
        if (session != null) {
            session.close();
        }
    }

    private ChromeDriver driver() {
        return session.driver();
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver()).executeScript(script, args);
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(driver(), WAIT, Duration.ofMillis(20));
    }

    /** Waits for {@code condition}; on a timeout, a screenshot of the page shows why (also on CI). */
    private void until(String what, Function<WebDriver, Boolean> condition) {
        new StudioPage(driver(), page).until(what, condition);
    }

    private WebElement byId(String id) {
        return driver().findElement(By.id(id));
    }

    /** Opens the page with an empty history and waits until the model's options are loaded. */
    private void open() {
        new StudioPage(driver(), page).openEmpty();
    }

    private void setValue(String id, String value) {
        WebElement input = byId(id);
        input.clear();
        input.sendKeys(value);
    }

    private String canvasState() {
        return byId("canvas").getAttribute("data-state");
    }

    @Test
    @Order(1)
    void promptToImageStepByStep() throws IOException {
        open();
        assertThat(new Select(byId("scheduler")).getOptions()).extracting(WebElement::getText)
                .as("schedulers from GET /v1/schedulers").hasSizeGreaterThan(3);
        assertThat(new Select(byId("size")).getOptions()).as("sizes from the model's limits").isNotEmpty();

        // euler: as many step events as steps (PNDM adds one); 512 × 512: slow enough steps for live previews
        setValue("steps", "20");
        new Select(byId("scheduler")).selectByValue("euler");
        new Select(byId("size")).selectByValue("512x512");
        setValue("seed", "1234");
        setValue("prompt", "a large red circle in the centre of a blue background");
        js(RECORD);
        byId("prompt").sendKeys(Keys.ENTER); // Enter generates

        until("the image", d -> "completed".equals(canvasState()));

        assertThat(byId("progress").getAttribute("aria-valuenow")).isEqualTo("100");
        assertThat(byId("status").getText()).contains("20/20").contains("100 %");
        @SuppressWarnings("unchecked")
        List<Number> progress = (List<Number>) js("return window.__seen.progress");
        assertThat(progress).as("the bar moved step by step").hasSizeGreaterThanOrEqualTo(6);
        assertThat(progress.stream().mapToInt(Number::intValue).toArray()).isSorted();
        assertThat(progress.get(progress.size() - 1).intValue()).isEqualTo(100);
        long previews = (Long) js("return window.__seen.previews.size");
        assertThat(previews).as("live previews replaced each other while denoising").isGreaterThanOrEqualTo(3);

        WebElement result = byId("result");
        until("the image to decode", d -> Boolean.TRUE.equals(js("return arguments[0].complete && arguments[0].naturalWidth > 0", result)));
        assertThat(((Number) js("return arguments[0].naturalWidth", result)).intValue()).isPositive();
        assertThat(result.getAttribute("src")).startsWith("data:image/png;base64,");
        assertThat(byId("details").getText()).contains("1234").contains("Denoising");

        // the gallery holds it, with its parameters
        List<WebElement> items = driver().findElements(By.cssSelector("#gallery .gallery-item"));
        assertThat(items).hasSize(1);
        assertThat(items.get(0).getText()).contains("a large red circle in the centre of a blue background").contains("seed 1234");

        screenshot("studio-screenshot.png");

        @SuppressWarnings("unchecked")
        List<String> fetched = (List<String>) js("return performance.getEntriesByType('resource').map(e => e.name)"
                + ".filter(n => !n.startsWith('data:'))");
        assertThat(fetched).as("nothing fetched from anywhere but this server").isNotEmpty()
                .allSatisfy(url -> assertThat(url).startsWith(page.toString().replaceAll("/$", "")));

        // choosing it puts its settings back
        setValue("prompt", "something else");
        setValue("steps", "3");
        byId("seed").clear();
        items.get(0).click();
        assertThat(byId("prompt").getAttribute("value")).isEqualTo("a large red circle in the centre of a blue background");
        assertThat(byId("steps").getAttribute("value")).isEqualTo("20");
        assertThat(new Select(byId("size")).getFirstSelectedOption().getAttribute("value")).isEqualTo("512x512");
        assertThat(byId("seed").getAttribute("value")).isEqualTo("1234");
    }

    @Test
    @Order(2)
    void cancelStopsTheRunningJob() throws Exception {
        open();
        // many steps at the largest size with a preview each: the tiny model is still running when Cancel is clicked
        setValue("steps", "600");
        new Select(byId("scheduler")).selectByValue("euler");
        Select size = new Select(byId("size"));
        size.selectByIndex(size.getOptions().size() - 1);
        setValue("prompt", "a long one");
        js(RECORD);
        byId("generate").click();

        until("the first steps", d -> "running".equals(canvasState()) && byId("status").getText().startsWith("Step "));
        WebElement cancel = byId("cancel");
        assertThat(cancel.isEnabled()).isTrue();
        cancel.click();

        until("the cancellation", d -> "cancelled".equals(canvasState()));
        assertThat(byId("status").getText()).startsWith("Cancelled at");
        assertThat(Integer.parseInt(byId("progress").getAttribute("aria-valuenow"))).isLessThan(100);
        assertThat(byId("generate").isEnabled()).as("ready for the next one").isTrue();
        assertThat(driver().findElements(By.cssSelector("#gallery .gallery-item"))).isEmpty();

        String jobId = byId("canvas").getAttribute("data-job-id");
        HttpResponse<String> job = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(page.toString()).resolve("/diffusion/v1/jobs/" + jobId))
                        .header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(job.statusCode()).isEqualTo(200);
        assertThat(job.body()).contains("\"state\":\"cancelled\"").contains("\"cancelReason\":\"cancelled\"");
    }

    @Test
    @Order(3)
    void validationErrorsAppearNextToTheirFields() throws IOException {
        open();
        setValue("prompt", "zero steps");
        setValue("steps", "0");
        byId("generate").click();

        until("the steps error", d -> !byId("steps-error").getText().isBlank());
        assertThat(byId("steps-error").getText()).contains("between 1 and");
        assertThat(byId("steps").getAttribute("class")).contains("invalid");
        assertThat(byId("steps").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(byId("prompt-error").getText()).isEmpty();
        assertThat(canvasState()).isEqualTo("idle");
        assertThat(byId("generate").isEnabled()).isTrue();

        // a size no select offers (a crafted option) and a bad CFG: both errors, each at its own field
        setValue("steps", "5");
        setValue("guidanceScale", "500");
        js("const s = document.getElementById('size'); s.add(new Option('1000 × 64', '1000x64')); s.value = '1000x64';");
        byId("generate").click();

        until("the size error", d -> !byId("size-error").getText().isBlank());
        assertThat(byId("size-error").getText()).contains("width").containsPattern("multiple of \\d+ between");
        assertThat(byId("guidanceScale-error").getText()).contains("between 0 and 100");
        assertThat(byId("steps-error").getText()).as("a fixed field loses its error").isEmpty();
        screenshot("studio-validation.png");

        // a seed that is not a number: the server's type error lands at the seed field
        setValue("guidanceScale", "7");
        new Select(byId("size")).selectByIndex(0);
        setValue("seed", "not-a-seed");
        byId("generate").click();
        until("the seed error", d -> !byId("seed-error").getText().isBlank());
        assertThat(byId("seed-error").getText()).contains("integer");
        assertThat(byId("size-error").getText()).isEmpty();
    }

    @Test
    @Order(4)
    void phoneLayoutStacksTheColumns() throws IOException {
        open();
        driver().manage().window().setSize(new Dimension(390, 844));
        try {
            waiting().until(d -> ((Number) js("return window.innerWidth")).intValue() <= 420);
            WebElement controls = byId("generate-form");
            WebElement stage = driver().findElement(By.cssSelector(".stage"));
            assertThat(stage.getRect().getY()).as("the picture sits under the form on a phone")
                    .isGreaterThanOrEqualTo(controls.getRect().getY() + controls.getRect().getHeight());
            assertThat(((Number) js("return document.documentElement.scrollWidth")).intValue())
                    .as("no sideways scrolling").isLessThanOrEqualTo(((Number) js("return window.innerWidth")).intValue());
            screenshot("studio-phone.png");
        } finally {
            driver().manage().window().setSize(new Dimension(1366, 900));
        }
    }

    /**
     * With {@code -Dstudio.docs=true}: the README's picture, {@code docs/studio.png}. A few images in the gallery and
     * the whole page at laptop width, so that it shows everything the page does.
     */
    @Test
    @Order(5)
    void readmeScreenshot() throws IOException {
        assumeTrue(Boolean.getBoolean("studio.docs"), "docs/studio.png is only made with -Dstudio.docs=true");
        open();
        String[][] prompts = {
                {"a yellow star on the left of a purple background", "11"},
                {"a green square and an orange ring on a white background", "22"},
                {"a large red circle in the centre of a blue background", "33"},
        };
        for (String[] prompt : prompts) {
            setValue("prompt", prompt[0]);
            setValue("seed", prompt[1]);
            setValue("steps", "20"); // the scenes model's recommendation (earlier tests changed the field)
            new Select(byId("scheduler")).selectByValue("euler");
            byId("generate").click();
            until("image " + prompt[1], d -> "completed".equals(canvasState())
                    && prompt[1].equals(byId("canvas").getAttribute("data-shown-seed")));
        }
        // the whole page at the laptop viewport: a taller window would grow the picture (its size follows vh) instead
        js("window.scrollTo(0, 0)");
        int width = ((Number) js("return document.documentElement.scrollWidth")).intValue();
        int height = ((Number) js("return document.documentElement.scrollHeight")).intValue();
        Map<String, Object> shot = driver().executeCdpCommand("Page.captureScreenshot", Map.of(
                "format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        Path file = TARGET.resolve("studio-readme.png");
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
        Path docs = Paths.get(System.getProperty("studio.docsDir", "../../docs"));
        Files.createDirectories(docs);
        Files.copy(file, docs.resolve("studio.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Inpainting from the page: an init image uploaded through the file input, a stroke of the mask brush painted on
     * the canvas with the mouse, strength at 1; the result keeps every unpainted pixel of the init image and repaints
     * under the stroke. Then a gallery image becomes the next init image.
     */
    @Test
    @Order(6)
    void paintAMaskAndInpaint() throws IOException {
        open();
        assertThat(new Select(byId("model")).getFirstSelectedOption().getText()).as("the picker shows the family")
                .contains("· sd");
        Path init = TARGET.resolve("studio-init.png");
        java.awt.image.BufferedImage noise = new java.awt.image.BufferedImage(64, 64,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(7);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                noise.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        javax.imageio.ImageIO.write(noise, "png", init.toFile());
        byId("init-file").sendKeys(init.toAbsolutePath().toString());
        WebElement mask = byId("mask-canvas");
        until("the init image", d -> mask.isDisplayed() && ((Number) js("return arguments[0].width", mask)).intValue() == 64);
        assertThat(new Select(byId("size")).getFirstSelectedOption().getAttribute("value"))
                .as("the init image's size is offered").isEqualTo("64x64");

        js("arguments[0].scrollIntoView({ block: 'center' })", mask);
        int w = mask.getRect().getWidth();
        int h = mask.getRect().getHeight();
        new org.openqa.selenium.interactions.Actions(driver()).moveToElement(mask, -w / 4, -h / 3).clickAndHold()
                .moveByOffset(0, h / 3).moveByOffset(0, h / 3).release().perform();
        long painted = (Long) js("const c = arguments[0]; const d = c.getContext('2d').getImageData(0, 0, 64, 64).data;"
                + " let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n;", mask);
        assertThat(painted).as("the brush painted the mask").isBetween(50L, 2000L);
        js("const s = document.getElementById('strength'); s.value = '1'; s.dispatchEvent(new Event('input'));");
        assertThat(byId("strength-value").getText()).isEqualTo("1.00");
        new Select(byId("scheduler")).selectByValue("euler");
        setValue("steps", "8");
        setValue("seed", "99");
        setValue("prompt", "a green square on a white background");
        byId("generate").click();
        until("the inpainted image", d -> "completed".equals(canvasState()));
        WebElement result = byId("result");
        until("the image to decode", d -> Boolean.TRUE.equals(js("return arguments[0].complete && arguments[0].naturalWidth > 0", result)));
        screenshot("studio-inpaint.png");

        @SuppressWarnings("unchecked")
        Map<String, Number> diff = (Map<String, Number>) js("""
                const [init, out, mask] = [document.getElementById('init-preview'), arguments[0], arguments[1]];
                const pixels = (img) => { const c = document.createElement('canvas'); c.width = 64; c.height = 64;
                    const x = c.getContext('2d'); x.drawImage(img, 0, 0); return x.getImageData(0, 0, 64, 64).data; };
                const a = pixels(init), b = pixels(out), m = mask.getContext('2d').getImageData(0, 0, 64, 64).data;
                let kept = 0, painted = 0;
                for (let i = 0; i < a.length; i += 4) {
                  const d = Math.max(Math.abs(a[i] - b[i]), Math.abs(a[i + 1] - b[i + 1]), Math.abs(a[i + 2] - b[i + 2]));
                  if (m[i + 3] === 0) { kept = Math.max(kept, d); } else if (m[i + 3] === 255) { painted = Math.max(painted, d); }
                }
                return { kept, painted };""", result, mask);
        assertThat(diff.get("kept").intValue()).as("unpainted pixels are the init image's").isLessThanOrEqualTo(1);
        assertThat(diff.get("painted").intValue()).as("painted pixels are repainted").isGreaterThan(1);

        // the result, from the gallery, becomes the next init image with an empty mask
        driver().findElement(By.cssSelector("#gallery .use-init")).click();
        until("the gallery image as init image", d -> result.getAttribute("src").equals(byId("init-preview").getAttribute("src")));
        assertThat((Long) js("const d = arguments[0].getContext('2d').getImageData(0, 0, 64, 64).data;"
                + " let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n;", mask)).isZero();
    }

    /**
     * Hires fix from the page: the toggle shows scale and strength; the job generates at the selected size, the steps
     * of both passes fill one progress bar, and the image comes back at twice the size.
     */
    @Test
    @Order(7)
    void hiresFixDoublesTheSize() throws IOException {
        open();
        assertThat(byId("hires-settings").isDisplayed()).isFalse();
        byId("hires-enabled").click();
        assertThat(byId("hires-settings").isDisplayed()).isTrue();
        new Select(byId("hires-scale")).selectByValue("2");
        js("const s = document.getElementById('hires-strength'); s.value = '0.5'; s.dispatchEvent(new Event('input'));");
        assertThat(byId("hires-strength-value").getText()).isEqualTo("0.50");
        new Select(byId("size")).selectByValue("64x64");
        new Select(byId("scheduler")).selectByValue("euler");
        setValue("steps", "6");
        setValue("seed", "5");
        setValue("prompt", "a small red circle on the left of a blue background");
        js(RECORD);
        byId("generate").click();
        until("the hires image", d -> "completed".equals(canvasState()));
        WebElement result = byId("result");
        until("the image to decode", d -> Boolean.TRUE.equals(js("return arguments[0].complete && arguments[0].naturalWidth > 0", result)));
        assertThat(((Number) js("return arguments[0].naturalWidth", result)).intValue()).isEqualTo(128);
        assertThat(byId("progress").getAttribute("aria-valuenow")).isEqualTo("100");
        assertThat(byId("status").getText()).as("6 first-pass steps and 3 hires steps").contains("9/9");
        screenshot("studio-hires.png");
        byId("hires-enabled").click();
    }

    private void screenshot(String name) throws IOException {
        Path file = TARGET.resolve(name);
        Files.write(file, driver().getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(file)).isPositive();
    }
}
