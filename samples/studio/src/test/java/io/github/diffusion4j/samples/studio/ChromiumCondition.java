package io.github.diffusion4j.samples.studio;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the browser test only where Debian's {@code chromium} and {@code chromium-driver} are installed, so that a
 * plain {@code ./mvnw verify} works on any machine. Under {@code CI=true} the test always runs: CI installs both
 * ({@code tools/ci/prepare.d/20-chromium.sh}), and a missing browser there must fail the build, not hide the test.
 * <p>
 * Evaluated before the class's Quarkus application starts, so a skip costs nothing.
 */
public class ChromiumCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String missing = Browser.missing();
        if (missing == null) {
            return ConditionEvaluationResult.enabled("Debian chromium and chromium-driver are installed");
        }
        if (Browser.onCi()) {
            return ConditionEvaluationResult.enabled("CI=true: running without " + missing + " so that the test fails");
        }
        return ConditionEvaluationResult.disabled("Skipping the studio browser test: " + missing + " not found (install "
                + "Debian's chromium and chromium-driver, e.g. with tools/ci/prepare.d/20-chromium.sh; with CI=true "
                + "this is a failure)");
    }
}
