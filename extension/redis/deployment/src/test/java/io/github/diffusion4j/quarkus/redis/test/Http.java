package io.github.diffusion4j.quarkus.redis.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A small HTTP + SSE client for the Redis backend tests. */
public final class Http {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Http() {
    }

    public static URI uri(URI base, String path) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
    }

    public static HttpResponse<String> post(URI base, String path, String json, String apiKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(base, path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (apiKey != null) {
            b.header("X-API-Key", apiKey);
        }
        return send(b.build());
    }

    public static HttpResponse<String> get(URI base, String path) {
        return send(HttpRequest.newBuilder(uri(base, path)).timeout(Duration.ofSeconds(60)).GET().build());
    }

    public static HttpResponse<String> delete(URI base, String path) {
        return send(HttpRequest.newBuilder(uri(base, path)).timeout(Duration.ofSeconds(60)).DELETE().build());
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One SSE event; {@code comment} events are the keep-alive lines. */
    public record Event(String id, String name, String data) {
        public JsonNode json() {
            return Http.json(data);
        }
    }

    /** An open event stream, read event by event. */
    public static final class Sse implements AutoCloseable {
        private final HttpResponse<InputStream> response;
        private final BufferedReader reader;

        public Sse(URI uri, String lastEventId) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
            if (lastEventId != null) {
                b.header("Last-Event-ID", lastEventId);
            }
            try {
                response = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        public int status() {
            return response.statusCode();
        }

        /** The next event, or {@code null} at the end of the stream. Comment lines are skipped. */
        public Event next() {
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            try {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.isEmpty()) {
                        if (name != null || data.length() > 0) {
                            return new Event(id, name, data.toString());
                        }
                        continue;
                    }
                    if (line.startsWith(":")) {
                        continue;
                    }
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> name = value;
                        case "data" -> data.append(data.length() > 0 ? "\n" : "").append(value);
                        default -> { }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return null;
        }

        /** Every remaining event until the stream ends. */
        public List<Event> rest() {
            List<Event> events = new ArrayList<>();
            for (Event e = next(); e != null; e = next()) {
                events.add(e);
            }
            return events;
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (IOException e) {
                // closing a finished stream
            }
        }
    }
}
