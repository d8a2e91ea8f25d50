package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * Answer of the OpenAI-compatible endpoint.
 *
 * @param created Unix time in seconds
 * @param data    one entry per image
 */
@Schema(name = "OpenAiImagesResponse")
public record OpenAiImagesResponse(@Schema(example = "1747735200") long created, List<Data> data) {

    /**
     * One image.
     *
     * @param b64Json       base64 PNG
     * @param revisedPrompt the prompt used (unchanged)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "OpenAiImageData")
    public record Data(@JsonProperty("b64_json") String b64Json,
                       @JsonProperty("revised_prompt") String revisedPrompt) {
    }
}
