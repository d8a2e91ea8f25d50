package io.github.diffusion4j.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One node of the scale-out test: the packaged application in its own JVM, on its own port, sharing one Redis. */
final class ScaleOutNode implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    final String name;
    final int port;
    private final Process process;
    private final Path logDir;

    private ScaleOutNode(String name, int port, Process process, Path logDir) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.logDir = logDir;
    }

    /** Starts {@code quarkus-run.jar} with these properties and waits until it lists a model. */
    static ScaleOutNode start(String name, int port, Map<String, String> properties, Path logDir) throws IOException {
        ScaleOutNode node = launch(name, port, properties, logDir);
        node.awaitModels();
        return node;
    }

    /**
     * Starts {@code quarkus-run.jar} with these properties without waiting: several nodes start side by side (JVM
     * start and model load are most of the test's time), then {@link #awaitModels()} each.
     */
    static ScaleOutNode launch(String name, int port, Map<String, String> properties, Path logDir) throws IOException {
        Path jar = Path.of(System.getProperty("it.app.dir", "target/quarkus-app"), "quarkus-run.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dquarkus.http.port=" + port));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        Files.createDirectories(logDir);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".log").toFile())).start();
        return new ScaleOutNode(name, port, p, logDir);
    }

    /** Waits until the node lists a model (a worker loaded it, or an API-only node sees one a worker published). */
    void awaitModels() throws IOException {
        Duration timeout = Duration.ofSeconds(120);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited: " + Files.readString(logDir.resolve(name + ".log")));
            }
            try {
                HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(base().resolve("/diffusion/v1/models"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"name\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException(name + " did not list a model within " + timeout);
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    long pid() {
        return process.pid();
    }

    /** kill -9: no shutdown hook, no goodbye to Redis. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        awaitStopped();
    }

    /** SIGTERM without waiting (several nodes stop side by side). */
    void stop() {
        if (process.isAlive()) {
            process.destroy();
        }
    }

    /** Waits for the process to end after {@link #stop()}, then kills it if it did not. */
    void awaitStopped() throws InterruptedException {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
