package io.github.diffusion4j.quarkus.deployment.devui;

import io.quarkus.test.QuarkusDevModeTest;
import io.restassured.RestAssured;
import org.jboss.logging.Logger;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dev UI of a dev-mode application with no configuration (the embedded model from Dev Services) in the real,
 * headless Chromium: the card's guide link; the playground streams a generation over JSON-RPC, its preview
 * image changing step after step before the final image comes; a request the model rejects puts each error on its
 * field; the jobs page lists the playground's generation and, live over its stream, one that the application makes
 * through its own injected pipeline.
 */
@ExtendWith(Chromium.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DevUiBrowserTest {

    private static final Logger LOG = Logger.getLogger(DevUiBrowserTest.class);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String PAGES = "/q/dev-ui/quarkus-diffusion4j/";

    /** Finds the first element matching a selector anywhere, through every shadow root (the Dev UI nests them). */
    private static final String DEEP = """
            const deep = (root, selector) => {
                const found = root.querySelector(selector);
                if (found) return found;
                for (const el of root.querySelectorAll('*')) {
                    if (el.shadowRoot) { const inner = deep(el.shadowRoot, selector); if (inner) return inner; }
                }
                return null;
            };
            const deepAll = (root, selector, into = []) => {
                into.push(...root.querySelectorAll(selector));
                for (const el of root.querySelectorAll('*')) if (el.shadowRoot) deepAll(el.shadowRoot, selector, into);
                return into;
            };
            """;

    /** A free port rather than dev mode's 8080, which another application on this machine may hold. */
    private static final int PORT = freePort();

    @RegisterExtension
    static final QuarkusDevModeTest dev = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClasses(InjectedImageResource.class)
                    .addAsResource(new StringAsset("quarkus.http.port=" + PORT + "\n"
                            // the cancelled run must still be going when Cancel is clicked: 150 steps of the dev
                            // model took 2.3 s on an idle machine, less than the wait for its first preview + click
                            + "quarkus.diffusion4j.limits.max-steps=1000\n"), "application.properties"));

    @Test
    void playgroundStreamsPreviewsAndTheJobsPageListsEveryGeneration() {
        String base = "http://localhost:" + PORT;
        try (Chromium.Session browser = Chromium.start()) {
            JavascriptExecutor js = browser.driver();
            cardHasGuide(browser, js, base);
            playgroundStreamsPreviews(browser, js, base);
            rejectedFieldsShowTheirErrors(browser, js);
            cancelStopsTheGeneration(browser, js);
            jobsPageListsAndStreams(browser, js, base);
        }
    }

    private void cardHasGuide(Chromium.Session browser, JavascriptExecutor js, String base) {
        browser.driver().get(base + "/q/dev-ui/extensions");
        @SuppressWarnings("unchecked")
        Map<String, Object> card = (Map<String, Object>) await(browser, js, DEEP + """
                const card = deepAll(document, 'qwc-extension').find(c => c.name === 'Diffusion4j');
                return card && card.guide ? { guide: card.guide } : null;""");
        assertThat((String) card.get("guide")).endsWith("/extension/README.md");
    }

    private void playgroundStreamsPreviews(Chromium.Session browser, JavascriptExecutor js, String base) {
        browser.driver().get(base + PAGES + "playground");
        await(browser, js, DEEP + """
                const page = deep(document, 'qwc-diffusion4j-playground');
                return page && page.shadowRoot && page.shadowRoot.querySelector('#generate') ? true : null;""");
        // every distinct preview the page shows, and how many were shown when the final image appeared
        js.executeScript(DEEP + """
                const page = deep(document, 'qwc-diffusion4j-playground');
                const root = page.shadowRoot;
                window.__previews = [];
                window.__previewsBeforeImage = -1;
                const look = () => {
                    const preview = root.querySelector('#preview');
                    const src = preview && preview.getAttribute('src');
                    if (src && src.startsWith('data:image/png') && !window.__previews.includes(src)) window.__previews.push(src);
                    if (root.querySelector('img.result') && window.__previewsBeforeImage < 0)
                        window.__previewsBeforeImage = window.__previews.length;
                };
                new MutationObserver(look).observe(root, { subtree: true, childList: true, attributes: true,
                    attributeFilter: ['src'] });
                root.querySelector('#prompt').value = 'a small red circle on the left of a blue background';
                root.querySelector('#seed').value = '7';
                root.querySelector('#steps').value = '8';
                root.querySelector('#generate').click();""");
        @SuppressWarnings("unchecked")
        Map<String, Object> done = (Map<String, Object>) await(browser, js, DEEP + """
                const root = deep(document, 'qwc-diffusion4j-playground').shadowRoot;
                const image = root.querySelector('img.result');
                return image ? { image: image.getAttribute('src'), status: root.querySelector('#status').textContent,
                    previews: window.__previews.length, before: window.__previewsBeforeImage,
                    progress: root.querySelector('#progress').value } : null;""");
        LOG.infof("Dev UI playground: %s distinct step previews shown before the final image (8 steps)",
                done.get("before"));
        assertThat((String) done.get("image")).startsWith("data:image/png;base64,");
        assertThat((String) done.get("status")).contains("Seed 7").contains(" s");
        // 8 steps, a preview each: the picture changed step by step before the final image replaced it
        assertThat(((Number) done.get("before")).intValue()).isGreaterThanOrEqualTo(4);
        assertThat(((Number) done.get("previews")).intValue()).isEqualTo(((Number) done.get("before")).intValue());
        assertThat(((Number) done.get("progress")).doubleValue()).isEqualTo(1.0);
        screenshot(browser, "devui-playground.png");
    }

    private void rejectedFieldsShowTheirErrors(Chromium.Session browser, JavascriptExecutor js) {
        js.executeScript(DEEP + """
                const root = deep(document, 'qwc-diffusion4j-playground').shadowRoot;
                root.querySelector('#width').value = '63';
                root.querySelector('#scheduler').value = '';
                root.querySelector('#guidanceScale').value = '-1';
                root.querySelector('#generate').click();""");
        @SuppressWarnings("unchecked")
        Map<String, Object> errors = (Map<String, Object>) await(browser, js, DEEP + """
                const root = deep(document, 'qwc-diffusion4j-playground').shadowRoot;
                const width = root.querySelector('#width');
                const guidance = root.querySelector('#guidanceScale');
                return width.invalid && width.errorMessage && guidance.invalid && guidance.errorMessage
                    ? { width: width.errorMessage, guidance: guidance.errorMessage } : null;""");
        assertThat((String) errors.get("width")).contains("multiple of");
        assertThat((String) errors.get("guidance")).isNotBlank();
    }

    private void cancelStopsTheGeneration(Chromium.Session browser, JavascriptExecutor js) {
        js.executeScript(DEEP + """
                const root = deep(document, 'qwc-diffusion4j-playground').shadowRoot;
                root.querySelector('#width').value = '64';
                root.querySelector('#guidanceScale').value = '5';
                root.querySelector('#steps').value = '1000';
                root.querySelector('#prompt').value = 'a long walk';
                window.__previews = [];
                root.querySelector('#generate').click();""");
        await(browser, js, "return window.__previews.length > 0 ? true : null;");
        js.executeScript(DEEP + "deep(document, 'qwc-diffusion4j-playground').shadowRoot.querySelector('#cancel').click();");
        @SuppressWarnings("unchecked")
        Map<String, Object> after = (Map<String, Object>) await(browser, js, DEEP + """
                const root = deep(document, 'qwc-diffusion4j-playground').shadowRoot;
                return { status: root.querySelector('#status').textContent,
                    generateEnabled: !root.querySelector('#generate').disabled,
                    image: !!root.querySelector('img.result') };""");
        assertThat(after.get("status")).isEqualTo("Cancelled");
        assertThat(after.get("generateEnabled")).isEqualTo(true);
        assertThat(after.get("image")).isEqualTo(false);
    }

    private void jobsPageListsAndStreams(Chromium.Session browser, JavascriptExecutor js, String base) {
        browser.driver().get(base + PAGES + "recent-jobs");
        String rows = DEEP + """
                const page = deep(document, 'qwc-diffusion4j-jobs');
                const grid = page && page.shadowRoot && page.shadowRoot.querySelector('#jobs');
                return grid && grid.items ? grid.items.map(j => ({ prompt: j.prompt, state: j.state, seed: j.seed,
                    thumbnail: j.thumbnail || '', text: grid.textContent })) : null;""";
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listed = (List<Map<String, Object>>) await(browser, js, rows);
        assertThat(listed).anySatisfy(job -> {
            assertThat(job.get("prompt")).isEqualTo("a small red circle on the left of a blue background");
            assertThat(job.get("state")).isEqualTo("completed");
            assertThat(((Number) job.get("seed")).longValue()).isEqualTo(7L);
            assertThat((String) job.get("thumbnail")).startsWith("data:image/png;base64,");
        });
        // the playground's Cancel stopped its generation on the server: it ends as cancelled, not completed
        assertThat(await(browser, js, rows.replace("return grid && grid.items ?", "return grid && grid.items && "
                + "grid.items.some(j => j.prompt === 'a long walk' && j.state === 'cancelled') ?"))).isNotNull();
        // with the page open, the application generates through its injected pipeline: the row arrives by itself
        RestAssured.given().queryParam("prompt", "a blue square").queryParam("seed", 11).get(base + "/injected")
                .then().statusCode(200).contentType("image/png");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> live = (List<Map<String, Object>>) await(browser, js, rows.replace(
                "return grid && grid.items ?", "return grid && grid.items && grid.items.some(j => j.prompt === 'a blue square' && j.state === "
                        + "'completed') ?"));
        assertThat(live).anySatisfy(job -> {
            assertThat(job.get("prompt")).isEqualTo("a blue square");
            assertThat(((Number) job.get("seed")).longValue()).isEqualTo(11L);
            assertThat((String) job.get("text")).contains("a blue square");
        });
        screenshot(browser, "devui-jobs.png");
    }

    /** Kept in target/ for a look at what the test saw (CI keeps it with the reports). */
    private static void screenshot(Chromium.Session browser, String name) {
        try {
            Files.write(Path.of("target", name), browser.driver().getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            LOG.warnf("Could not write target/%s: %s", name, e.getMessage());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the script until it returns something other than {@code null}, for at most {@link #WAIT}. */
    private static Object await(Chromium.Session browser, JavascriptExecutor js, String script) {
        return new WebDriverWait(browser.driver(), WAIT).until(d -> js.executeScript(script));
    }
}
