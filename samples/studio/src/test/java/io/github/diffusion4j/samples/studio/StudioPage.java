package io.github.diffusion4j.samples.studio;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The studio page in one browser session, for the browser tests: opening it with an empty history, waiting on
 * conditions (with a screenshot when one times out), reading and filling fields. Waits are generous: the tests share
 * small CI machines, and every wait is on a condition, never a fixed sleep.
 */
final class StudioPage {

    static final Duration WAIT = Duration.ofSeconds(180);
    static final Path TARGET = Paths.get("target");

    private final ChromeDriver driver;
    private final URL page;

    StudioPage(ChromeDriver driver, URL page) {
        this.driver = driver;
        this.page = page;
    }

    ChromeDriver driver() {
        return driver;
    }

    URL url() {
        return page;
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Runs an async script: it gets its callback as the last argument. */
    Object asyncJs(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    void setValue(String id, String value) {
        WebElement input = byId(id);
        input.clear();
        input.sendKeys(value);
    }

    String canvasState() {
        return byId("canvas").getAttribute("data-state");
    }

    /** Waits for {@code condition}; on a timeout, a screenshot of the page shows why. */
    void until(String what, Function<WebDriver, Boolean> condition) {
        try {
            new WebDriverWait(driver, WAIT, Duration.ofMillis(50)).until(condition);
        } catch (TimeoutException e) {
            String name = "failure-" + what.replaceAll("[^a-zA-Z0-9]+", "-") + ".png";
            try {
                screenshot(name);
            } catch (IOException | RuntimeException screenshotFailure) {
                e.addSuppressed(screenshotFailure);
            }
            throw new AssertionError("Timed out waiting for " + what + "; status: '" + byId("status").getText()
                    + "', form error: '" + byId("form-error").getText() + "'; see target/" + name, e);
        }
    }

    /** Loads the page and waits until its models and its history are loaded. */
    void load() {
        driver.get(page.toString());
        until("the page to load the model options", d -> "true".equals(js("return document.body.dataset.ready ?? null")));
    }

    /** Opens the page with an empty history (the Clear button) and this server's idle queue. */
    void openEmpty() {
        load();
        if (byId("history-clear").isEnabled()) {
            byId("history-clear").click();
        }
        until("an empty history", d -> all("#gallery li").isEmpty());
    }

    /**
     * Cancels this page's unfinished jobs on the server (after a failed test, so that the next test does not wait
     * behind them in the server's queue).
     */
    void cancelPageJobs() {
        asyncJs("""
                const done = arguments[arguments.length - 1];
                const ids = [...document.querySelectorAll('#queue li[data-job-id]')].map((li) => li.dataset.jobId);
                Promise.all(ids.map((id) => fetch('/diffusion/v1/jobs/' + id, { method: 'DELETE' })))
                    .then(() => done(), () => done());""");
    }

    int galleryCount() {
        return all("#gallery .gallery-item").size();
    }

    void screenshot(String name) throws IOException {
        Files.createDirectories(TARGET);
        Files.write(TARGET.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
    }
}
