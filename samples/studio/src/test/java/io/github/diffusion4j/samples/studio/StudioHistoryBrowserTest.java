package io.github.diffusion4j.samples.studio;

import io.github.diffusion4j.image.Images;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.URL;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batch count, the history kept in IndexedDB across reloads, and each image's Download and Copy parameters buttons,
 * in headless Chromium.
 */
@QuarkusTest
@ExtendWith(ChromiumCondition.class)
class StudioHistoryBrowserTest {

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

    @Test
    void aBatchOfTwoFillsTheHistoryWhichSurvivesAReloadUntilCleared() throws Exception {
        StudioPage page = new StudioPage(session.driver(), url);
        page.openEmpty();
        page.setValue("prompt", "a small red circle on the left of a blue background");
        page.setValue("steps", "4");
        new Select(page.byId("scheduler")).selectByValue("euler");
        page.setValue("seed", "500");
        new Select(page.byId("batchCount")).selectByValue("2");
        page.byId("generate").click();

        page.until("two images in the history", d -> page.galleryCount() == 2 && page.all("#queue li").isEmpty());
        List<WebElement> items = page.all("#gallery .gallery-item");
        // newest first: the second image of the batch, seed + 1, on top
        assertThat(items.get(0).getText()).contains("seed 501").contains("2 of 2");
        assertThat(items.get(1).getText()).contains("seed 500").contains("1 of 2");
        assertThat(page.byId("gallery-count").getText()).startsWith("2 images");
        assertThat(page.byId("queue-panel").isDisplayed()).as("nothing left in the queue").isFalse();

        // Download: the PNG itself, named after its prompt and seed
        WebElement download = page.all("#gallery .download").get(1);
        assertThat(download.getAttribute("download")).isEqualTo("a-small-red-circle-on-the-left-of-a-blue-500.png");
        String href = download.getAttribute("href");
        assertThat(href).startsWith("data:image/png;base64,");
        String parameters = Images.readParameters(Base64.getDecoder().decode(href.substring(href.indexOf(',') + 1)));
        assertThat(parameters).contains("Seed: 500").contains("Sampler: Euler");

        // Copy parameters: the PNG's own parameters text goes to the clipboard
        page.js("window.__copied = null; navigator.clipboard.writeText = async (text) => { window.__copied = text; };");
        WebElement copy = page.all("#gallery .copy-parameters").get(1);
        copy.click();
        page.until("the parameters copied", d -> page.js("return window.__copied") != null);
        assertThat(page.js("return window.__copied")).isEqualTo(parameters);
        assertThat(copy.getText()).isEqualTo("Copied");

        // a reload (and a new visit) keeps the history, images and parameters
        page.until("the history written", d -> "0".equals(page.byId("gallery").getAttribute("data-saving")));
        page.load();
        page.until("the history after the reload", d -> page.galleryCount() == 2);
        List<WebElement> kept = page.all("#gallery .gallery-item");
        assertThat(kept.get(1).getText()).contains("seed 500").contains("1 of 2");
        assertThat(Boolean.TRUE.equals(page.js("const img = document.querySelector('#gallery img');"
                + " return img.src.startsWith('data:image/png;base64,')"))).isTrue();
        kept.get(1).click();
        assertThat(page.byId("seed").getAttribute("value")).as("its settings come back").isEqualTo("500");
        assertThat(page.byId("steps").getAttribute("value")).isEqualTo("4");

        // Clear empties it, for good
        page.byId("history-clear").click();
        page.until("an empty history", d -> page.galleryCount() == 0);
        assertThat(page.byId("gallery-count").getText()).isEqualTo("No images yet");
        page.load();
        assertThat(page.galleryCount()).as("still empty after a reload").isZero();
    }
}
