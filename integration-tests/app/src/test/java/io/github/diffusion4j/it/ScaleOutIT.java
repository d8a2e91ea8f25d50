package io.github.diffusion4j.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffusion4j.quarkus.redis.test.RedisServer;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scale-out on Redis with packaged jars (issue 16): one API-only node and two worker nodes (which serve the API too),
 * separate JVMs on separate ports, the embedded scenes model, one real redis-server. 60 jobs from 6 clients; one
 * worker is killed with SIGKILL while it runs a job and the API node is restarted meanwhile: every job completes
 * exactly once, the taken-over job shows its restart, the per-client cap holds; then Last-Event-ID replay through the
 * other node and a cancel through the API node that stops the job on the worker within one step.
 */
@Timeout(value = 175, unit = TimeUnit.SECONDS)
class ScaleOutIT {

    private static final Logger LOG = Logger.getLogger(ScaleOutIT.class);
    private static final String API = "/diffusion/v1";
    private static final int CLIENTS = 6;
    private static final int JOBS_PER_CLIENT = 10;
    private static final int CAP = 4;
    private static final String JOB = "{\"prompt\": \"a red circle on the left of a blue background\", \"steps\": 8, "
            + "\"seed\": %d, \"previewInterval\": 0}";
    private static final String LONG_JOB = "{\"prompt\": \"a green star\", \"steps\": 1000, \"seed\": 5, "
            + "\"previewInterval\": 0}";

    private static RedisServer redis;
    private static ScaleOutNode api;
    private static ScaleOutNode worker1;
    private static ScaleOutNode worker2;
    private static final Path LOGS = Path.of("target", "scale-out");
    private static Map<String, String> common;
    private static int apiPort;

    @BeforeAll
    static void startCluster() throws IOException {
        redis = RedisServer.start();
        common = new LinkedHashMap<>();
        common.put("quarkus.diffusion4j.queue.backend", "redis");
        common.put("quarkus.redis.hosts", redis.url());
        common.put("quarkus.diffusion4j.path", System.getProperty("it.scenes.model"));
        common.put("quarkus.diffusion4j.queue.capacity", "100");
        common.put("quarkus.diffusion4j.queue.max-jobs-per-client", Integer.toString(CAP));
        common.put("quarkus.diffusion4j.limits.max-steps", "1000");
        common.put("quarkus.diffusion4j.cpu-threads", "1");
        common.put("quarkus.diffusion4j.queue.redis.heartbeat-interval", "500MS");
        common.put("quarkus.diffusion4j.queue.redis.reclaim-after", "3S");
        common.put("quarkus.diffusion4j.queue.redis.poll-interval", "200MS");
        // the three JVMs start side by side: their start and model load are most of this test's time
        worker1 = ScaleOutNode.launch("worker1", freePort(), common, LOGS);
        worker2 = ScaleOutNode.launch("worker2", freePort(), common, LOGS);
        apiPort = freePort();
        api = ScaleOutNode.launch("api", apiPort, apiProperties(), LOGS);
        worker1.awaitModels();
        worker2.awaitModels();
        api.awaitModels();
    }

    private static Map<String, String> apiProperties() {
        Map<String, String> p = new LinkedHashMap<>(common);
        p.put("quarkus.diffusion4j.queue.worker", "false");
        return p;
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        ScaleOutNode[] nodes = {api, worker1, worker2};
        for (ScaleOutNode n : nodes) {
            if (n != null) {
                n.stop();
            }
        }
        for (ScaleOutNode n : nodes) {
            if (n != null) {
                n.awaitStopped();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void jobsSurviveADeadWorkerAndAnApiRestartAndEventsReplayFromAnyNode() throws Exception {
        Map<String, String> jobs = new ConcurrentHashMap<>(); // id -> client
        AtomicInteger capRefusals = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            String key = "client-" + c;
            int client = c;
            clients.add(pool.submit(() -> submitAll(key, client, jobs, capRefusals)));
        }
        // kill -9 the first worker while it runs a job
        String killedJob = awaitJobRunningOn(worker1, Duration.ofSeconds(60));
        worker1.kill();
        LOG.infof("killed worker1 (pid %d) while it ran job %s", worker1.pid(), killedJob);
        // restart the API node meanwhile: nothing may be lost
        api.kill();
        api = ScaleOutNode.start("api", apiPort, apiProperties(), LOGS);
        for (Future<?> f : clients) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        assertThat(jobs).hasSize(CLIENTS * JOBS_PER_CLIENT);
        assertThat(capRefusals.get()).as("429s from the per-client cap").isPositive();

        for (String id : jobs.keySet()) {
            awaitState(api.base(), id, "completed", Duration.ofSeconds(120));
        }
        int restarts = 0;
        for (String id : jobs.keySet()) {
            List<SseClient.Event> events = events(api.base(), id, null);
            assertThat(events.stream().filter(e -> e.name().equals("completed")).count())
                    .as("completed events of %s", id).isEqualTo(1);
            assertConsecutiveIds(events, 1);
            if (events.stream().anyMatch(e -> e.name().equals("restarted"))) {
                restarts++;
            }
        }
        List<SseClient.Event> killed = events(api.base(), killedJob, null);
        assertThat(killed).extracting(SseClient.Event::name).as("events of the job of the killed worker")
                .contains("restarted").endsWith("completed");
        assertThat(killed.stream().filter(e -> e.name().equals("completed")).count()).isEqualTo(1);
        assertConsecutiveIds(killed, 1);
        LOG.infof("60 jobs completed exactly once; %d restarted; %d refusals by the per-client cap", restarts,
                capRefusals.get());

        reconnectingToTheOtherNodeResumesWithoutGapOrDuplicate();
        cancelThroughTheApiNodeStopsTheJobOnTheWorkerWithinOneStep();
    }

    private void submitAll(String key, int client, Map<String, String> jobs, AtomicInteger capRefusals) {
        int done = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(110).toNanos();
        while (done < JOBS_PER_CLIENT && System.nanoTime() < deadline) {
            HttpResponse<String> r = post(currentApi(), "/jobs", String.format(JOB, client * 100 + done), key);
            if (r == null || r.statusCode() >= 500) {
                ScaleOutNode.sleep(200); // the API node is restarting
            } else if (r.statusCode() == 429) {
                capRefusals.incrementAndGet();
                ScaleOutNode.sleep(100);
            } else {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                jobs.put(json(r.body()).get("id").asText(), key);
                done++;
            }
        }
    }

    private URI currentApi() {
        return URI.create("http://127.0.0.1:" + apiPort);
    }

    /** A job that {@code worker} runs now, read from Redis (its consumer name starts with the worker's pid). */
    private String awaitJobRunningOn(ScaleOutNode worker, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String script = "local out = '' for _, k in ipairs(redis.call('KEYS', '{d4j}:job:*')) do "
                + "local w = redis.call('HGET', k, 'worker') "
                + "if redis.call('HGET', k, 'state') == 'running' and w and string.find(w, '^" + worker.pid() + "@') "
                + "then out = k end end return out";
        while (System.nanoTime() < deadline) {
            String key = redis.value("EVAL \"" + script + "\" 0");
            if (key != null && key.startsWith("{d4j}:job:")) {
                return key.substring(key.lastIndexOf(':') + 1);
            }
            ScaleOutNode.sleep(20);
        }
        throw new AssertionError(worker.name + " ran no job within " + timeout);
    }

    private void reconnectingToTheOtherNodeResumesWithoutGapOrDuplicate() {
        String id = json(post(api.base(), "/jobs", String.format(JOB, 999), "replay").body()).get("id").asText();
        List<SseClient.Event> first = new ArrayList<>();
        try (SseClient sse = SseClient.open(eventsRequest(api.base(), id, null))) {
            for (int i = 0; i < 3; i++) {
                first.add(sse.next());
            }
        }
        String last = first.get(2).id();
        List<SseClient.Event> rest = events(worker2.base(), id, last);
        assertThat(Long.parseLong(rest.get(0).id())).as("first id after Last-Event-ID " + last)
                .isEqualTo(Long.parseLong(last) + 1);
        List<SseClient.Event> joined = new ArrayList<>(first);
        joined.addAll(rest);
        assertConsecutiveIds(joined, 1);
        assertThat(joined).extracting(SseClient.Event::name).endsWith("completed");
        assertThat(joined).extracting(SseClient.Event::id)
                .containsExactlyElementsOf(events(api.base(), id, null).stream().map(SseClient.Event::id).toList());
    }

    private void cancelThroughTheApiNodeStopsTheJobOnTheWorkerWithinOneStep() throws IOException {
        String id = json(post(api.base(), "/jobs", LONG_JOB, "cancel").body()).get("id").asText();
        int stepAtCancel;
        try (SseClient sse = SseClient.open(eventsRequest(api.base(), id, null))) {
            SseClient.Event e = sse.next();
            while (e != null && !e.name().equals("step")) {
                e = sse.next();
            }
            assertThat(e).as("a step of the long job").isNotNull();
            HttpResponse<String> deleted = send(HttpRequest.newBuilder(uri(api.base(), "/jobs/" + id)).DELETE().build());
            assertThat(deleted.statusCode()).isEqualTo(204);
            stepAtCancel = json(get(api.base(), "/jobs/" + id).body()).get("step").asInt();
            List<SseClient.Event> rest = sse.rest();
            assertThat(rest).extracting(SseClient.Event::name).endsWith("cancelled");
        }
        // the worker acknowledges the job's entry once it stopped: then no further step can be written
        awaitNoPendingWork(Duration.ofSeconds(30));
        String worker = redis.value("HGET {d4j}:job:" + id + " worker");
        assertThat(worker).as("ran on the remaining worker").startsWith(worker2.pid() + "@");
        String step = redis.value("HGET {d4j}:job:" + id + " step");
        assertThat(Integer.parseInt(step)).as("steps written after the cancel").isLessThanOrEqualTo(stepAtCancel + 1);
    }

    private static void awaitNoPendingWork(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String pending = null;
        while (System.nanoTime() < deadline) {
            pending = redis.value("EVAL \"return redis.call('XPENDING', KEYS[1], 'workers')[1]\" 1 {d4j}:work:default");
            if (":0".equals(pending)) {
                return;
            }
            ScaleOutNode.sleep(20);
        }
        throw new AssertionError("pending work entries left after " + timeout + ": " + pending);
    }

    private static void assertConsecutiveIds(List<SseClient.Event> events, long firstId) {
        for (int i = 0; i < events.size(); i++) {
            assertThat(Long.parseLong(events.get(i).id())).as("event %d: %s", i, events.get(i).name())
                    .isEqualTo(firstId + i);
        }
    }

    private static List<SseClient.Event> events(URI base, String id, String lastEventId) {
        try (SseClient sse = SseClient.open(eventsRequest(base, id, lastEventId))) {
            assertThat(sse.status()).isEqualTo(200);
            return sse.rest();
        }
    }

    private static HttpRequest eventsRequest(URI base, String id, String lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(base, "/jobs/" + id + "/events"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(120));
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return b.GET().build();
    }

    private static void awaitState(URI base, String id, String state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String current = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(base, "/jobs/" + id);
            current = r == null ? null : json(r.body()).path("state").asText();
            if (state.equals(current)) {
                return;
            }
            ScaleOutNode.sleep(50);
        }
        throw new AssertionError("job " + id + " is " + current + ", not " + state);
    }

    private static URI uri(URI base, String path) {
        return base.resolve(API + path);
    }

    private static HttpResponse<String> post(URI base, String path, String json, String apiKey) {
        return send(HttpRequest.newBuilder(uri(base, path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-API-Key", apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static HttpResponse<String> get(URI base, String path) {
        return send(HttpRequest.newBuilder(uri(base, path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    /** The response, or null when the node does not answer (it is being restarted). */
    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return SseClient.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String body) {
        try {
            return SseClient.JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
