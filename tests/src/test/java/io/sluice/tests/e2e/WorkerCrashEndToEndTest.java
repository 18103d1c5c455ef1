package io.sluice.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.dev.MetricEvents;
import io.sluice.dev.SupervisorApi;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exactly once across worker crashes: the only worker is killed with SIGKILL while its task is reading, twice, and a
 * new worker process is started each time. Temporal retries the reading activity on the new worker once its
 * heartbeat times out; it reads again from the task's start offsets, and the commit's compare-and-set keeps every
 * offset in exactly one published segment.
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
  void killingTheWorkerMidReadLosesAndDuplicatesNothing() throws Exception {
    MetricEvents.createTopic(stack.kafkaBootstrap(), TOPIC, 2);
    MetricEvents.Produced first = MetricEvents.produce(stack.kafkaBootstrap(), TOPIC, 20_000,
        System.currentTimeMillis(), Duration.ofHours(2).toMillis(), 11);
    ObjectNode spec = sampleSpec(DATA_SOURCE, TOPIC, "PT15S");
    assertEquals(200, api.submit(spec.toString()).status());

    awaitReading(Duration.ofMinutes(1));
    stack.services().stream().filter(s -> s.name().equals("worker-1")).findFirst().orElseThrow().kill9();
    stack.startWorker(); // worker-2
    MetricEvents.Produced second = MetricEvents.produce(stack.kafkaBootstrap(), TOPIC, 10_000,
        System.currentTimeMillis(), Duration.ofHours(2).toMillis(), 12);

    awaitReading(Duration.ofMinutes(2));
    stack.services().stream().filter(s -> s.name().equals("worker-2")).findFirst().orElseThrow().kill9();
    stack.startWorker(); // worker-3

    Published.awaitCommitted(api, DATA_SOURCE, 30_000, Duration.ofMinutes(5));
    Published published = Published.readBack(stack, DATA_SOURCE, tmp, index -> { });
    assertEquals(30_000, published.endOffsets().values().stream().mapToLong(Long::longValue).sum(),
        "every offset committed once");
    assertEquals(30_000, published.countSum(), "every event in exactly one published segment");
    assertEquals(first.valueSum() + second.valueSum(), published.valueSum(), 1e-6);
  }
}
