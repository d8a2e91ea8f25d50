package io.github.diffusion4j.quarkus.rest.config;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * Run-time configuration of the Diffusion4j REST API: body limits, uploads, the OpenAI-compatible endpoints. Property
 * names are unchanged from when the REST API was part of the core extension. The SSE heartbeat
 * ({@code quarkus.diffusion4j.jobs.sse-heartbeat}) stays with the jobs it belongs to, in the core configuration.
 */
@ConfigRoot(phase = ConfigPhase.RUN_TIME)
@ConfigMapping(prefix = "quarkus.diffusion4j.rest")
public interface RestRuntimeConfig {

    /**
     * Largest request body accepted by the Diffusion4j endpoints, without the uploaded images: the limit a body
     * is held to is this plus room for an image and a mask of {@code uploads.max-image-size} (as base64 text in a
     * JSON body, as files in a multipart one). A larger {@code Content-Length} gets HTTP 413 before any byte of
     * the body is read; a chunked body is counted while it arrives and cut off (413, connection closed) as soon as
     * it passes the limit, so a body never takes more memory than that.
     */
    @WithDefault("64K")
    MemorySize maxBodySize();

    /**
     * Longest time the body of a request to the Diffusion4j endpoints may take to arrive, counted from its headers.
     * A client that stops sending half-way gets HTTP 408 and its connection is closed, instead of holding it open.
     */
    @WithDefault("30S")
    Duration bodyTimeout();

    /**
     * Origin (scheme, host and port, e.g. {@code https://images.example.com}) written in front of the job path in
     * the {@code Location} header of {@code POST /jobs}. Unset: the header is the path alone (a relative reference,
     * RFC 9110), so a client's {@code Host} header is never echoed.
     */
    Optional<String> publicOrigin();

    /** The OpenAI-compatible endpoint. */
    OpenAiRuntimeConfig openai();

    /** Limits on the init image and mask of image-editing requests. */
    UploadsConfig uploads();

    /** The OpenAI-compatible endpoint. */
    interface OpenAiRuntimeConfig {

        /**
         * Whether {@code POST /v1/images/generations} (the OpenAI images API: prompt, n, size, response_format
         * {@code b64_json}, output_format, stream with partial_images) and {@code POST /v1/images/edits} (multipart
         * image, mask, prompt) answer, so that existing OpenAI image clients
         * work unchanged. Read at start-up: {@code -Dquarkus.diffusion4j.rest.openai.enabled=true} on the packaged
         * application switches them on. When off, the paths answer 404 as any unknown path does.
         */
        @WithDefault("false")
        boolean enabled();
    }

    /** Limits on uploaded images ({@code image} and {@code mask} of {@code /v1/images}, {@code /v1/jobs}, edits). */
    interface UploadsConfig {

        /**
         * Largest encoded image (PNG or JPEG bytes, after base64 decoding) accepted as {@code image} or {@code mask};
         * larger ones get HTTP 400 naming the field. A JSON body may exceed {@code max-body-size} by the base64 text
         * of two images of this size (image and mask); a multipart body by the two files.
         */
        @WithDefault("8M")
        MemorySize maxImageSize();

        /**
         * Most pixels (width × height) of an uploaded image, read from the image header before it is decoded, so that
         * a small file that decodes to a huge bitmap is refused without allocating it.
         */
        @WithDefault("4194304")
        long maxImagePixels();
    }
}
