package io.github.diffusion4j.quarkus.runtime;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.inject.Qualifier;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Selects a named model: {@code @Inject @ModelName("anime") DiffusionPipeline pipeline} gets the pipeline configured
 * by {@code quarkus.diffusion4j."anime".*}. Without it, the default model ({@code quarkus.diffusion4j.*}) is injected.
 */
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface ModelName {

    /** The model name: the key in {@code quarkus.diffusion4j."name".path}. */
    String value();

    /** For programmatic lookup: {@code CDI.current().select(DiffusionPipeline.class, ModelName.Literal.of("anime"))}. */
    final class Literal extends AnnotationLiteral<ModelName> implements ModelName {

        private static final long serialVersionUID = 1L;

        private final String value;

        private Literal(String value) {
            this.value = value;
        }

        public static Literal of(String value) {
            return new Literal(value);
        }

        @Override
        public String value() {
            return value;
        }
    }
}
