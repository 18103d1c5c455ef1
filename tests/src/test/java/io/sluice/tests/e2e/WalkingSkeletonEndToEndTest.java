package io.sluice.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.druid.segment.QueryableIndex;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton against the real stack (Kafka KRaft broker, Temporal test server, S3Proxy, the API and a
 * worker, each its own process): 10,000 events in, every offset committed exactly once, and Druid's own reader
 * finds every event in the published segments.
 */
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class WalkingSkeletonEndToEndTest {
  static final int EVENTS = 10_000;
  static final String DATA_SOURCE = "metrics-kafka";

  @TempDir static Path tmp;
  static DevStack stack;
  static SupervisorApi api;

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
  void everyProducedEventLandsInExactlyOnePublishedSegment() throws Exception {
    MetricEvents.createTopic(stack.kafkaBootstrap(), "metrics", 1);
    MetricEvents.Produced produced = MetricEvents.produce(stack.kafkaBootstrap(), "metrics", EVENTS,
        System.currentTimeMillis(), Duration.ofHours(2).toMillis(), 7);

    ObjectNode spec = SupervisorApi.sampleSpec(stack.kafkaBootstrap(), "PT5S");
    SupervisorApi.Answer submitted = api.submit(spec.toString());
    assertEquals(200, submitted.status(), submitted.body());
    assertEquals(DATA_SOURCE, submitted.json().get("id").asText());
    assertEquals("[\"" + DATA_SOURCE + "\"]", api.list().body());

    JsonNode payload = awaitCommitted(EVENTS, Duration.ofMinutes(4));
    assertEquals("RUNNING", payload.get("state").asText(), payload.toString());
    assertEquals(EVENTS, payload.get("committedEvents").asLong());

    try (MinioBlobStore store = new MinioBlobStore(stack.s3Endpoint(), DevStack.S3_ACCESS_KEY,
        DevStack.S3_SECRET_KEY, "us-east-1", DevStack.BUCKET)) {
      CommitLog log = new CommitLog(store, new CatalogLayout(DevStack.BASE_KEY));
      List<CommitRecord> records = log.all(DATA_SOURCE);
      assertFalse(records.isEmpty());
      // committed ranges are contiguous from offset 0, do not overlap, and end at the last offset + 1
      long expectedStart = 0;
      long segments = 0;
      for (int i = 0; i < records.size(); i++) {
        CommitRecord r = records.get(i);
        assertEquals(i + 1, r.seq());
        assertEquals(expectedStart, r.startOffsets().get(0), "commit " + r.seq() + " starts where the last ended");
        assertTrue(r.endOffsets().get(0) >= expectedStart);
        expectedStart = r.endOffsets().get(0);
        segments += r.segments().size();
      }
      assertEquals(EVENTS, expectedStart, "committed offsets cover exactly 0.." + (EVENTS - 1));
      assertEquals(segments, payload.get("publishedSegments").asLong());

      // Druid's own reader is the oracle: every event counted once, every value summed
      long countSum = 0;
      double valueSum = 0;
      int n = 0;
      for (CommitRecord r : records) {
        for (Map<String, Object> descriptor : r.segments()) {
          @SuppressWarnings("unchecked")
          Map<String, Object> loadSpec = (Map<String, Object>) descriptor.get("loadSpec");
          assertEquals("s3_zip", loadSpec.get("type"));
          String key = (String) loadSpec.get("key");
          assertTrue(key.startsWith(DevStack.BASE_KEY + "/" + DATA_SOURCE + "/"), key);
          Path dir = unzip(store.get(key).orElseThrow(), tmp.resolve("segment-" + n++));
          try (QueryableIndex index = DruidOracle.load(dir.toFile())) {
            List<String> dims = new java.util.ArrayList<>();
            index.getAvailableDimensions().forEach(dims::add);
            assertEquals(List.of("host", "service", "region"), dims, "schemaless: fields in the order they appear");
            for (Map<String, Object> row : DruidOracle.rows(index)) {
              countSum += ((Number) row.get("count")).longValue();
              valueSum += ((Number) row.get("value_sum")).doubleValue();
              double min = ((Number) row.get("value_min")).doubleValue();
              double max = ((Number) row.get("value_max")).doubleValue();
              assertTrue(min <= max, row.toString());
            }
            // bitmap lookups agree with the scan
            int total = 0;
            for (String service : List.of("api", "web", "db", "cache", "queue")) {
              total += DruidOracle.countSelector(index, "service", service);
            }
            assertEquals(index.getNumRows(), total);
          }
        }
      }
      assertEquals(EVENTS, countSum, "the count metric sums to the events produced");
      assertEquals(produced.valueSum(), valueSum, 1e-6, "value_sum equals the sum produced");
      HistoryRecorder.record(stack.temporalTarget(), "supervisor:" + DATA_SOURCE, "supervisor-walking-skeleton");
      HistoryRecorder.record(stack.temporalTarget(), records.get(0).taskId(), "task-walking-skeleton");
    }
  }

  @Test
  void badSpecsGetA400NamingTheField() throws Exception {
    SupervisorApi.Answer notJson = api.submit("{not json");
    assertEquals(400, notJson.status(), notJson.body());
    assertTrue(notJson.json().get("error").asText().contains("not valid JSON"), notJson.body());

    ObjectNode noDataSource = SupervisorApi.sampleSpec(stack.kafkaBootstrap(), "PT5S");
    ((ObjectNode) noDataSource.get("dataSchema")).remove("dataSource");
    assertField(api.submit(noDataSource.toString()), "dataSchema.dataSource");

    ObjectNode noTopic = SupervisorApi.sampleSpec(stack.kafkaBootstrap(), "PT5S");
    ((ObjectNode) noTopic.get("ioConfig")).remove("topic");
    assertField(api.submit(noTopic.toString()), "ioConfig.topic");

    ObjectNode noServers = SupervisorApi.sampleSpec(stack.kafkaBootstrap(), "PT5S");
    ((ObjectNode) noServers.get("ioConfig").get("consumerProperties")).remove("bootstrap.servers");
    assertField(api.submit(noServers.toString()), "ioConfig.consumerProperties.bootstrap.servers");

    ObjectNode typo = SupervisorApi.sampleSpec(stack.kafkaBootstrap(), "PT5S");
    ((ObjectNode) typo.get("ioConfig")).put("taskCuont", 2);
    assertField(api.submit(typo.toString()), "ioConfig.taskCuont");

    assertEquals(404, api.status("no-such-supervisor").status());
  }

  private static void assertField(SupervisorApi.Answer answer, String field) throws IOException {
    assertEquals(400, answer.status(), answer.body());
    assertEquals(field, answer.json().get("field").asText(), answer.body());
  }

  private static JsonNode awaitCommitted(long events, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      SupervisorApi.Answer a = api.status(DATA_SOURCE);
      if (a.status() == 200) {
        last = a.json().get("payload");
        if (SupervisorApi.sum(last.get("committedOffsets")) >= events) return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("not all events committed in time; last status: " + last);
  }

  static Path unzip(byte[] zip, Path dir) throws IOException {
    Files.createDirectories(dir);
    try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        Path target = dir.resolve(e.getName()).normalize();
        if (!target.startsWith(dir)) throw new IOException("zip entry escapes: " + e.getName());
        Files.write(target, in.readAllBytes()); // reads this entry only; the stream stays open
      }
    }
    return dir;
  }
}
