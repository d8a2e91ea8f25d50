package io.github.diffusion4j.quarkus.deployment.devui;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Headless Debian Chromium driven by Debian's chromedriver, as samples/studio's browser test drives it: both paths
 * given to Selenium explicitly, so Selenium Manager never looks for (or downloads) a browser or a driver. As a JUnit
 * condition it runs the test only where both are installed, except under {@code CI=true}, where CI installs them
 * (tools/ci/prepare.d/20-chromium.sh) and a missing browser must fail rather than hide the test.
 */
public final class Chromium implements ExecutionCondition {

    static final String BROWSER = System.getProperty("devui.chromium", "/usr/bin/chromium");
    static final String DRIVER = System.getProperty("devui.chromedriver", "/usr/bin/chromedriver");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String missing = missing();
        if (missing == null) {
            return ConditionEvaluationResult.enabled("Debian chromium and chromium-driver are installed");
        }
        String ci = System.getenv("CI");
        if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0")) {
            return ConditionEvaluationResult.enabled("CI=true: running without " + missing + " so that the test fails");
        }
        return ConditionEvaluationResult.disabled("Skipping the Dev UI browser test: " + missing + " not found "
                + "(install Debian's chromium and chromium-driver, e.g. with tools/ci/prepare.d/20-chromium.sh; with "
                + "CI=true this is a failure)");
    }

    /** What is missing, or {@code null}. */
    static String missing() {
        boolean browser = new File(BROWSER).canExecute();
        boolean driver = new File(DRIVER).canExecute();
        return browser && driver ? null : !browser && !driver ? BROWSER + " and " + DRIVER : browser ? DRIVER : BROWSER;
    }

    /** A browser with its own throw-away profile; closing it quits the browser and deletes the profile. */
    static Session start() {
        String missing = missing();
        if (missing != null) {
            throw new IllegalStateException(missing + " is missing: install Debian's chromium and chromium-driver "
                    + "(tools/ci/prepare.d/20-chromium.sh)");
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("devui-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--disable-extensions", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        return new Session(new ChromeDriver(service, options), profile);
    }

    record Session(ChromeDriver driver, Path profile) implements AutoCloseable {
        @Override
        public void close() {
            try {
                driver.quit();
            } finally {
                try (Stream<Path> files = Files.walk(profile)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    // a leftover temp profile is harmless; the test result is what matters
                }
            }
        }
    }
}
