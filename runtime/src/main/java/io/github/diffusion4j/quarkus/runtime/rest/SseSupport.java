package io.github.diffusion4j.quarkus.runtime.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.JobEvent;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Job events as SSE: {@code id:} the event id, {@code event:} its name, {@code data:} one line of JSON. */
final class SseSupport {

    /** Describes the stream in the OpenAPI document. */
    static final String STREAM_DESCRIPTION = "A `text/event-stream`. Each event has `id:` (increasing per job, "
            + "usable as `Last-Event-ID`), `event:` one of `queued`, `started`, `step`, `completed`, `failed`, "
            + "`cancelled`, and `data:` one line of JSON: `queued` → QueuedEvent (sent again when the position "
            + "changes), `started` → StartedEvent, `step` → StepEvent (one per denoising step, with an optional "
            + "preview data URI), `completed` → CompletedEvent (images as data URIs with metadata and timings), "
            + "`failed` → FailedEvent (a problem detail), `cancelled` → CancelledEvent. The stream ends after the "
            + "terminal event (`completed`, `failed` or `cancelled`). A slow reader loses previews first, then old "
            + "step events; never the terminal event.";

    /** Text of the heartbeat comment lines. */
    static final String HEARTBEAT = "keep-alive";

    private SseSupport() {
    }

    /**
     * Maps events to SSE. The JSON is written where the event is emitted: on the generation thread for live events
     * (including the large {@code completed} image), so the event loop only copies bytes. A failure's detail is
     * replaced by {@link #publicDetail}: ONNX Runtime messages name graph nodes, which are the server's business.
     */
    static Multi<OutboundSseEvent> toSse(Multi<JobEvent> events, Sse sse, ObjectMapper mapper) {
        return events.map(e -> sse.newEventBuilder()
                .id(Long.toString(e.id()))
                .name(e.name())
                .data(json(mapper, e.data() instanceof FailedEvent f ? publicFailure(f) : e.data()))
                .build());
    }

    /**
     * {@code events} with a comment line ({@code : keep-alive}) whenever nothing was sent for {@code interval}, until
     * {@code events} ends: a stream whose job waits in the queue stays open through proxies that cut silent
     * connections. {@code interval} zero or negative: {@code events} unchanged.
     */
    static Multi<OutboundSseEvent> withHeartbeat(Multi<OutboundSseEvent> events, Sse sse, Duration interval) {
        if (interval == null || interval.isZero() || interval.isNegative()) {
            return events;
        }
        long intervalNanos = interval.toNanos();
        AtomicLong lastSent = new AtomicLong(System.nanoTime());
        Multi<Optional<OutboundSseEvent>> items = events.map(Optional::of)
                .onCompletion().continueWith(Optional.empty()); // the end marker stops the heartbeats
        Multi<Optional<OutboundSseEvent>> beats = Multi.createFrom().ticks().every(interval)
                .onOverflow().drop()
                .select().where(tick -> System.nanoTime() - lastSent.get() >= intervalNanos)
                .map(tick -> Optional.of(sse.newEventBuilder().comment(HEARTBEAT).build()));
        return Multi.createBy().merging().streams(items, beats)
                .select().first(Optional::isPresent)
                .map(Optional::get)
                .invoke(e -> lastSent.set(System.nanoTime()));
    }

    /** A failed job as clients see it: the same event with the internal cause left in the server log. */
    static FailedEvent publicFailure(FailedEvent failed) {
        return new FailedEvent(failed.jobId(), failed.type(), failed.title(), failed.status(), publicDetail(failed));
    }

    /**
     * What a client is told about a failed job: a 4xx failure's detail (it describes the request), else a generic line
     * pointing to the server log, which has the cause.
     */
    static String publicDetail(FailedEvent failed) {
        if (failed.status() < 500) {
            return failed.detail();
        }
        return "The generation failed on the server; its log has the cause (job " + failed.jobId() + ")";
    }

    private static String json(ObjectMapper mapper, Object data) {
        try {
            return mapper.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
