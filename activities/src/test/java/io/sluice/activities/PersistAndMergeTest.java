package io.sluice.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.segment.index.FirstLastPair;
import io.sluice.segment.read.SegmentReader;
import io.sluice.segment.spec.SpecParser;
import io.sluice.segment.spec.SupervisorSpec;
import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.Contracts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reading task persists when maxRowsInMemory is reached and keeps reading; it hands off at maxRowsPerSegment, and
 * its publish merges the persists and what is still in memory into partitions of at most maxRowsPerSegment rows.
 */
class PersistAndMergeTest {
  static final String SPEC = """
      {"type":"kafka","dataSchema":{"dataSource":"ds","timestampSpec":{"column":"ts","format":"millis"},
        "dimensionsSpec":{"dimensions":["host"]},
        "metricsSpec":[{"type":"count","name":"count"},{"type":"longSum","name":"v_sum","fieldName":"v"}],
        "granularitySpec":{"segmentGranularity":"HOUR","queryGranularity":"NONE"}},
       "ioConfig":{"topic":"t","inputFormat":{"type":"json"},"consumerProperties":{"bootstrap.servers":"k:9092"}},
       "tuningConfig":{"type":"kafka","maxRowsInMemory":2,"maxRowsPerSegment":4}}""";

  @TempDir Path work;

  @Test
  void memoryLimitsPersistAndPublishMergesIntoNumberedPartitions() throws Exception {
    SupervisorSpec spec = SpecParser.parse(SPEC);
    long hour = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
    InMemoryBlobStore store = new InMemoryBlobStore();
    SegmentPublisher publisher = new SegmentPublisher(store, "bucket", new CatalogLayout("druid/segments"), work);
    RowIngester ingester = new RowIngester(spec, hour, 1L << 30, publisher.persistDir("task-1"));
    List<Boolean> handoff = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String json = "{\"ts\":" + (hour + 7 - i) + ",\"host\":\"h" + i + "\",\"v\":" + i + "}";
      ingester.add(io.sluice.workflows.StreamPartition.of(0), i, json.getBytes(StandardCharsets.UTF_8));
      if (ingester.persistDue(hour)) ingester.persist(hour);
      handoff.add(ingester.handoffDue());
    }
    assertEquals(3, ingester.persists().persistCount(), "a persist every 2 rows");
    assertEquals(1, ingester.indexes().values().iterator().next().rowCount(), "the 7th row is still in memory");
    assertEquals(List.of(false, false, false, true, true, true, true), handoff, "handoff at maxRowsPerSegment");
    assertTrue(Files.exists(publisher.persistDir("task-1")));

    List<Contracts.PushedSegment> pushed = publisher.publish("ds", "task-1", "task-1", "seq-1", ingester,
        (d, t) -> { });
    assertEquals(2, pushed.size(), "7 rows in partitions of at most 4");
    assertEquals(4, pushed.get(0).rows());
    assertEquals(3, pushed.get(1).rows());
    long vSum = 0;
    long previousMax = Long.MIN_VALUE;
    for (int p = 0; p < 2; p++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> shardSpec = (Map<String, Object>) pushed.get(p).descriptor().get("shardSpec");
      assertEquals(p, shardSpec.get("partitionNum"));
      Path zip = work.resolve("check-" + p + ".zip");
      byte[] uploaded = store.get(pushed.get(p).key()).orElseThrow();
      assertEquals((long) uploaded.length, ((Number) pushed.get(p).descriptor().get("size")).longValue(),
          "the descriptor's size is the zip's");
      Files.write(zip, uploaded);
      try (SegmentReader r = SegmentReader.open(zip)) {
        for (Map<String, Object> row : r.rows(0, r.rowCount())) {
          long t = ((Number) row.get("__time")).longValue();
          assertTrue(t >= previousMax, "partitions continue the time order");
          previousMax = t;
          vSum += ((Number) row.get("v_sum")).longValue();
        }
      }
    }
    assertEquals(21, vSum, "every row once");
    assertFalse(Files.exists(publisher.persistDir("task-1")), "persists are deleted after publish");
  }

  @Test
  void intervalsArePublishedAtOnceAndListedInIntervalOrder() throws Exception {
    SupervisorSpec spec = SpecParser.parse(SPEC.replace("\"maxRowsPerSegment\":4", "\"maxRowsPerSegment\":3"));
    long hour = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
    InMemoryBlobStore store = new InMemoryBlobStore();
    SegmentPublisher publisher = new SegmentPublisher(store, "bucket", new CatalogLayout("druid/segments"), work);
    try (RowIngester ingester = new RowIngester(spec, hour, 1L << 30, publisher.persistDir("task-4"))) {
      for (int i = 0; i < 12; i++) { // 4 rows in each of three hours, persisted two rows at a time
        long ts = hour + (i % 3) * 3_600_000L + i;
        ingester.add(io.sluice.workflows.StreamPartition.of(0), i,
            ("{\"ts\":" + ts + ",\"host\":\"h" + i + "\",\"v\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        if (ingester.persistDue(hour)) ingester.persist(hour);
      }
      List<Contracts.PushedSegment> pushed = publisher.publish("ds", "task-4", "task-4", "seq-4", ingester,
          (d, t) -> { });
      assertEquals(6, pushed.size(), "three hours of 4 rows, in partitions of at most 3");
      long vSum = 0;
      for (int k = 0; k < pushed.size(); k++) {
        long expectedStart = hour + (k / 2) * 3_600_000L;
        assertTrue(pushed.get(k).id().contains(io.sluice.segment.v9.DataSegment.iso(expectedStart)),
            pushed.get(k).id());
        assertEquals(k % 2 == 0 ? 3 : 1, pushed.get(k).rows());
        Path zip = work.resolve("i" + k + ".zip");
        Files.write(zip, store.get(pushed.get(k).key()).orElseThrow());
        try (SegmentReader r = SegmentReader.open(zip)) {
          for (Map<String, Object> row : r.rows(0, r.rowCount())) vSum += ((Number) row.get("v_sum")).longValue();
        }
      }
      assertEquals(66, vSum, "every row once");
      assertFalse(Files.exists(publisher.persistDir("task-4")), "persists are deleted after publish");
    }
  }

  @Test
  void persistsAreWrittenInTheBackgroundAndTheirFailureSurfaces() throws Exception {
    SupervisorSpec spec = SpecParser.parse(SPEC.replace("\"maxRowsPerSegment\":4", "\"maxRowsPerSegment\":100,"
        + "\"maxPendingPersists\":1"));
    long hour = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
    Path blocked = work.resolve("not-a-directory");
    Files.writeString(blocked, "a file where the persist directory should go");
    try (RowIngester ingester = new RowIngester(spec, hour, 1L << 30, blocked)) {
      for (int i = 0; i < 4; i++) {
        ingester.add(io.sluice.workflows.StreamPartition.of(0), i, ("{\"ts\":" + (hour + i) + ",\"host\":\"h" + i + "\",\"v\":1}")
            .getBytes(StandardCharsets.UTF_8));
        // maxPendingPersists 1: the second persist is handed over without waiting for the first
        if (ingester.persistDue(hour)) ingester.persist(hour);
      }
      assertTrue(ingester.indexes().isEmpty(), "the reading thread handed both indexes over");
      assertEquals(List.of(hour), List.copyOf(ingester.intervals()), "rows being persisted still count");
      java.io.IOException e = assertThrows(java.io.IOException.class, ingester::persists);
      assertTrue(e.toString().contains("not-a-directory"), e.toString());
    }
  }

  @Test
  void multiValueRowsKeepPersistingAndMergeWithSingleValueOnes() throws Exception {
    SupervisorSpec spec = SpecParser.parse(SPEC.replace("\"maxRowsPerSegment\":4", "\"maxRowsPerSegment\":100"));
    long hour = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
    InMemoryBlobStore store = new InMemoryBlobStore();
    SegmentPublisher publisher = new SegmentPublisher(store, "bucket", new CatalogLayout("druid/segments"), work);
    RowIngester ingester = new RowIngester(spec, hour, 1L << 30, publisher.persistDir("task-2"));
    for (int i = 0; i < 4; i++) { // single-value rows: two persists
      ingester.add(io.sluice.workflows.StreamPartition.of(0), i, ("{\"ts\":" + (hour + i) + ",\"host\":\"h" + i + "\",\"v\":1}").getBytes(StandardCharsets.UTF_8));
      if (ingester.persistDue(hour)) ingester.persist(hour);
    }
    assertEquals(2, ingester.persists().persistCount());
    for (int i = 4; i < 7; i++) { // then multi-value rows: memory stays bounded, they persist too
      ingester.add(io.sluice.workflows.StreamPartition.of(0), i, ("{\"ts\":" + (hour + i) + ",\"host\":[\"b" + i + "\",\"a\"],\"v\":1}")
          .getBytes(StandardCharsets.UTF_8));
      if (ingester.persistDue(hour)) ingester.persist(hour);
    }
    assertEquals(3, ingester.persists().persistCount(), "maxRowsInMemory 2: rows 4-5 persisted, row 6 in memory");
    List<Contracts.PushedSegment> pushed = publisher.publish("ds", "task-2", "task-2", "seq-2", ingester,
        (d, t) -> { });
    assertEquals(1, pushed.size(), "one segment merged from the persists and the in-memory rows");
    assertEquals(7, pushed.get(0).rows());
    Path zip = work.resolve("mv.zip");
    Files.write(zip, store.get(pushed.get(0).key()).orElseThrow());
    try (SegmentReader r = SegmentReader.open(zip)) {
      List<Map<String, Object>> rows = r.rows(0, 7);
      assertEquals("h0", rows.get(0).get("host"));
      assertEquals(List.of("a", "b4"), rows.get(4).get("host"), "SORTED_ARRAY, Druid's default");
      assertEquals(List.of("a", "b6"), rows.get(6).get("host"));
    }
  }

  @Test
  void firstAndLastAggregatorsRollUpAcrossPersistsAndPublish() throws Exception {
    SupervisorSpec spec = SpecParser.parse(SPEC
        .replace("{\"type\":\"longSum\",\"name\":\"v_sum\",\"fieldName\":\"v\"}",
            "{\"type\":\"longFirst\",\"name\":\"v_first\",\"fieldName\":\"v\"},"
            + "{\"type\":\"doubleLast\",\"name\":\"v_last\",\"fieldName\":\"v\"}")
        .replace("\"queryGranularity\":\"NONE\"", "\"queryGranularity\":\"HOUR\",\"rollup\":true")
        .replace("\"maxRowsInMemory\":2", "\"maxRowsInMemory\":1"));
    long hour = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
    InMemoryBlobStore store = new InMemoryBlobStore();
    SegmentPublisher publisher = new SegmentPublisher(store, "bucket", new CatalogLayout("druid/segments"), work);
    RowIngester ingester = new RowIngester(spec, hour, 1L << 30, publisher.persistDir("task-3"));
    long[] times = {hour + 500, hour + 100, hour + 900, hour + 300};
    for (int i = 0; i < times.length; i++) { // one host, one row a persist
      String json = "{\"ts\":" + times[i] + ",\"host\":\"h\",\"v\":" + (i == 1 ? "null" : i * 10) + "}";
      ingester.add(io.sluice.workflows.StreamPartition.of(0), i, json.getBytes(StandardCharsets.UTF_8));
      if (ingester.persistDue(hour)) ingester.persist(hour);
    }
    assertTrue(ingester.persists().persistCount() >= 3);
    List<Contracts.PushedSegment> pushed = publisher.publish("ds", "task-3", "task-3", "seq-3", ingester,
        (d, t) -> { });
    assertEquals(1, pushed.size());
    assertEquals("count,v_first,v_last", pushed.get(0).descriptor().get("metrics"));
    Path zip = work.resolve("firstlast.zip");
    Files.write(zip, store.get(pushed.get(0).key()).orElseThrow());
    try (SegmentReader r = SegmentReader.open(zip)) {
      Map<String, Object> row = r.rows(0, 1).get(0);
      assertEquals(4L, row.get("count"));
      assertEquals(new FirstLastPair(hour + 100, null), row.get("v_first"), "the earliest row, whose v is null");
      assertEquals(new FirstLastPair(hour + 900, 20.0), row.get("v_last"));
    }
  }
}
