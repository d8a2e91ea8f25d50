package io.github.diffusion4j.quarkus.deployment.guide;

import io.github.diffusion4j.image.Images;
import io.quarkus.test.QuarkusDevModeTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first hour: a brand-new application made of the guide's first snippet only (the extension and
 * {@link ImageResource}, no application.properties, no model artifact) runs in dev mode, and its first request
 * returns an image of the scenes model that Dev Services provide.
 */
class ZeroConfigDevModeTest {

    @RegisterExtension
    static final QuarkusDevModeTest dev = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClasses(ImageResource.class))
            .setLogRecordPredicate(r -> r.getLoggerName().startsWith("io.github.diffusion4j"));

    @Test
    void firstRequestReturnsAnImage() {
        byte[] png = RestAssured.given().queryParam("prompt", "a small red circle").queryParam("seed", 7)
                .get("/image").then().statusCode(200).contentType("image/png").extract().asByteArray();
        assertThat(Images.readParameters(png)).startsWith("a small red circle\n").contains("Seed: 7")
                .contains("Size: 64x64");
        assertThat(dev.getLogRecords()).extracting(LogRecord::getMessage)
                .contains("No model configured for '%s': using the embedded scenes model (%s mode, Dev Services)");
    }
}
