package io.github.diffusion4j.quarkus.rest.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/** Helpers of the REST tests: model paths, an HTTP client and an incremental SSE reader. */
final class RestTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private RestTestSupport() {
    }

    /** Absolute path of a tiny test model folder under {@code tools/models}, found from the working directory up. */
    static String model(String name) {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolve("tools/models").resolve(name);
            if (Files.isDirectory(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("tools/models/" + name + " not found above " + dir);
    }

    static URI uri(URI base, String path) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
    }

    static HttpRequest.Builder post(URI base, String path, String json) {
        return HttpRequest.newBuilder(uri(base, path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<byte[]> sendBytes(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("Not JSON: " + body, e);
        }
    }

    /** One server-sent event as received, with the time it arrived. */
    record Sse(String id, String event, String data, long receivedNanos) {
        JsonNode json() {
            return RestTestSupport.json(data);
        }
    }

    /** Reads an SSE response one event at a time, as the bytes arrive. Close to drop the connection. */
    static final class SseReader implements AutoCloseable {
        final HttpResponse<InputStream> response;
        private final Iterator<String> lines;
        private final Stream<String> stream;

        SseReader(HttpRequest request) {
            try {
                response = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            stream = new java.io.BufferedReader(new java.io.InputStreamReader(response.body(), StandardCharsets.UTF_8)).lines();
            lines = stream.iterator();
        }

        int status() {
            return response.statusCode();
        }

        /** The next event, or null at the end of the stream. */
        Sse next() {
            String id = null;
            String event = null;
            StringBuilder data = null;
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.isEmpty()) {
                    if (data != null || event != null) {
                        return new Sse(id, event, data == null ? "" : data.toString(), System.nanoTime());
                    }
                    continue;
                }
                if (line.startsWith(":")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> event = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> {
                    }
                }
            }
            return data != null ? new Sse(id, event, data.toString(), System.nanoTime()) : null;
        }

        /** Every remaining event. */
        List<Sse> rest() {
            List<Sse> all = new ArrayList<>();
            for (Sse e = next(); e != null; e = next()) {
                all.add(e);
            }
            return all;
        }

        @Override
        public void close() {
            stream.close();
            try {
                response.body().close();
            } catch (IOException ignored) {
                // closing a dropped connection
            }
        }
    }
}
