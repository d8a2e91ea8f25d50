package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.github.diffusion4j.quarkus.runtime.DiffusionModels;
import io.quarkus.arc.Arc;
import io.quarkus.test.QuarkusUnitTest;
import io.restassured.RestAssured;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HTTP API is opt-in ({@code quarkus-diffusion4j-rest}): an application with the core extension only gets the
 * injectable pipeline and no JAX-RS resource, exception mapper or OpenAPI document of ours. Quarkus REST is on this
 * module's test class path (the tests' own resources need it, as an application's would), so a resource of ours that
 * came back into the core would be served here and fail the 404s.
 */
class RestOptInTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu");

    @Inject
    DiffusionPipeline pipeline;

    @Test
    void theInjectedPipelineGenerates() {
        GenerationResult result = pipeline.generateBlocking(GenerationRequest.builder("a red circle").steps(2).seed(3L).build());
        assertThat(result.image().png()).isNotEmpty();
    }

    @Test
    void noEndpointOfOursAnswers() {
        RestAssured.when().get("/diffusion/v1/models").then().statusCode(404);
        RestAssured.given().contentType("application/json").body("{\"prompt\":\"x\"}").post("/diffusion/v1/images")
                .then().statusCode(404);
        RestAssured.given().contentType("application/json").body("{\"prompt\":\"x\"}").post("/v1/images/generations")
                .then().statusCode(404);
        RestAssured.when().get("/q/openapi").then().statusCode(404);
    }

    @Test
    void noBeanOfOursIsAJaxRsComponent() {
        List<Bean<?>> ours = Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE).stream()
                .filter(bean -> bean.getBeanClass().getName().startsWith("io.github.diffusion4j."))
                .toList();
        assertThat(ours).as("the core's own beans are seen").extracting(Bean::getBeanClass).contains(DiffusionModels.class);
        assertThat(ours).as("resources, providers and exception mappers belong to quarkus-diffusion4j-rest")
                .filteredOn(bean -> isJaxRsComponent(bean.getBeanClass()))
                .extracting(Bean::getBeanClass)
                .isEmpty();
    }

    @Test
    void neitherTheRestModuleNorOpenApiIsOnTheClassPath() {
        for (String name : List.of("io.github.diffusion4j.quarkus.rest.ImagesResource",
                "io.github.diffusion4j.quarkus.runtime.rest.ImagesResource",
                "io.quarkus.smallrye.openapi.runtime.OpenApiRecorder")) {
            assertThatThrownBy(() -> Class.forName(name, false, Thread.currentThread().getContextClassLoader()))
                    .as(name).isInstanceOf(ClassNotFoundException.class);
        }
    }

    private static boolean isJaxRsComponent(Class<?> type) {
        Stream<Annotation> annotations = Stream.concat(Stream.of(type.getAnnotations()),
                Stream.of(type.getDeclaredMethods()).map(Method::getAnnotations).flatMap(Stream::of));
        return annotations.map(a -> a.annotationType().getPackageName())
                .anyMatch(p -> p.startsWith("jakarta.ws.rs") || p.startsWith("org.jboss.resteasy.reactive"));
    }
}
