package io.github.diffusion4j.quarkus.deployment;

import dev.langchain4j.data.image.Image;
import dev.langchain4j.model.image.ImageModel;
import dev.langchain4j.model.output.Response;
import io.github.diffusion4j.quarkus.runtime.ModelName;
import io.github.diffusion4j.quarkus.runtime.langchain4j.DiffusionImageModel;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** An application's own default ImageModel (another provider's, say) wins over ours, which stays reachable by name. */
class LangChain4jDefaultBeanTest {

    @Singleton
    public static class RemoteImageModel implements ImageModel {
        @Override
        public Response<Image> generate(String prompt) {
            return Response.from(Image.builder().url("https://example.invalid/image.png").build());
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class, RemoteImageModel.class))
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu");

    @Inject
    ImageModel defaultImageModel;

    @Inject
    @ModelName("default")
    ImageModel diffusion;

    @Test
    void theApplicationsBeanIsTheDefault() {
        assertThat(defaultImageModel).isInstanceOf(RemoteImageModel.class);
        assertThat(diffusion).isInstanceOf(DiffusionImageModel.class);
    }
}
