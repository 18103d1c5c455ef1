package io.sluice.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.dev.DevStack;
import io.sluice.dev.MetricEvents;
import io.sluice.dev.SupervisorApi;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exactly once across worker crashes: the only worker is killed with SIGKILL five times at random moments (seeded,
 * printed) while its tasks read, push or commit, and a new worker process is started each time. Temporal retries the reading activity on the new worker once its
 * heartbeat times out; it reads again from the task's start offsets, and the commit's compare-and-set keeps every
 * offset in exactly one published segment. And a worker that dies between a task's push and its commit: the retry
 * commits once, and the task's cleanup deletes the files the dead attempt pushed.
 */
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
class WorkerCrashEndToEndTest extends RealStackTest {
  static final String DATA_SOURCE = "crashes";
  static final String TOPIC = "crashes";


  /** Waits until a task is reading and has read past its start offsets, then returns. */
  static void awaitReading(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      SupervisorApi.Answer a = Published.statusOrNull(api, DATA_SOURCE);
      if (a != null && a.status() == 200) {
        last = a.json().get("payload");
        for (JsonNode t : last.get("activeTasks")) {
          if (SupervisorApi.sum(t.get("currentOffsets")) > SupervisorApi.sum(t.get("startingOffsets"))) return;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no task started reading in time; last status: " + last);
  }

  @Test
  void killingTheWorkerFiveTimesAtRandomMomentsLosesAndDuplicatesNothing() throws Exception {
    long seed = Long.getLong("sluice.test.seed", System.nanoTime());
    java.util.Random random = new java.util.Random(seed);
    String why = " (kill moments seed " + seed + "; rerun with -Dsluice.test.seed=" + seed + ")";
    System.out.println("WorkerCrashEndToEndTest: kill moments seed " + seed);
    MetricEvents.createTopic(stack.kafkaBootstrap(), TOPIC, 2);
    MetricEvents.Produced first = MetricEvents.produce(stack.kafkaBootstrap(), TOPIC, 20_000,
        System.currentTimeMillis(), Duration.ofHours(2).toMillis(), 11);
    long events = 20_000;
    double valueSum = first.valueSum();
    ObjectNode spec = sampleSpec(DATA_SOURCE, TOPIC, "PT15S");
    assertEquals(200, api.submit(spec.toString()).status());

    awaitReading(Duration.ofMinutes(1));
    for (int kill = 1; kill <= 5; kill++) {
      Thread.sleep(random.nextInt(8_000)); // reading, pushing, committing, or a new worker still starting
      DevStack.Service victim = null;
      for (DevStack.Service s : stack.services()) {
        if (s.name().startsWith("worker-") && s.process().isAlive()) victim = s;
      }
      victim.kill9();
      stack.startWorker();
      MetricEvents.Produced more = MetricEvents.produce(stack.kafkaBootstrap(), TOPIC, 2_000,
          System.currentTimeMillis(), Duration.ofHours(2).toMillis(), 12 + kill);
      events += 2_000;
      valueSum += more.valueSum();
    }

    Published.awaitCommitted(api, DATA_SOURCE, events, Duration.ofMinutes(5));
    Published published = Published.readBack(stack, DATA_SOURCE, tmp, index -> { });
    assertEquals(events, published.endOffsets().values().stream().mapToLong(Long::longValue).sum(),
        "every offset committed once" + why);
    assertEquals(events, published.countSum(), "every event in exactly one published segment" + why);
    assertEquals(valueSum, published.valueSum(), 1e-6, why);
  }

  @Test
  void aWorkerKilledBetweenPushAndCommitLosesNothingAndLeavesNoFileBehind() throws Exception {
    String ds = "push-crash";
    String topic = "push-crash";
    Set<String> ids = createTopicWithIds(topic, 1, "p", 2000);
    Set<String> orphans = submitAndHaltAfterPush(ds, StreamFaultsEndToEndTest.spec(ds, topic));
    assertTrue(Published.readBack(stack, ds, tmp.resolve(ds + "-before"), index -> { }).records().isEmpty(),
        "and committed nothing");

    stack.startWorker(); // Temporal retries the reading activity here once its heartbeat times out
    Published.awaitCommitted(api, ds, 2000, Duration.ofMinutes(3));
    IdEvents.assertExactlyOnce(ids, IdEvents.countsById(stack, ds, tmp.resolve(ds)));

    // the task's cleanup deletes the dead attempt's files; what remains is exactly what the commits reference
    Set<String> files = Published.awaitOnlyCommittedFiles(stack, ds, tmp.resolve(ds + "-log"), Duration.ofSeconds(60));
    for (String orphan : orphans) assertFalse(files.contains(orphan), orphan);
    io.sluice.tests.replay.HistoryRecorder.record(stack.temporalTarget(),
        Published.readBack(stack, ds, tmp.resolve(ds + "-rec"), index -> { }).records().get(0).taskId(),
        "task-retried-after-push");
    assertEquals(200, api.terminate(ds).status());
  }
}
