package io.sluice.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.dev.MetricEvents;
import io.sluice.dev.SupervisorApi;
import io.sluice.tests.replay.HistoryRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Temporal loses its memory (the test server is killed with SIGKILL and restarted empty) and the API restarts: the
 * API re-creates the supervisor from the catalog, the supervisor resumes from the commit log, and no offset is lost
 * or committed twice. Messages that are not JSON are skipped and counted. Suspend stops reading until resume. Then
 * terminate: the supervisor leaves the list and its status is gone.
 */
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
class RecoveryEndToEndTest extends RealStackTest {
  static final String DATA_SOURCE = "recovery";
  static final String TOPIC = "events";


  /** Waits for {@code detailedState} with no task left reading or publishing (all handed off). */
  private static void awaitStateWithNoTasks(String detailedState, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = api.status(DATA_SOURCE).json().get("payload");
      if (detailedState.equals(last.get("detailedState").asText()) && last.get("activeTasks").isEmpty()
          && last.get("publishingTasks").isEmpty()) {
        return;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("expected " + detailedState + " with no tasks; last status " + last);
  }

  @Test
  void aSupervisorSurvivesTemporalLosingItsStateThenTerminates() throws Exception {
    MetricEvents.createTopic(stack.kafkaBootstrap(), TOPIC, 2);
    MetricEvents.Produced first = MetricEvents.produce(stack.kafkaBootstrap(), TOPIC, 4000,
        System.currentTimeMillis(), Duration.ofHours(1).toMillis(), 1);
    ObjectNode spec = sampleSpec(DATA_SOURCE, TOPIC, "PT5S");
    ((ObjectNode) spec.get("ioConfig")).put("taskCount", 2);
    assertEquals(200, api.submit(spec.toString()).status());
    Published.awaitCommitted(api, DATA_SOURCE, 4000, Duration.ofMinutes(3));

    // messages that are not JSON are counted as unparseable and skipped, never fatal
    MetricEvents.produceRaw(stack.kafkaBootstrap(), TOPIC, List.of("not json", "{\"truncated\":", "\u0000\u0001"));
    Published.awaitCommitted(api, DATA_SOURCE, 4003, Duration.ofMinutes(2));

    stack.restart("temporal"); // everything Temporal knew is gone
    stack.restart("api");      // on start it re-creates supervisors from the catalog
    MetricEvents.Produced second = MetricEvents.produce(stack.kafkaBootstrap(), TOPIC, 3000,
        System.currentTimeMillis(), Duration.ofHours(1).toMillis(), 2);
    JsonNode payload = Published.awaitCommitted(api, DATA_SOURCE, 7003, Duration.ofMinutes(4));
    assertEquals(2, payload.get("partitions").asInt(), payload.toString());
    assertEquals(7000, payload.get("committedEvents").asLong(), "unparseable records are not events");

    Published published = Published.readBack(stack, DATA_SOURCE, tmp, index -> { });
    assertEquals(7003, published.endOffsets().values().stream().mapToLong(Long::longValue).sum(),
        "every offset committed, none twice");
    assertEquals(2, published.endOffsets().size());
    assertEquals(3, published.unparseable(), "the bad messages were counted");
    assertEquals(7000, published.countSum(), "every event in exactly one segment");
    assertEquals(first.valueSum() + second.valueSum(), published.valueSum(), 1e-6);

    // suspend: tasks publish what they read and none runs; resume: reading goes on from the committed offsets
    assertEquals(200, api.post(DATA_SOURCE, "suspend").status());
    assertEquals(400, api.post(DATA_SOURCE, "suspend").status(), "already suspended");
    awaitStateWithNoTasks("SUSPENDED", Duration.ofMinutes(1)); // what was read before the stop is published
    MetricEvents.Produced third = MetricEvents.produce(stack.kafkaBootstrap(), TOPIC, 500,
        System.currentTimeMillis(), Duration.ofMinutes(10).toMillis(), 3);
    Thread.sleep(6000);
    JsonNode suspended = api.status(DATA_SOURCE).json().get("payload");
    long committedWhileSuspended = SupervisorApi.sum(suspended.get("committedOffsets"));
    assertEquals(7003, committedWhileSuspended, "nothing produced after the hand-off is read while suspended");
    assertEquals(0, suspended.get("activeTasks").size(), suspended.toString());
    assertEquals(200, api.post(DATA_SOURCE, "resume").status());
    Published.awaitCommitted(api, DATA_SOURCE, 7503, Duration.ofMinutes(2));
    Published afterResume = Published.readBack(stack, DATA_SOURCE, tmp.resolve("after-resume"), index -> { });
    assertEquals(7500, afterResume.countSum());
    assertEquals(first.valueSum() + second.valueSum() + third.valueSum(), afterResume.valueSum(), 1e-6);

    assertEquals(200, api.terminate(DATA_SOURCE).status());
    assertEquals("[]", api.list().body());
    assertEquals(404, api.status(DATA_SOURCE).status());
    assertEquals(404, api.terminate(DATA_SOURCE).status());
    if (HistoryRecorder.enabled()) {
      Thread.sleep(8000); // let the terminated supervisor hand off and end, so its whole history is recorded
      HistoryRecorder.record(stack.temporalTarget(), "supervisor:" + DATA_SOURCE, "supervisor-recovered-terminated");
      String lastTask = published.records().get(published.records().size() - 1).taskId();
      HistoryRecorder.record(stack.temporalTarget(), lastTask, "task-after-recovery");
    }
  }
}
