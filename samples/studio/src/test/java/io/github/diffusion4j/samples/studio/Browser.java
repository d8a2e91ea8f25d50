package io.github.diffusion4j.samples.studio;

import org.openqa.selenium.Dimension;
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
 * Headless Debian Chromium driven by Debian's chromedriver. Both paths are given to Selenium explicitly, so that
 * Selenium Manager never looks for (or downloads) a browser or a driver.
 */
final class Browser {

    static final String CHROMIUM = System.getProperty("studio.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("studio.chromedriver", "/usr/bin/chromedriver");

    private Browser() {
    }

    /** What is missing ({@code null} when both are there). */
    static String missing() {
        boolean browser = new File(CHROMIUM).canExecute();
        boolean driver = new File(CHROMEDRIVER).canExecute();
        if (browser && driver) {
            return null;
        }
        if (!browser && !driver) {
            return CHROMIUM + " and " + CHROMEDRIVER;
        }
        return browser ? CHROMEDRIVER : CHROMIUM;
    }

    static boolean onCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0");
    }

    /** A browser session with its own throw-away profile; {@link Session#close()} deletes the profile. */
    static Session start(int width, int height) {
        String missing = missing();
        if (missing != null) {
            throw new IllegalStateException("CI=true but " + missing + " is missing: install Debian's chromium and "
                    + "chromium-driver (tools/ci/prepare.d/20-chromium.sh)");
        }
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        Path profile;
        try {
            profile = Files.createTempDirectory("studio-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        return new Session(driver, profile);
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
