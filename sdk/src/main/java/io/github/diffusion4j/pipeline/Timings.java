package io.github.diffusion4j.pipeline;

import java.time.Duration;

/**
 * Wall time per phase of one generation.
 *
 * @param textEncoding tokenizing and running the text encoder
 * @param denoising    the whole denoising loop
 * @param decoding     the VAE decoder and the conversion to images
 * @param total        from subscription to completion
 * @param onnxRun      the sum of the raw ONNX Runtime {@code run} calls (for overhead accounting)
 */
public record Timings(Duration textEncoding, Duration denoising, Duration decoding, Duration total,
                      Duration onnxRun) {
}
