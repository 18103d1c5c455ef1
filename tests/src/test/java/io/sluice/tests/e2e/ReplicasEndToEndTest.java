package io.sluice.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.activities.MinioBlobStore;
import io.sluice.activities.WorkerRegistry;
import io.sluice.dev.DevStack;
import io.sluice.dev.SupervisorApi;
import io.sluice.workflows.CatalogLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code replicas: 2} on two worker processes: the replicas of a task group run on different workers, agree on
 * their end offsets, and one publishes. One worker is killed with SIGKILL mid-read: the other replica's work is
 * published, and every record lands in exactly one committed segment.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ReplicasEndToEndTest extends RealStackTest {

  /** The worker (by its log) where each task's reading activity ran, from the activity's first log line. */
  static String workerOf(String taskId) throws Exception {
    List<String> found = new ArrayList<>();
    try (var logs = Files.list(stack.dataDir().resolve("logs"))) {
      for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("worker-")).toList()) {
        if (Files.readString(log).contains("task " + taskId + ": attempt 1 reads")) {
          found.add(log.getFileName().toString().replace(".log", ""));
        }
      }
    }
    return found.size() == 1 ? found.get(0) : null;
  }

  /** The log lines matching {@code regex}, from every service's log, for a failure's message. */
  static String grepLogs(String regex) throws Exception {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
    StringBuilder out = new StringBuilder();
    try (var logs = Files.list(stack.dataDir().resolve("logs"))) {
      for (Path log : logs.sorted().toList()) {
        for (String line : Files.readAllLines(log)) {
          if (p.matcher(line).find()) out.append('\n').append(log.getFileName()).append(": ").append(line);
        }
      }
    }
    return out.toString();
  }

  @Test
  void replicasOnTwoWorkersSurviveOneWorkerKilledMidRead() throws Exception {
    String ds = "replicas";
    String topic = "replicas";
    Set<String> ids = new LinkedHashSet<>(createTopicWithIds(topic, 2, "a", 3000));
    DevStack.Service second = stack.startWorker(); // worker-2, next to worker-1
    try (MinioBlobStore store = new MinioBlobStore(stack.s3Endpoint(), DevStack.S3_ACCESS_KEY,
        DevStack.S3_SECRET_KEY, "us-east-1", DevStack.BUCKET)) { // until both workers have registered themselves
      WorkerRegistry registry = new WorkerRegistry(store, new CatalogLayout(DevStack.BASE_KEY));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (registry.liveReadQueues().size() < 2 && System.nanoTime() < until) Thread.sleep(300);
      assertEquals(2, registry.liveReadQueues().size(), "two live workers");
    }

    ObjectNode spec = StreamFaultsEndToEndTest.spec(ds, topic);
    ((ObjectNode) spec.get("ioConfig")).put("replicas", 2);
    ((ObjectNode) spec.get("ioConfig")).put("taskDuration", "PT20S");
    assertEquals(200, api.submit(spec.toString()).status());
    JsonNode reading = StreamFaultsEndToEndTest.awaitStatus(ds, Duration.ofSeconds(60), "two replicas reading",
        s -> s.get("activeTasks").size() == 2);
    List<String> replicas = new ArrayList<>();
    for (JsonNode t : reading.get("activeTasks")) replicas.add(t.get("id").asText());
    assertEquals(reading.get("activeTasks").get(0).get("startingOffsets"),
        reading.get("activeTasks").get(1).get("startingOffsets"), "replicas start from the same offsets");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while ((workerOf(replicas.get(0)) == null || workerOf(replicas.get(1)) == null) && System.nanoTime() < deadline) {
      Thread.sleep(300);
    }
    assertNotEquals(null, workerOf(replicas.get(0)), "a worker ran " + replicas.get(0));
    assertNotEquals(workerOf(replicas.get(0)), workerOf(replicas.get(1)), "one replica per worker: " + grepLogs(
        "attempt 1 reads|worker-registry|live workers|LiveReadQueues|started task"));

    second.kill9(); // one replica's worker dies mid-read; the group goes on with the other
    ids.addAll(IdEvents.produce(stack.kafkaBootstrap(), topic, "b", 2000));
    Map<Integer, Long> end = IdEvents.endOffsets(stack.kafkaBootstrap(), topic);
    Published.awaitCommitted(api, ds, IdEvents.sum(end), Duration.ofMinutes(4));
    IdEvents.assertExactlyOnce(ids, IdEvents.countsById(stack, ds, tmp.resolve(ds)));

    // each range was committed once, by one replica; the other replicas' files are gone from deep storage
    Published.awaitOnlyCommittedFiles(stack, ds, tmp.resolve(ds + "-log"), Duration.ofSeconds(90));
    io.sluice.tests.replay.HistoryRecorder.record(stack.temporalTarget(), "supervisor:" + ds, "supervisor-replicas");
    io.sluice.tests.replay.HistoryRecorder.record(stack.temporalTarget(),
        Published.readBack(stack, ds, tmp.resolve(ds + "-rec"), index -> { }).records().get(0).taskId(),
        "task-replica");
    JsonNode status = api.status(ds).json().get("payload");
    assertEquals(2, status.get("replicas").asInt());
    assertTrue(SupervisorApi.sum(status.get("committedOffsets")) == IdEvents.sum(end), status.toString());
    assertEquals(200, api.terminate(ds).status());
  }
}
