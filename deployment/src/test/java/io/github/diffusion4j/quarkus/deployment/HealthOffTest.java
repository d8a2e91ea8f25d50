package io.github.diffusion4j.quarkus.deployment;

import io.quarkus.test.QuarkusUnitTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;

class HealthOffTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.health.enabled", "false");

    @Test
    void readiness() {
        RestAssured.when().get("/q/health/ready").then()
                .statusCode(200)
                .body("checks.name", not(hasItem("Diffusion4j models")));
    }
}
