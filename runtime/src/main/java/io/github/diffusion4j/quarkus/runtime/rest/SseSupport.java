package io.github.diffusion4j.quarkus.runtime.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.quarkus.runtime.queue.JobEvent;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import java.io.UncheckedIOException;

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

    private SseSupport() {
    }

    /**
     * Maps events to SSE. The JSON is written where the event is emitted: on the generation thread for live events
     * (including the large {@code completed} image), so the event loop only copies bytes.
     */
    static Multi<OutboundSseEvent> toSse(Multi<JobEvent> events, Sse sse, ObjectMapper mapper) {
        return events.map(e -> sse.newEventBuilder()
                .id(Long.toString(e.id()))
                .name(e.name())
                .data(json(mapper, e.data()))
                .build());
    }

    private static String json(ObjectMapper mapper, Object data) {
        try {
            return mapper.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
