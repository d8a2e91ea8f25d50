package io.github.diffusion4j.quarkus.rest.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffusion4j.image.Images;
import io.github.diffusion4j.image.ModelHash;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.json;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.post;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.send;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.sendBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The extension's PNG responses carry A1111's {@code Model hash}: the pipeline hashes its denoiser's weights in the
 * background once per load, and every image decoded after that writes it (PNG chunk and JSON metadata).
 */
class ModelHashRestTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.cpu-threads", "1")
            .overrideConfigKey("quarkus.diffusion4j.steps", "2");

    @TestHTTPResource("/")
    URI base;

    @Inject
    DiffusionPipeline pipeline;

    private String expectedHash() throws Exception {
        String expected = ModelHash.shortHash(Path.of(RestTestSupport.model("optimum-new")));
        // computed off the request path: wait for it here so that the next image is sure to carry it
        assertThat(pipeline.modelHash().get(60, TimeUnit.SECONDS)).isEqualTo(expected);
        return expected;
    }

    @Test
    void pngResponseParametersCarryTheModelHash() throws Exception {
        String expected = expectedHash();
        HttpResponse<byte[]> response = sendBytes(post(base, "/diffusion/v1/images",
                "{\"prompt\":\"a red circle\",\"seed\":7}").build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Images.readParameters(response.body())).contains("Model hash: " + expected + ", Model: default");
    }

    @Test
    void jsonResponseCarriesItInTheMetadataAndTheEmbeddedPng() throws Exception {
        String expected = expectedHash();
        HttpResponse<String> response = send(post(base, "/diffusion/v1/images",
                "{\"prompt\":\"a blue square\",\"seed\":8}").header("Accept", "application/json").build());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode image = json(response.body()).get("images").get(0);
        assertThat(image.get("metadata").get("modelHash").asText()).isEqualTo(expected);
        assertThat(Images.readParameters(Base64.getDecoder().decode(image.get("b64").asText())))
                .contains("Model hash: " + expected);
    }
}
