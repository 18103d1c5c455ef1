package io.sluice.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.activities.CommitLog;
import io.sluice.activities.CommitRecord;
import io.sluice.activities.MinioBlobStore;
import io.sluice.dev.DevStack;
import io.sluice.dev.MetricEvents;
import io.sluice.dev.SupervisorApi;
import io.sluice.tests.oracle.DruidOracle;
import io.sluice.tests.replay.HistoryRecorder;
import io.sluice.workflows.CatalogLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.druid.segment.QueryableIndex;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temporal loses its memory (the test server is killed with SIGKILL and restarted empty) and the API restarts: the
 * API re-creates the supervisor from the catalog, the supervisor resumes from the commit log, and no offset is lost
 * or committed twice. Messages that are not JSON are skipped and counted. Then terminate: the supervisor leaves the
 * list and its status is gone.
 */
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
class RecoveryEndToEndTest {
  static final String DATA_SOURCE = "recovery";
  static final String TOPIC = "events";

  @TempDir static Path tmp;
  static DevStack stack;
  static SupervisorApi api;
  static String lastTaskId;

  @BeforeAll
  static void startStack() throws Exception {
    stack = DevStack.start(DevStack.home(), tmp.resolve("stack"), DevStack.Ports.free(), 1, System.out);
    api = new SupervisorApi(stack.apiUrl());
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) stack.close();
  }

  @Test
  void aSupervisorSurvivesTemporalLosingItsStateThenTerminates() throws Exception {
    MetricEvents.createTopic(stack.kafkaBootstrap(), TOPIC, 2);
    long now = System.currentTimeMillis();
    MetricEvents.Produced first = MetricEvents.produce(stack.kafkaBootstrap(), TOPIC, 4000, now,
        Duration.ofHours(1).toMillis(), 1);
    ObjectNode spec = SupervisorApi.sampleSpec(stack.kafkaBootstrap(), "PT5S");
    ((ObjectNode) spec.get("dataSchema")).put("dataSource", DATA_SOURCE);
    ((ObjectNode) spec.get("ioConfig")).put("topic", TOPIC).put("taskCount", 2);
    assertEquals(200, api.submit(spec.toString()).status());
    awaitCommitted(4000, Duration.ofMinutes(3));

    // messages that are not JSON are counted as unparseable and skipped, never fatal
    MetricEvents.produceRaw(stack.kafkaBootstrap(), TOPIC, List.of("not json", "{\"truncated\":", "\u0000\u0001"));
    awaitCommitted(4003, Duration.ofMinutes(2));

    stack.restart("temporal"); // everything Temporal knew is gone
    stack.restart("api");      // on start it re-creates supervisors from the catalog
    MetricEvents.Produced second = MetricEvents.produce(stack.kafkaBootstrap(), TOPIC, 3000,
        System.currentTimeMillis(), Duration.ofHours(1).toMillis(), 2);
    JsonNode payload = awaitCommitted(7003, Duration.ofMinutes(4));
    assertEquals(2, payload.get("partitions").asInt());
    assertEquals(7000, payload.get("committedEvents").asLong(), "unparseable records are not events");

    try (MinioBlobStore store = new MinioBlobStore(stack.s3Endpoint(), DevStack.S3_ACCESS_KEY,
        DevStack.S3_SECRET_KEY, "us-east-1", DevStack.BUCKET)) {
      List<CommitRecord> records = new CommitLog(store, new CatalogLayout(DevStack.BASE_KEY)).all(DATA_SOURCE);
      Map<Integer, Long> next = new java.util.HashMap<>(Map.of(0, 0L, 1, 0L));
      long count = 0;
      double sum = 0;
      int n = 0;
      lastTaskId = records.get(records.size() - 1).taskId();
      for (CommitRecord r : records) {
        for (Map.Entry<Integer, Long> e : r.startOffsets().entrySet()) {
          assertEquals(next.get(e.getKey()), e.getValue(), "commit " + r.seq() + " partition " + e.getKey());
          next.put(e.getKey(), r.endOffsets().get(e.getKey()));
        }
        for (Map<String, Object> d : r.segments()) {
          @SuppressWarnings("unchecked")
          String key = (String) ((Map<String, Object>) d.get("loadSpec")).get("key");
          Path dir = WalkingSkeletonEndToEndTest.unzip(store.get(key).orElseThrow(), tmp.resolve("seg-" + n++));
          try (QueryableIndex index = DruidOracle.load(dir.toFile())) {
            for (Map<String, Object> row : DruidOracle.rows(index)) {
              count += ((Number) row.get("count")).longValue();
              sum += ((Number) row.get("value_sum")).doubleValue();
            }
          }
        }
      }
      assertEquals(7003, next.get(0) + next.get(1), "every offset committed, none twice");
      long unparseable = 0;
      for (CommitRecord r : records) unparseable += r.rowStats().unparseable();
      assertEquals(3, unparseable, "the bad messages were counted");
      assertEquals(7000, count, "every event in exactly one segment");
      assertEquals(first.valueSum() + second.valueSum(), sum, 1e-6);
    }

    assertEquals(200, api.terminate(DATA_SOURCE).status());
    assertEquals("[]", api.list().body());
    assertEquals(404, api.status(DATA_SOURCE).status());
    assertEquals(404, api.terminate(DATA_SOURCE).status());
    if (HistoryRecorder.enabled()) {
      Thread.sleep(8000); // let the terminated supervisor hand off and end, so its whole history is recorded
      HistoryRecorder.record(stack.temporalTarget(), "supervisor:" + DATA_SOURCE, "supervisor-recovered-terminated");
      HistoryRecorder.record(stack.temporalTarget(), lastTaskId, "task-after-recovery");
    }
  }

  private static JsonNode awaitCommitted(long events, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      SupervisorApi.Answer a = api.status(DATA_SOURCE);
      if (a.status() == 200) {
        last = a.json().get("payload");
        if (SupervisorApi.sum(last.get("committedOffsets")) >= events) {
          assertTrue(SupervisorApi.sum(last.get("committedOffsets")) == events, last.toString());
          return last;
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("not all events committed in time; last status: " + last);
  }
}
