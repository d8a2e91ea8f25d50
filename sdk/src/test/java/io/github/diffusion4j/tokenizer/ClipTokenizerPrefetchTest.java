package io.github.diffusion4j.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The background read of a model's CLIP tokenizers: what {@link ClipTokenizerPrefetch#take} returns was read on the
 * prefetch thread (the files can be gone by then), its failures are the ones a direct read throws, and folders that
 * are not CLIP tokenizers are left to the direct read.
 */
class ClipTokenizerPrefetchTest {

    @TempDir
    Path temp;

    @Test
    void theTokenizerTakenIsTheOneReadInTheBackground() throws Exception {
        Path dir = copyOfSd1("tokenizer");
        ClipTokenizerPrefetch prefetch = new ClipTokenizerPrefetch();
        prefetch.start(List.of(dir));
        awaitReadThread("diffusion4j-load-tokenizer");
        // read already: a direct read would now fail with "tokenizer file not found"
        Files.delete(dir.resolve("vocab.json"));
        ClipTokenizer taken = prefetch.take(dir);
        ClipTokenizer reference = ClipTokenizer.load(resourceDir());
        assertThat(taken.encode("a photo of an astronaut riding a horse").ids())
                .containsExactly(reference.encode("a photo of an astronaut riding a horse").ids());
        // taken once: a second take reads the folder itself
        assertThatThrownBy(() -> prefetch.take(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer file not found");
    }

    @Test
    void aDiscardedPrefetchIsNotKept() throws Exception {
        Path dir = copyOfSd1("tokenizer_4");
        ClipTokenizerPrefetch prefetch = new ClipTokenizerPrefetch();
        prefetch.start(List.of(dir));
        awaitReadThread("diffusion4j-load-tokenizer_4");
        prefetch.discardUntaken();
        Files.delete(dir.resolve("vocab.json"));
        // the read one is gone: take reads the folder itself, whose vocabulary no longer exists
        assertThatThrownBy(() -> prefetch.take(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer file not found");
    }

    @Test
    void aFailedBackgroundReadIsRethrownAsTheDirectReadThrowsIt() throws Exception {
        Path dir = copyOfSd1("tokenizer_2");
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": ");
        ClipTokenizerPrefetch prefetch = new ClipTokenizerPrefetch();
        prefetch.start(List.of(dir));
        String direct = null;
        try {
            ClipTokenizer.load(dir);
        } catch (IllegalArgumentException e) {
            direct = e.getMessage();
        }
        assertThat(direct).contains("is not valid JSON");
        assertThatThrownBy(() -> prefetch.take(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(direct);
    }

    @Test
    void aFolderWithoutMergesIsNotReadInTheBackground() throws Exception {
        Path dir = copyOfSd1("tokenizer_3");
        Files.delete(dir.resolve("merges.txt"));
        ClipTokenizerPrefetch prefetch = new ClipTokenizerPrefetch();
        prefetch.start(List.of(dir, temp.resolve("missing")));
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("diffusion4j-load-tokenizer_3"));
        assertThatThrownBy(() -> prefetch.take(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer file not found").hasMessageContaining("merges.txt");
    }

    private Path copyOfSd1(String name) throws IOException {
        Path dir = Files.createDirectories(temp.resolve(name));
        try (var files = Files.list(resourceDir())) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName().toString()));
            }
        }
        return dir;
    }

    private static Path resourceDir() {
        try {
            return Path.of(ClipTokenizerPrefetchTest.class.getResource("/tokenizer/sd1/vocab.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean readThreadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    /** The read thread is alive from start() until its read is done; waits for its end, failing after 10 s. */
    private static void awaitReadThread(String name) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (readThreadAlive(name)) {
            assertThat(System.nanoTime()).as("the read thread %s ends within 10 s", name).isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
