package io.github.diffusion4j.quarkus.runtime.queue;

import io.smallrye.mutiny.subscription.MultiEmitter;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers one job's events to one subscriber (an SSE connection) through a bounded buffer, so that a slow client
 * never stalls the generation or the other clients. The job only ever enqueues here (never waits); the subscriber's
 * demand drains the buffer. When the client falls behind, previews go first (step events lose their preview), then
 * the oldest step events; {@code queued} events coalesce to the latest; {@code started} and the terminal event are
 * never dropped.
 */
final class EventSubscriber {

    private static final Logger LOG = Logger.getLogger(EventSubscriber.class);

    /** Most events buffered per subscriber; past it the oldest step event is dropped. */
    static final int MAX_BUFFERED = 64;
    /**
     * A subscriber with this many undelivered events that it has not asked for yet is behind: previews are stripped
     * from then on.
     */
    static final int PREVIEW_BACKLOG = 2;

    private final String jobId;
    private final MultiEmitter<? super JobEvent> emitter;
    private final ArrayDeque<JobEvent> buffer = new ArrayDeque<>();
    private final AtomicInteger wip = new AtomicInteger();
    private boolean completeWhenEmpty;
    private boolean completed;
    private int droppedPreviews;
    private int droppedSteps;

    EventSubscriber(String jobId, MultiEmitter<? super JobEvent> emitter) {
        this.jobId = jobId;
        this.emitter = emitter;
    }

    /** Adds an event, applying the drop policy. Never blocks; called under the job's event lock to keep id order. */
    synchronized void enqueue(JobEvent event) {
        if (completeWhenEmpty) {
            return;
        }
        JobEvent e = event;
        if (e.data() instanceof QueuedEvent) {
            // only the latest position matters
            buffer.removeIf(x -> x.data() instanceof QueuedEvent);
        }
        if (behind()) {
            if (e.hasPreview()) {
                e = e.withoutPreview();
                droppedPreviews++;
            }
            stripBufferedPreviews();
        }
        if (buffer.size() >= MAX_BUFFERED && !e.isTerminal()) {
            if (!removeOldestStep()) {
                if (e.data() instanceof StepEvent) {
                    droppedSteps++;
                    return;
                }
            }
        }
        buffer.addLast(e);
        if (e.isTerminal()) {
            completeWhenEmpty = true;
            if (droppedPreviews > 0 || droppedSteps > 0) {
                LOG.debugf("Job %s: a slow subscriber missed %d previews and %d step events", jobId, droppedPreviews,
                        droppedSteps);
            }
        }
    }

    /**
     * Whether the subscriber has fallen behind: {@link #PREVIEW_BACKLOG} events wait and its demand does not cover
     * them and the next. Undelivered events alone do not say it: right after a subscription the replayed history
     * waits for the subscriber's thread to drain it while the job goes on publishing (on a loaded machine for several
     * steps), and a subscriber that asked for those events is not slow (the OpenAI stream lost every partial image
     * to that race).
     */
    private boolean behind() {
        return buffer.size() >= PREVIEW_BACKLOG && emitter.requested() <= buffer.size();
    }

    /**
     * Adds a kept event of the job's history with its preview: replaying the history to a subscriber that just came
     * is not falling behind (the history keeps few previews). The buffer bound still applies: past
     * {@link #MAX_BUFFERED} the oldest step events go.
     */
    synchronized void replay(JobEvent event) {
        if (buffer.size() >= MAX_BUFFERED && !event.isTerminal() && !removeOldestStep()
                && event.data() instanceof StepEvent) {
            droppedSteps++;
            return;
        }
        buffer.addLast(event);
    }

    /** Completes the stream once the buffer is drained (the job had ended before this subscriber came). */
    synchronized void completeWhenDrained() {
        completeWhenEmpty = true;
    }

    private void stripBufferedPreviews() {
        int n = buffer.size();
        for (int i = 0; i < n; i++) {
            JobEvent x = buffer.pollFirst();
            if (x.hasPreview()) {
                droppedPreviews++;
                x = x.withoutPreview();
            }
            buffer.addLast(x);
        }
    }

    private boolean removeOldestStep() {
        for (Iterator<JobEvent> it = buffer.iterator(); it.hasNext(); ) {
            if (it.next().data() instanceof StepEvent) {
                it.remove();
                droppedSteps++;
                return true;
            }
        }
        return false;
    }

    /** Emits what the subscriber asked for. Serialised (work-in-progress counter) so events leave in id order. */
    void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        while (true) {
            while (!emitter.isCancelled() && emitter.requested() > 0) {
                JobEvent next;
                synchronized (this) {
                    next = buffer.pollFirst();
                }
                if (next == null) {
                    break;
                }
                emitter.emit(next);
            }
            boolean complete = false;
            synchronized (this) {
                if (completeWhenEmpty && buffer.isEmpty() && !completed) {
                    completed = true;
                    complete = true;
                }
            }
            if (complete) {
                emitter.complete();
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    synchronized int buffered() {
        return buffer.size();
    }
}
