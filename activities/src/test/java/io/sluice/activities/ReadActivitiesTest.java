package io.sluice.activities;

import static io.sluice.workflows.Parts.*;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.segment.spec.SpecParser;
import io.sluice.segment.spec.SupervisorSpec;
import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.StreamPartition;
import io.sluice.workflows.Failures;
import io.sluice.workflows.ReadActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reading activity against a MockConsumer and an in-memory store. */
class ReadActivitiesTest {
  static final String SPEC = """
      {"type":"kafka","dataSchema":{"dataSource":"ds","timestampSpec":{"column":"ts","format":"millis"},
        "metricsSpec":[{"type":"count","name":"count"},{"type":"doubleSum","name":"v_sum","fieldName":"v"}],
        "granularitySpec":{"segmentGranularity":"HOUR"}},
       "ioConfig":{"topic":"t","inputFormat":{"type":"json"},"consumerProperties":{"bootstrap.servers":"k:9092"}},
       "tuningConfig":{"type":"kafka","maxParseExceptions":%d,"maxSavedParseExceptions":5}}""";
  static final TopicPartition TP = new TopicPartition("t", 0);

  @TempDir Path work;
  TestActivityEnvironment env;
  InMemoryBlobStore store;
  MockConsumer<byte[], byte[]> consumer;

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    store = new InMemoryBlobStore();
    consumer = new MockConsumer<>("none");
    consumer.updateBeginningOffsets(Map.of(TP, 0L));
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  ReadActivities activity() {
    env.registerActivitiesImplementations(new ReadActivitiesImpl(config -> consumer, workflowId -> new Contracts.TaskControl(true), store,
        "bucket", new CatalogLayout("druid/segments"), work, Map.of("KAFKA_PASSWORD", "s3cret")));
    return env.newActivityStub(ReadActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
  }

  @Test
  void intermediateHandoffPeriodPublishesWhatWasReadEvenIfNobodyAsksToStop() {
    long hour = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
    records(List.of("{\"ts\":" + hour + ",\"v\":1}", "{\"ts\":" + (hour + 1) + ",\"v\":2}"), 0, 1);
    env.registerActivitiesImplementations(new ReadActivitiesImpl(config -> consumer, workflowId -> new Contracts.TaskControl(false), store,
        "bucket", new CatalogLayout("druid/segments"), work, Map.of()));
    ReadActivities read = env.newActivityStub(ReadActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
    SupervisorSpec spec = SpecParser.parse(String.format(SPEC, 10)
        .replace("\"maxSavedParseExceptions\":5", "\"maxSavedParseExceptions\":5,\"intermediateHandoffPeriod\":\"PT1S\""));
    long started = System.nanoTime();
    Contracts.ReadResult r = read.readAndPush(new Contracts.ReadInput(
        new Contracts.TaskInput("task-1", "ds", "seq-1", spec, offs(0, 0L), 0)));
    assertTrue(System.nanoTime() - started >= 1_000_000_000L, "not before the period");
    assertEquals(offs(0, 2L), r.endOffsets());
    assertEquals(2, r.rowStats().processed());
    assertEquals(1, r.segments().size());
  }

  @Test
  void aReplicaPausesWhenToldToStopThenReadsExactlyToTheGroupsEndOffsets() {
    long hour = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
    List<String> ten = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) ten.add("{\"ts\":" + (hour + i) + ",\"v\":" + i + "}");
    records(ten.subList(0, 5), 0, 1, 2, 3, 4);
    consumer.schedulePollTask(() -> { }); // nothing new while paused (it must not poll then anyway)
    records(ten.subList(5, 10), 5, 6, 7, 8, 9);
    java.util.List<Map<StreamPartition, Long>> pauses = new java.util.concurrent.CopyOnWriteArrayList<>();
    TaskControlClient control = new TaskControlClient() {
      @Override
      public Contracts.TaskControl control(String id) {
        // told to stop at once; the group's end (8: another replica read further) comes once this one has paused
        return new Contracts.TaskControl(true, pauses.isEmpty() ? null : offs(0, 8L));
      }

      @Override
      public void paused(String id, Map<StreamPartition, Long> positions) {
        pauses.add(positions);
      }
    };
    env.registerActivitiesImplementations(new ReadActivitiesImpl(config -> consumer, control, store,
        "bucket", new CatalogLayout("druid/segments"), work, Map.of()));
    ReadActivities read = env.newActivityStub(ReadActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
    SupervisorSpec spec = SpecParser.parse(String.format(SPEC, 10).replace("\"ioConfig\":{", "\"ioConfig\":{\"replicas\":2,"));
    Contracts.ReadResult r = read.readAndPush(new Contracts.ReadInput(
        new Contracts.TaskInput("task-1", "ds", "seq-1", spec, offs(0, 0L), 0)));
    assertEquals(List.of(offs(0, 5L)), pauses, "paused once, where it was");
    assertEquals(offs(0, 8L), r.endOffsets(), "exactly the group's end offsets");
    assertEquals(8, r.rowStats().processed(), "offsets 0-7, not 8 and 9 fetched past the end");
  }

  static Contracts.ReadInput input(int maxParseExceptions) {
    SupervisorSpec spec = SpecParser.parse(String.format(SPEC, maxParseExceptions));
    return new Contracts.ReadInput(new Contracts.TaskInput("task-1", "ds", "seq-1", spec, offs(0, 0L), 0));
  }

  void records(List<String> values, long... offsets) {
    consumer.schedulePollTask(() -> {
      for (int i = 0; i < values.size(); i++) {
        consumer.addRecord(new ConsumerRecord<>("t", 0, offsets[i], null,
            values.get(i).getBytes(StandardCharsets.UTF_8)));
      }
    });
  }

  @Test
  void badMessagesAreCountedAndSkippedAndTheEndOffsetIsTheConsumerPosition() {
    long hour = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
    records(List.of(
        "{\"ts\":" + hour + ",\"host\":\"a\",\"v\":1.5}",
        "not json at all",
        "{\"ts\":" + (hour + 1) + ",\"host\":\"b\",\"v\":2}",
        "{\"host\":\"no timestamp\"}",
        "{\"ts\":" + (hour + 2) + ",\"host\":\"a\",\"v\":0.5}"),
        0, 1, 2, 3, 7); // 4..6: a transaction marker and aborted records, never returned
    Contracts.ReadResult r = activity().readAndPush(input(Integer.MAX_VALUE));
    assertEquals(offs(0, 8L), r.endOffsets(), "the position after the last record read");
    assertEquals(3, r.rowStats().processed());
    assertEquals(2, r.rowStats().unparseable());
    assertEquals(2, r.parseExceptions().size(), "saved, up to maxSavedParseExceptions");
    Contracts.ParseError first = r.parseExceptions().get(0);
    assertEquals(io.sluice.workflows.StreamPartition.of(0), first.partition());
    assertEquals(1, first.offset());
    assertEquals("not json at all", first.excerpt());
    assertTrue(first.wholeRecord());
    assertEquals(3, r.parseExceptions().get(1).offset());
    assertTrue(r.parseExceptions().get(1).reason().contains("timestamp"), r.parseExceptions().get(1).reason());
    assertEquals(1, r.segments().size());
    Contracts.PushedSegment s = r.segments().get(0);
    assertEquals(3, s.rows());
    assertTrue(store.get(s.key()).isPresent(), "index.zip was pushed");
    assertTrue(s.key().startsWith("druid/segments/ds/"), s.key());
    assertTrue(s.key().endsWith("/index.zip"));
    @SuppressWarnings("unchecked")
    Map<String, Object> loadSpec = (Map<String, Object>) s.descriptor().get("loadSpec");
    assertEquals("s3_zip", loadSpec.get("type"));
    assertEquals(s.key(), loadSpec.get("key"));
    assertEquals("host", s.descriptor().get("dimensions"));
  }

  @Test
  void secretsAreResolvedOnTheWorkerAndNeverTravelInTheInput() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Map<String, Object>> seen = new java.util.concurrent.atomic.AtomicReference<>();
    env.registerActivitiesImplementations(new ReadActivitiesImpl(config -> {
      seen.set(config);
      return consumer;
    }, workflowId -> new Contracts.TaskControl(true), store, "bucket", new CatalogLayout("druid/segments"), work,
        Map.of("KAFKA_PASSWORD", "s3cret")));
    ReadActivities read = env.newActivityStub(ReadActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1)).build());
    String json = String.format(SPEC, 0).replace("\"k:9092\"}", "\"k:9092\",\"sasl.jaas.config\":"
        + "{\"type\":\"environment\",\"variable\":\"KAFKA_PASSWORD\"}}");
    SupervisorSpec spec = SpecParser.parse(json);
    Contracts.ReadInput in = new Contracts.ReadInput(new Contracts.TaskInput("task-1", "ds", "seq-1", spec,
        offs(0, 0L), 0));
    read.readAndPush(in);
    assertEquals("s3cret", seen.get().get("sasl.jaas.config"));
    String travelled = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(in);
    assertTrue(travelled.contains("KAFKA_PASSWORD") && !travelled.contains("s3cret"), travelled);
  }

  @Test
  void transformsAndFiltersApplyBeforeRowsAreIndexed() {
    long hour = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
    records(List.of(
        "{\"ts\":" + hour + ",\"host\":\"a\",\"v\":1}",
        "{\"ts\":" + hour + ",\"host\":\"b\",\"v\":2}",
        "{\"ts\":" + hour + ",\"host\":\"a\",\"v\":3}"), 0, 1, 2);
    String json = String.format(SPEC, 0).replace("\"granularitySpec\"", "\"transformSpec\":{"
        + "\"filter\":{\"type\":\"selector\",\"dimension\":\"host\",\"value\":\"a\"},"
        + "\"transforms\":[{\"type\":\"expression\",\"name\":\"host_up\",\"expression\":\"upper(host)\"}]},"
        + "\"granularitySpec\"");
    Contracts.ReadInput in = new Contracts.ReadInput(new Contracts.TaskInput("task-1", "ds", "seq-1",
        SpecParser.parse(json), offs(0, 0L), 0));
    Contracts.ReadResult r = activity().readAndPush(in);
    assertEquals(2, r.rowStats().processed());
    assertEquals(1, r.rowStats().thrownAway(), "the filtered-out row is thrown away");
    assertEquals(offs(0, 3L), r.endOffsets(), "thrown-away rows still advance the offsets");
    assertEquals("host,host_up", r.segments().get(0).descriptor().get("dimensions"));
  }

  @Test
  void aFieldThatDoesNotConvertIsProcessedWithErrorAndTheRowKept() {
    long hour = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
    records(List.of(
        "{\"ts\":" + hour + ",\"host\":\"a\",\"v\":\"notanumber\"}",
        "{\"ts\":" + hour + ",\"host\":\"b\",\"v\":\"2.5\"}"), 0, 1);
    Contracts.ReadResult r = activity().readAndPush(input(Integer.MAX_VALUE));
    assertEquals(1, r.rowStats().processedWithError());
    assertEquals(1, r.rowStats().processed(), "a number in a string converts");
    assertEquals(2, r.segments().get(0).rows(), "the row with the bad field is still ingested");
    Contracts.ParseError e = r.parseExceptions().get(0);
    assertEquals(0, e.offset());
    assertTrue(!e.wholeRecord() && e.reason().contains("'v'"), e.toString());
  }

  @Test
  void schemaDiscoveryTypesDiscoveredColumnsAndReportsArraysAndObjectsItCannotStore() throws Exception {
    long hour = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
    records(List.of(
        "{\"ts\":" + hour + ",\"host\":\"a\",\"n\":1,\"x\":1,\"ok\":true,\"tags\":[\"p\",\"q\"],\"v\":1}",
        "{\"ts\":" + hour + ",\"host\":\"b\",\"n\":2,\"x\":2.5,\"geo\":{\"lat\":1},\"v\":2}",
        "{\"ts\":" + hour + ",\"host\":\"c\",\"n\":3,\"x\":\"three\",\"ok\":false,\"v\":3}"), 0, 1, 2);
    String json = String.format(SPEC, 10).replace("\"metricsSpec\"",
        "\"dimensionsSpec\":{\"dimensions\":[{\"type\":\"string\",\"name\":\"host\",\"createBitmapIndex\":false}],"
        + "\"useSchemaDiscovery\":true},\"metricsSpec\"").replace("\"granularitySpec\"",
        // the filter reads the array that the discovered columns cannot hold: it must still see it
        "\"transformSpec\":{\"filter\":{\"type\":\"or\",\"fields\":["
        + "{\"type\":\"selector\",\"dimension\":\"tags\",\"value\":\"p\"},"
        + "{\"type\":\"in\",\"dimension\":\"host\",\"values\":[\"b\",\"c\"]}]}},\"granularitySpec\"");
    Contracts.ReadResult r = activity().readAndPush(new Contracts.ReadInput(new Contracts.TaskInput("task-1", "ds",
        "seq-1", SpecParser.parse(json), offs(0, 0L), 0)));
    assertEquals(1, r.rowStats().processed());
    assertEquals(2, r.rowStats().processedWithError(), "rows with an array or an object keep their other fields");
    assertEquals(0, r.rowStats().unparseable());
    assertEquals(0, r.rowStats().thrownAway(), "the filter saw row 0's tags");
    assertTrue(r.parseExceptions().get(0).reason().contains("'tags' holds an array"), r.parseExceptions().toString());
    assertTrue(r.parseExceptions().get(1).reason().contains("'geo' holds an object"), r.parseExceptions().toString());
    assertEquals(1, r.parseExceptions().get(1).offset());
    Contracts.PushedSegment s = r.segments().get(0);
    assertEquals(3, s.rows());
    assertEquals("host,n,x,ok", s.descriptor().get("dimensions"), "listed first, then discovered; tags and geo never");
    Path zip = work.resolve("discovered.zip");
    java.nio.file.Files.write(zip, store.get(s.key()).orElseThrow());
    try (io.sluice.segment.read.SegmentReader segment = io.sluice.segment.read.SegmentReader.open(zip)) {
      assertEquals("LONG", ((io.sluice.segment.read.NumericColumn) segment.column("n")).typeName());
      assertEquals("LONG", ((io.sluice.segment.read.NumericColumn) segment.column("ok")).typeName(), "booleans");
      assertTrue(segment.column("x") instanceof io.sluice.segment.read.StringColumn, "a long, a double, a string");
      assertTrue(!((io.sluice.segment.read.StringColumn) segment.column("host")).hasBitmapIndex());
      List<Map<String, Object>> rows = segment.rows(0, 3);
      assertEquals(List.of(1L, 2L, 3L), rows.stream().map(row -> row.get("n")).toList());
      assertEquals(java.util.Arrays.asList(1L, null, 0L), rows.stream().map(row -> row.get("ok")).toList());
      assertEquals(List.of("1", "2.5", "three"), rows.stream().map(row -> row.get("x")).toList());
    }
  }

  @Test
  void tooManyParseExceptionsFailTheTaskWithoutRetry() {
    records(List.of("bad", "worse", "{\"ts\":1}"), 0, 1, 2);
    ActivityFailure f = assertThrows(ActivityFailure.class, () -> activity().readAndPush(input(1)));
    ApplicationFailure cause = (ApplicationFailure) f.getCause();
    assertEquals(Failures.TOO_MANY_PARSE_EXCEPTIONS, cause.getType());
    assertTrue(cause.isNonRetryable());
    assertTrue(cause.getOriginalMessage().contains("offset 1"), cause.getOriginalMessage());
  }

  @Test
  void offsetsNoLongerInKafkaFailWithTheirPartition() {
    consumer.updateBeginningOffsets(Map.of(TP, 5L)); // retention removed offsets 0-4
    consumer.updateEndOffsets(Map.of(TP, 9L));
    consumer.setPollException(new OffsetOutOfRangeException("gone", Map.of(TP, 0L)));
    ActivityFailure f = assertThrows(ActivityFailure.class, () -> activity().readAndPush(input(0)));
    ApplicationFailure cause = (ApplicationFailure) f.getCause();
    assertEquals(Failures.OFFSET_OUT_OF_RANGE, cause.getType());
    assertTrue(cause.isNonRetryable());
    assertTrue(cause.getOriginalMessage().contains("partition 0 offset 0 (Kafka holds 5 to 9)"),
        cause.getOriginalMessage());
    assertTrue(cause.getOriginalMessage().contains("set resetOffsetAutomatically"), cause.getOriginalMessage());
  }
}
