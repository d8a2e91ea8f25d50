package io.github.diffusion4j.quarkus.rest;

/**
 * OpenAPI tag names of the Diffusion4j endpoints. Prefixed, because SmallRye OpenAPI merges tags by name: an
 * application documenting its own "Images" or "Jobs" would otherwise get our operations under its heading.
 */
public final class ApiTags {

    public static final String IMAGES = "Diffusion4j Images";
    public static final String JOBS = "Diffusion4j Jobs";
    public static final String MODELS = "Diffusion4j Models";
    public static final String OPENAI = "Diffusion4j OpenAI";

    private ApiTags() {
    }
}
