package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.model.ExecutionProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The size multiple and the memory and work budgets (issue 17), per family: refused with violations naming the fields
 * and the allowed maximum, by the session-free validator and by {@code generate} before anything runs (no event
 * reaches the pipeline's listener).
 */
class BudgetsTest {

    private static final int SIDE = 128;
    private static final long MAX_PIXELS = (long) SIDE * SIDE;
    private static final long MAX_COST = MAX_PIXELS * 10;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"optimum-new", "sdxl-base", "sd3", "flux-schnell"})
    void sizeMultipleAndBudgetsAreRefusedBeforeAnyRun(String fixture) {
        AtomicInteger events = new AtomicInteger();
        GenerationListener counting = new GenerationListener() {
            @Override
            public void onEvent(Generation generation, GenerationEvent event) {
                events.incrementAndGet();
            }
        };
        try (DiffusionPipeline pipeline = DiffusionPipeline.builder(TestModels.model(fixture))
                .provider(ExecutionProvider.CPU).cpuThreads(1).listener(counting)
                .limits(new Limits(1024, 1024, 1000, 8, 1000, MAX_PIXELS, MAX_COST)).build()) {
            ModelDescriptor model = pipeline.descriptor();
            int m = model.sizeMultiple();
            RequestValidator.Budgets budgets = RequestValidator.Budgets.of(pipeline.limits(), model.defaultWidth(),
                    model.defaultHeight(), model.defaultSteps());

            assertThat(m).as("size multiple").isGreaterThanOrEqualTo(16);
            GenerationRequest offGrid = GenerationRequest.builder("x").size(m + 8, m).steps(1).build();
            refused(pipeline, offGrid, "width", "width must be a multiple of " + m + " between " + m);

            // the next square side on the grid past the pixel budget, one image, and two images of half of it
            int over = ((int) Math.sqrt(budgets.maxPixels()) / m + 1) * m;
            GenerationRequest tooManyPixels = GenerationRequest.builder("x").size(over, over).steps(1).build();
            refused(pipeline, tooManyPixels, RequestValidator.PIXELS_FIELD, RequestValidator.PIXELS_FIELD
                    + " must be at most " + budgets.maxPixels() + " pixels");
            int half = Math.max(m, (int) Math.sqrt(budgets.maxPixels() / 2.0) / m * m + m);
            GenerationRequest twoImages = GenerationRequest.builder("x").size(half, half).steps(1).batchSize(2)
                    .guidanceScale(1.0).build();
            refused(pipeline, twoImages, RequestValidator.PIXELS_FIELD, RequestValidator.PIXELS_FIELD
                    + " must be at most " + budgets.maxPixels() + " pixels");

            int side = Math.max(SIDE, m);
            int steps = (int) (budgets.maxCost() / ((long) side * side)) + 1;
            GenerationRequest tooMuchWork = GenerationRequest.builder("x").size(side, side).steps(steps).build();
            refused(pipeline, tooMuchWork, RequestValidator.COST_FIELD, RequestValidator.COST_FIELD
                    + " must be at most " + budgets.maxCost() + " pixel-steps");

            // one step less is within the budget
            GenerationRequest withinBudget = GenerationRequest.builder("x").size(side, side).steps(steps - 1).build();
            assertThat(RequestValidator.validate(withinBudget, model)).extracting(Violation::field)
                    .doesNotContain(RequestValidator.COST_FIELD, RequestValidator.PIXELS_FIELD);
            assertThat(events).as("events of refused requests").hasValue(0);
        }
    }

    private static void refused(DiffusionPipeline pipeline, GenerationRequest request, String field, String message) {
        // session-free: what an API-only node with the published descriptor says
        List<Violation> violations = RequestValidator.validate(request, pipeline.descriptor());
        assertThat(violations).extracting(Violation::field).contains(field);
        assertThat(violations).filteredOn(v -> v.field().equals(field)).first()
                .satisfies(v -> assertThat(v.message()).startsWith(message));
        // and the pipeline refuses at call time, before a session runs
        assertThatThrownBy(() -> pipeline.generate(request)).isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((InvalidRequestException) e).violations()).extracting(Violation::field)
                        .contains(field));
    }

    @Test
    void stepsRunFollowTheStrengthCutOfDiffusers() {
        // get_timesteps: init_timestep = min(int(num_inference_steps * strength), num_inference_steps)
        assertThat(RequestValidator.stepsRun(50, null)).isEqualTo(50);
        assertThat(RequestValidator.stepsRun(50, 0.75)).isEqualTo(37);
        assertThat(RequestValidator.stepsRun(10, 0.05)).isZero();
        assertThat(RequestValidator.stepsRun(10, 1.0)).isEqualTo(10);
        assertThat(RequestValidator.cost(512, 512, 50, 0.5, 2)).isEqualTo(512L * 512 * 25 * 2);
    }

    @Test
    void anEditCountsOnlyTheStepsItRuns() {
        RequestValidator.Budgets budgets = new RequestValidator.Budgets(MAX_PIXELS, MAX_COST);
        // 20 steps at strength 0.5 run 10: exactly the budget
        assertThat(RequestValidator.budgets(SIDE, SIDE, 20, 0.5, 1, budgets)).isEmpty();
        assertThat(RequestValidator.budgets(SIDE, SIDE, 20, null, 1, budgets)).singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo(RequestValidator.COST_FIELD + " must be at most "
                        + MAX_COST + " pixel-steps (the work budget, limits.max-cost), got 128 × 128 × 20 × 1 = "
                        + MAX_PIXELS * 20));
        assertThat(RequestValidator.budgets(SIDE, SIDE, 30, 0.5, 1, budgets)).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("× 15 (of 30 at strength 0.5) ×"));
    }

    @Test
    void theHiresPassCountsAtItsOwnSizeAndSteps() {
        RequestValidator.Budgets budgets = new RequestValidator.Budgets(MAX_PIXELS, MAX_COST);
        // 64² × 10 + 128² × int(10 × 0.5) = 40960 + 81920: within 163840
        assertThat(RequestValidator.budgets(64, 64, 10, null, 1, new RequestValidator.Pass(128, 128, 10, 0.5), budgets))
                .isEmpty();
        // 64² × 10 + 128² × 10 = 204800: over, the message shows both passes
        assertThat(RequestValidator.budgets(64, 64, 10, null, 1, new RequestValidator.Pass(128, 128, 20, 0.5), budgets))
                .singleElement().satisfies(v -> assertThat(v.message()).endsWith("got 64 × 64 × 10 × 1 + 128 × 128 × 10"
                        + " (hires, of 20 at strength 0.5) × 1 = 204800"));
        // the larger pass is what the memory budget sees
        assertThat(RequestValidator.budgets(64, 64, 1, null, 1, new RequestValidator.Pass(256, 128, 1, 1.0), budgets))
                .extracting(Violation::field).containsExactly(RequestValidator.PIXELS_FIELD);
        assertThat(RequestValidator.Pass.hires(HiresFix.scale(2), 64, 48, 10, 16))
                .isEqualTo(new RequestValidator.Pass(128, 96, 10, HiresFix.DEFAULT_STRENGTH));
    }

    @Test
    void theModelsOwnDefaultRequestIsNeverRefused() {
        Limits tight = new Limits(2048, 2048, 1000, 8, 1000, 1, 1);
        RequestValidator.Budgets budgets = RequestValidator.Budgets.of(tight, 1024, 1024, 30);
        assertThat(budgets.maxPixels()).isEqualTo(1024L * 1024);
        assertThat(budgets.maxCost()).isEqualTo(1024L * 1024 * 30);
        assertThat(RequestValidator.budgets(1024, 1024, 30, null, 1, budgets)).isEmpty();
        assertThat(RequestValidator.budgets(1024, 1024, 30, null, 2, budgets)).extracting(Violation::field)
                .containsExactly(RequestValidator.PIXELS_FIELD, RequestValidator.COST_FIELD);
    }

    @Test
    void budgetsMustBePositive() {
        assertThatThrownBy(() -> new Limits(64, 64, 1, 1, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxPixels must be at least 1, got 0");
        assertThat(new Limits(64, 64, 1, 1, 1)).extracting(Limits::maxPixels, Limits::maxCost)
                .containsExactly(Limits.DEFAULT_MAX_PIXELS, Limits.DEFAULT_MAX_COST);
    }
}
