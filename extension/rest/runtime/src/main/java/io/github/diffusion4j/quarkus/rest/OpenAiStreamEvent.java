package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One event of the OpenAI-compatible stream ({@code stream: true}), shaped as the OpenAI SDKs type them
 * ({@code ImageGenPartialImageEvent} and {@code ImageGenCompletedEvent} of the Node SDK's {@code resources/images}):
 * SSE {@code event:} is {@link #type()}, {@code data:} this object.
 *
 * @param type              {@code image_generation.partial_image} or {@code image_generation.completed}
 * @param b64Json           the image, base64, in {@code output_format}
 * @param background        always {@code opaque}: diffusion output has no alpha
 * @param createdAt         Unix time in seconds
 * @param outputFormat      {@code png} or {@code jpeg}
 * @param quality           always {@code auto}
 * @param size              {@code WIDTHxHEIGHT}
 * @param partialImageIndex 0-based index of a partial image; absent on {@code completed}
 * @param usage             token usage: zeros (no tokens here); only on {@code completed}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "OpenAiStreamEvent", description = "An event of the OpenAI-compatible image stream")
public record OpenAiStreamEvent(@Schema(example = "image_generation.partial_image") String type,
                                @JsonProperty("b64_json") String b64Json,
                                @Schema(example = "opaque") String background,
                                @JsonProperty("created_at") long createdAt,
                                @JsonProperty("output_format") @Schema(example = "png") String outputFormat,
                                @Schema(example = "auto") String quality,
                                @Schema(example = "512x512") String size,
                                @JsonProperty("partial_image_index") Integer partialImageIndex,
                                Usage usage) {

    public static final String PARTIAL = "image_generation.partial_image";
    public static final String COMPLETED = "image_generation.completed";

    static OpenAiStreamEvent partial(String b64, String format, String size, int index) {
        return new OpenAiStreamEvent(PARTIAL, b64, "opaque", now(), format, "auto", size, index, null);
    }

    static OpenAiStreamEvent completed(String b64, String format, String size) {
        return new OpenAiStreamEvent(COMPLETED, b64, "opaque", now(), format, "auto", size, null, Usage.NONE);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** OpenAI's token usage; a diffusion model has no tokens to bill, so every count is 0. */
    @Schema(name = "OpenAiUsage")
    public record Usage(@JsonProperty("input_tokens") int inputTokens,
                        @JsonProperty("input_tokens_details") InputTokensDetails inputTokensDetails,
                        @JsonProperty("output_tokens") int outputTokens,
                        @JsonProperty("total_tokens") int totalTokens) {

        static final Usage NONE = new Usage(0, new InputTokensDetails(0, 0), 0, 0);

        /** Input tokens by kind. */
        @Schema(name = "OpenAiInputTokensDetails")
        public record InputTokensDetails(@JsonProperty("image_tokens") int imageTokens,
                                         @JsonProperty("text_tokens") int textTokens) {
        }
    }
}
