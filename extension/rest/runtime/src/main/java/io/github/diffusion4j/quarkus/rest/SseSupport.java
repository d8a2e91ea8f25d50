package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.JobEvent;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiSubscriber;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Job events as SSE: {@code id:} the event id, {@code event:} its name, {@code data:} one line of JSON. */
final class SseSupport {

    /** Describes the stream in the OpenAPI document. */
    static final String STREAM_DESCRIPTION = "A `text/event-stream`. Each event has `id:` (increasing per job, "
            + "usable as `Last-Event-ID`), `event:` one of `queued`, `started`, `step`, `completed`, `failed`, "
            + "`cancelled`, `restarted`, and `data:` one line of JSON: `queued` → QueuedEvent (sent again when the "
            + "position changes), `started` → StartedEvent, `step` → StepEvent (one per denoising step, with an "
            + "optional preview data URI), `completed` → CompletedEvent (images as data URIs with metadata and "
            + "timings), `failed` → FailedEvent (a problem detail), `cancelled` → CancelledEvent, `restarted` → "
            + "RestartedEvent (Redis backend: the worker was lost and the job runs again from step 1 elsewhere). Idle "
            + "streams get a `: keep-alive` comment line. The stream ends after the terminal event (`completed`, "
            + "`failed` or `cancelled`). A slow reader loses previews first, then old step events; never the terminal "
            + "event.";

    /** Text of the heartbeat comment lines. */
    static final String HEARTBEAT = "keep-alive";

    private SseSupport() {
    }

    /**
     * Maps events to SSE. The JSON is written where the event is emitted: on the generation thread for live events
     * (including the large {@code completed} image), so the event loop only copies bytes. A failure's detail is
     * replaced by {@link #publicDetail}: ONNX Runtime messages name graph nodes, which are the server's business.
     */
    static Multi<OutboundSseEvent> toSse(Multi<JobEvent> events, Sse sse, ObjectMapper mapper, Duration heartbeat) {
        Multi<OutboundSseEvent> mapped = events.map(e -> sse.newEventBuilder()
                .id(Long.toString(e.id()))
                .name(e.name())
                .data(json(mapper, e.data() instanceof FailedEvent f ? publicFailure(f) : e.data()))
                .build());
        return withHeartbeat(mapped, sse, heartbeat);
    }

    /**
     * {@code events} with a comment line ({@code : keep-alive}) after each {@code heartbeat} without an event, so that
     * proxies do not cut a stream whose job waits in the queue. Ends with {@code events}; passes the client's demand
     * through (so the job's slow-subscriber policy still applies) and sends a comment only when the client asked for
     * more. {@code heartbeat} null, zero or negative: {@code events} unchanged (a ticker of period zero would spin).
     */
    static Multi<OutboundSseEvent> withHeartbeat(Multi<OutboundSseEvent> events, Sse sse, Duration heartbeat) {
        if (heartbeat == null || heartbeat.isZero() || heartbeat.isNegative()) {
            return events;
        }
        return Multi.createFrom().emitter(emitter -> {
            AtomicLong last = new AtomicLong(System.nanoTime());
            AtomicReference<Flow.Subscription> upstream = new AtomicReference<>();
            Cancellable ticks = Multi.createFrom().ticks().every(heartbeat).onOverflow().drop().subscribe().with(t -> {
                if (System.nanoTime() - last.get() >= heartbeat.toNanos() - 1_000_000 && emitter.requested() > 0) {
                    last.set(System.nanoTime());
                    emitter.emit(sse.newEventBuilder().comment(HEARTBEAT).build());
                }
            }, failure -> { });
            // registered first: demand that arrives before the upstream subscription is requested in onSubscribe
            emitter.onRequest(n -> {
                Flow.Subscription s = upstream.get();
                if (s != null) {
                    s.request(n);
                }
            });
            events.subscribe().withSubscriber(new MultiSubscriber<OutboundSseEvent>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    upstream.set(s);
                    long pending = emitter.requested();
                    if (pending > 0) {
                        s.request(pending);
                    }
                }

                @Override
                public void onItem(OutboundSseEvent e) {
                    last.set(System.nanoTime());
                    emitter.emit(e);
                }

                @Override
                public void onFailure(Throwable failure) {
                    ticks.cancel();
                    emitter.fail(failure);
                }

                @Override
                public void onCompletion() {
                    ticks.cancel();
                    emitter.complete();
                }
            });
            emitter.onTermination(() -> {
                ticks.cancel();
                Flow.Subscription s = upstream.get();
                if (s != null) {
                    s.cancel();
                }
            });
        });
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
