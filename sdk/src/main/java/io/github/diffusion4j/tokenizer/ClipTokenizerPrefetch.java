package io.github.diffusion4j.tokenizer;

import io.github.diffusion4j.internal.Futures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.FutureTask;

/**
 * CLIP tokenizers read on daemon threads while a model's sessions are created. Reading one is not free: a real
 * {@code vocab.json} (49,408 entries) and {@code merges.txt} (48,894 merges) take 0.2 s warm and 0.6 s in a fresh JVM
 * on the benchmark host, SDXL has two, and they used to be read one after the other after the denoiser's session.
 * Tokenizers are plain heap objects: one nobody takes (the load failed elsewhere) is simply collected.
 */
public final class ClipTokenizerPrefetch {

    private final Map<Path, FutureTask<ClipTokenizer>> pending = new ConcurrentHashMap<>();

    /** Starts reading each of {@code dirs} that holds a CLIP tokenizer ({@code vocab.json} and {@code merges.txt}). */
    public void start(Iterable<Path> dirs) {
        for (Path dir : dirs) {
            if (Files.isRegularFile(dir.resolve("vocab.json")) && Files.isRegularFile(dir.resolve("merges.txt"))) {
                FutureTask<ClipTokenizer> task = new FutureTask<>(() -> ClipTokenizer.load(dir));
                if (pending.putIfAbsent(dir, task) == null) {
                    Thread thread = new Thread(task, "diffusion4j-load-" + dir.getFileName());
                    thread.setDaemon(true);
                    thread.start();
                }
            }
        }
    }

    /**
     * The tokenizer of {@code dir}: the one read in the background (waiting for it), else read now. Failures are
     * those of {@link ClipTokenizer#load}, rethrown as they were thrown.
     */
    public ClipTokenizer take(Path dir) {
        FutureTask<ClipTokenizer> task = pending.remove(dir);
        if (task == null) {
            return ClipTokenizer.load(dir);
        }
        // the read is short and already running: wait for it even when interrupted
        return Futures.join(task, IllegalStateException::new);
    }

    /** Forgets every tokenizer nobody took (a folder the model's family does not use): the model must not keep it. */
    public void discardUntaken() {
        pending.clear();
    }
}
