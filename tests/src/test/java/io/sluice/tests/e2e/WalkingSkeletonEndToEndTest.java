package io.sluice.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.activities.MinioBlobStore;
import io.sluice.dev.DevStack;
import io.sluice.dev.MetricEvents;
import io.sluice.dev.SupervisorApi;
import io.sluice.tests.oracle.DruidOracle;
import io.sluice.tests.replay.HistoryRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The walking skeleton against the real stack (Kafka KRaft broker, Temporal test server, S3Proxy, the API and a
 * worker, each its own process): 10,000 events in, every offset committed exactly once, and Druid's own reader
 * finds every event in the published segments.
 */
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class WalkingSkeletonEndToEndTest extends RealStackTest {
  static final int EVENTS = 10_000;
  static final String DATA_SOURCE = "metrics-kafka";


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

    JsonNode payload = Published.awaitCommitted(api, DATA_SOURCE, EVENTS, Duration.ofMinutes(4));
    assertEquals("RUNNING", payload.get("state").asText(), payload.toString());
    assertEquals(EVENTS, payload.get("committedEvents").asLong());

    Published published = Published.readBack(stack, DATA_SOURCE, tmp, index -> {
      assertEquals(List.of("host", "service", "region"), Published.dimensions(index),
          "schemaless: the fields in the order they appear");
      int total = 0; // bitmap lookups agree with the scan
      for (String service : List.of("api", "web", "db", "cache", "queue")) {
        total += DruidOracle.countSelector(index, "service", service);
      }
      assertEquals(index.getNumRows(), total);
      for (Map<String, Object> row : DruidOracle.rows(index)) {
        assertTrue(((Number) row.get("value_min")).doubleValue() <= ((Number) row.get("value_max")).doubleValue());
      }
    });
    assertFalse(published.records().isEmpty());
    assertEquals(Map.of(io.sluice.workflows.StreamPartition.of(0), (long) EVENTS), published.endOffsets(),
        "committed offsets cover exactly 0..9999");
    assertEquals(published.segments(), payload.get("publishedSegments").asLong());
    assertEquals(EVENTS, published.countSum(), "the count metric sums to the events produced");
    assertEquals(produced.valueSum(), published.valueSum(), 1e-6, "value_sum equals the sum produced");
    for (Map<String, Object> d : published.records().get(0).segments()) {
      @SuppressWarnings("unchecked")
      String key = (String) ((Map<String, Object>) d.get("loadSpec")).get("key");
      assertTrue(key.startsWith(DevStack.BASE_KEY + "/" + DATA_SOURCE + "/"), key);
    }
    HistoryRecorder.record(stack.temporalTarget(), "supervisor:" + DATA_SOURCE, "supervisor-walking-skeleton");
    HistoryRecorder.record(stack.temporalTarget(), published.records().get(0).taskId(), "task-walking-skeleton");
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

  /**
   * Deep storage: a stream of unknown length and several parts (the size of a large segment's zip) goes up in parts
   * sent two at a time, and S3Proxy gives back every byte in order.
   */
  @Test
  void streamsOfSeveralPartsUploadInParallelPartsAndReadBackExactly() throws Exception {
    byte[] bytes = new byte[(int) (2 * MinioBlobStore.UPLOAD_PART_BYTES + 12_345)];
    new java.util.Random(11).nextBytes(bytes);
    Path file = tmp.resolve("three-parts.bin");
    Files.write(file, bytes);
    try (MinioBlobStore store = new MinioBlobStore(stack.s3Endpoint(), DevStack.S3_ACCESS_KEY,
        DevStack.S3_SECRET_KEY, "us-east-1", DevStack.BUCKET)) {
      store.putStream("tests/three-parts.bin", Files.newInputStream(file));
      assertArrayEquals(bytes, store.get("tests/three-parts.bin").orElseThrow());
      store.delete("tests/three-parts.bin");
      // the same bytes from memory, as a segment's zip comes from the pipe it is written into
      store.putStream("tests/streamed.bin", new java.io.ByteArrayInputStream(bytes));
      assertArrayEquals(bytes, store.get("tests/streamed.bin").orElseThrow());
      byte[] small = java.util.Arrays.copyOf(bytes, 1000); // ends within the first part: one PUT
      store.putStream("tests/small.bin", new java.io.ByteArrayInputStream(small));
      assertArrayEquals(small, store.get("tests/small.bin").orElseThrow());
      store.delete("tests/streamed.bin");
      store.delete("tests/small.bin");
    }
  }
}
