package io.github.diffusion4j.quarkus.runtime;

import io.github.diffusion4j.image.Images;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationListener;
import io.github.diffusion4j.pipeline.Preview;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.inject.Singleton;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last {@value #CAPACITY} generations of every model, as the Dev UI's "Recent jobs" lists them, fed by the
 * pipelines' listener: REST queue jobs, injected pipelines and the playground alike. Dev and test mode only (the
 * prompts and thumbnails stay in memory). {@link #updates()} streams each change for the live jobs page.
 */
@Singleton
public class GenerationHistory implements GenerationListener {

    static final int CAPACITY = 20;
    private static final int THUMBNAIL = 96;

    /** By id, oldest first; an update keeps its entry's place. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    /** Why identity: {@link Generation} is a record, two identical requests are equal but distinct generations. */
    private final Map<Generation, String> running = new IdentityHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final BroadcastProcessor<Entry> updates = BroadcastProcessor.create();

    /**
     * One generation as the Dev UI shows it.
     *
     * @param id         a number unique in this application run
     * @param state      {@code running}, {@code completed}, {@code failed} or {@code cancelled}
     * @param thumbnail  the latest preview or the final image as a small PNG data URI, or {@code null}
     * @param durationMs from the start to the end, or so far
     */
    public record Entry(String id, String model, String family, String task, String state, String prompt, long seed,
                        int step, int total, double progress, Instant submitted, double durationMs, String thumbnail,
                        String error) {
    }

    /** Newest first. */
    public synchronized List<Entry> recent() {
        List<Entry> result = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            result.add(0, current(e));
        }
        return result;
    }

    /** Every change (a start, a step, an end), as the changed entry; hot: only changes after subscribing. */
    public Multi<Entry> updates() {
        return updates;
    }

    @Override
    public void onEvent(Generation generation, GenerationEvent event) {
        Entry changed;
        synchronized (this) {
            String id = running.get(generation);
            Entry entry = id == null ? null : entries.get(id);
            if (event instanceof GenerationEvent.Started started) {
                entry = new Entry(Long.toString(ids.incrementAndGet()), generation.model(), generation.family(),
                        generation.task(), "running", generation.request().prompt(), started.seed(), 0,
                        started.steps(), 0, Instant.now(), 0, null, null);
                running.put(generation, entry.id());
                entries.put(entry.id(), entry);
                if (entries.size() > CAPACITY) {
                    entries.remove(entries.keySet().iterator().next());
                }
            } else if (entry != null && event instanceof GenerationEvent.Step step) {
                String thumbnail = step.preview() != null ? thumbnail(step.preview()) : entry.thumbnail();
                entry = replace(entry, new Entry(entry.id(), entry.model(), entry.family(), entry.task(), entry.state(),
                        entry.prompt(), entry.seed(), step.index(), step.total(), step.progress(), entry.submitted(),
                        millis(step.elapsed()), thumbnail, null));
            } else if (entry != null && event instanceof GenerationEvent.Completed completed) {
                entry = replace(entry, new Entry(entry.id(), entry.model(), entry.family(), entry.task(), entry.state(),
                        entry.prompt(), entry.seed(), entry.total(), entry.total(), 1, entry.submitted(),
                        entry.durationMs(), thumbnail(completed.result().image().image()), null));
            }
            changed = entry;
        }
        if (changed != null) {
            updates.onNext(changed);
        }
    }

    @Override
    public void onEnd(Generation generation, Outcome outcome, Duration duration, int steps, Throwable failure) {
        Entry ended;
        synchronized (this) {
            String id = running.remove(generation);
            Entry entry = id == null ? null : entries.get(id);
            if (entry == null) {
                return;
            }
            ended = replace(entry, new Entry(entry.id(), entry.model(), entry.family(), entry.task(),
                    outcome.name().toLowerCase(Locale.ROOT), entry.prompt(), entry.seed(), entry.step(),
                    entry.total(), entry.progress(), entry.submitted(), millis(duration), entry.thumbnail(),
                    failure == null ? null : String.valueOf(failure.getMessage())));
        }
        updates.onNext(ended);
    }

    /** Puts {@code updated} in the place of {@code old} (same id); the caller holds the lock. */
    private Entry replace(Entry old, Entry updated) {
        if (entries.containsKey(old.id())) {
            entries.put(old.id(), updated);
        }
        return updated;
    }

    /** A running entry's duration so far. */
    private static Entry current(Entry e) {
        if (!"running".equals(e.state())) {
            return e;
        }
        double sinceStart = Duration.between(e.submitted(), Instant.now()).toNanos() / 1e6;
        return new Entry(e.id(), e.model(), e.family(), e.task(), e.state(), e.prompt(), e.seed(), e.step(), e.total(),
                e.progress(), e.submitted(), sinceStart, e.thumbnail(), e.error());
    }

    private static double millis(Duration d) {
        return d == null ? 0 : d.toNanos() / 1e6;
    }

    private static String thumbnail(Preview preview) {
        return dataUri(Images.toPng(preview.image(), null));
    }

    /** The image scaled to at most {@value #THUMBNAIL} pixels a side, as a PNG data URI. */
    static String thumbnail(BufferedImage image) {
        double scale = Math.min(1.0, (double) THUMBNAIL / Math.max(image.getWidth(), image.getHeight()));
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return dataUri(Images.toPng(small, null));
    }

    private static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }
}
