package io.github.diffusion4j.samples.studio;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue view (this page's jobs with their place in the server's queue, each with Cancel), the details panel
 * cleared when the next job starts, every validation error of a request shown at once, and the model picker's
 * per-model size multiple and schedulers; in headless Chromium.
 */
@QuarkusTest
@ExtendWith(ChromiumCondition.class)
class StudioQueueBrowserTest {

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

    private String jobState(String id) throws Exception {
        HttpResponse<String> job = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url.toString()).resolve("/diffusion/v1/jobs/" + id))
                        .header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        return job.body();
    }

    @Test
    void queuedJobsShowTheirPositionAndCancelAndTheDetailsAreClearedForTheNextJob() throws Exception {
        StudioPage page = new StudioPage(session.driver(), url);
        page.openEmpty();
        new Select(page.byId("scheduler")).selectByValue("euler");
        page.setValue("prompt", "a quick one");
        page.setValue("steps", "3");
        page.setValue("seed", "21");
        page.byId("generate").click();
        page.until("the first image's details", d -> page.byId("details").isDisplayed()
                && page.byId("details").getText().contains("21"));

        // two long jobs: the first runs, the second waits behind it in the server's queue (concurrency 1)
        page.setValue("prompt", "a long one");
        page.setValue("steps", "600");
        page.setValue("seed", "40");
        Select size = new Select(page.byId("size"));
        size.selectByIndex(size.getOptions().size() - 1);
        new Select(page.byId("batchCount")).selectByValue("2");
        page.byId("generate").click();

        page.until("one running and one queued job", d -> {
            List<WebElement> rows = page.all("#queue li");
            return rows.size() == 2 && "running".equals(rows.get(0).getAttribute("data-state"))
                    && rows.get(1).getText().matches("(?s).*Queued · position \\d+.*");
        });
        assertThat(page.byId("details").isDisplayed()).as("the last image's details are gone").isFalse();
        assertThat(page.byId("details").getText()).isEmpty();
        assertThat(page.byId("canvas").getAttribute("data-shown-seed")).isNull();
        List<WebElement> rows = page.all("#queue li");
        assertThat(rows.get(0).getText()).contains("a long one (1 of 2) · seed 40");
        assertThat(rows.get(1).getText()).contains("(2 of 2) · seed 41");
        String running = rows.get(0).getAttribute("data-job-id");
        String waiting = rows.get(1).getAttribute("data-job-id");
        page.screenshot("studio-queue.png");

        // Cancel in the queue view: that job only, gone from the view; the running one goes on
        rows.get(1).findElement(org.openqa.selenium.By.cssSelector(".queue-cancel")).click();
        page.until("the queued job to leave the view", d -> page.all("#queue li").size() == 1);
        assertThat(jobState(waiting)).contains("\"state\":\"cancelled\"");
        assertThat(page.canvasState()).isEqualTo("running");
        assertThat(jobState(running)).contains("\"state\":\"running\"");

        // and the running one through its own Cancel
        page.all("#queue .queue-cancel").get(0).click();
        page.until("the running job cancelled", d -> "cancelled".equals(page.canvasState())
                && page.all("#queue li").isEmpty());
        assertThat(jobState(running)).contains("\"state\":\"cancelled\"");
        assertThat(page.byId("queue-panel").isDisplayed()).isFalse();
        assertThat(page.galleryCount()).as("only the quick image").isEqualTo(1);
    }

    @Test
    void everyInvalidFieldIsShownAtOnce() {
        StudioPage page = new StudioPage(session.driver(), url);
        page.openEmpty();
        page.setValue("prompt", "two mistakes");
        page.setValue("steps", "0");
        page.setValue("guidanceScale", "500");
        page.byId("generate").click();

        page.until("both errors", d -> !page.byId("steps-error").getText().isBlank()
                && !page.byId("guidanceScale-error").getText().isBlank());
        assertThat(page.byId("steps-error").getText()).contains("between 1 and");
        assertThat(page.byId("guidanceScale-error").getText()).contains("between 0 and 100");
        assertThat(page.byId("steps").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(page.byId("guidanceScale").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(page.byId("prompt-error").getText()).isEmpty();
        assertThat(page.byId("queue-panel").isDisplayed()).as("nothing was queued").isFalse();
        assertThat(page.galleryCount()).isZero();
    }

    @Test
    void theModelPickerShowsEachModelsSizeMultipleAndSchedulers() {
        StudioPage page = new StudioPage(session.driver(), url);
        page.load();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> models = (List<Map<String, Object>>) page.asyncJs(
                "const done = arguments[arguments.length - 1];"
                        + " fetch('/diffusion/v1/models').then((r) => r.json()).then(done);");
        Map<String, Object> model = models.get(0);
        int multiple = ((Number) model.get("sizeMultiple")).intValue();
        List<?> schedulers = (List<?>) model.get("schedulers");

        String option = new Select(page.byId("model")).getFirstSelectedOption().getText();
        assertThat(option).startsWith(model.get("name") + " · ").contains("×" + multiple + " px")
                .contains(schedulers.size() + " schedulers");
        assertThat(page.byId("model-info").getText()).contains("sizes in multiples of " + multiple + " px");
        assertThat(new Select(page.byId("scheduler")).getOptions()).extracting(o -> o.getAttribute("value"))
                .as("the model's own schedulers after 'Model default'").containsSequence(schedulers.stream()
                        .map(Object::toString).toList());
        assertThat(new Select(page.byId("size")).getOptions()).extracting(o -> o.getAttribute("value"))
                .allSatisfy(v -> {
                    String[] wh = v.split("x");
                    assertThat(Integer.parseInt(wh[0]) % multiple).isZero();
                    assertThat(Integer.parseInt(wh[1]) % multiple).isZero();
                });
    }
}
