package io.github.diffusion4j.quarkus.deployment;

import io.quarkus.test.QuarkusUnitTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

class HealthOnTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.health.enabled", "true");

    @Test
    void readiness() {
        RestAssured.when().get("/q/health/ready").then()
                .statusCode(200)
                .body("checks.name", hasItem("Diffusion4j models"))
                .body("checks.find { it.name == 'Diffusion4j models' }.status", is("UP"))
                .body("checks.find { it.name == 'Diffusion4j models' }.data.default", is("loaded, cpu"));
    }
}
