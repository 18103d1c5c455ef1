package io.sluice.activities;

import static io.sluice.workflows.Parts.offs;
import static io.sluice.workflows.Parts.p;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.segment.spec.SpecParser;
import io.sluice.segment.spec.SupervisorSpec;
import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.Failures;
import io.sluice.workflows.ReadActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ioConfig.topicPattern in the activities: discovery of the matching topics, and reading several topics. */
class TopicPatternActivitiesTest {
  static final String SPEC = """
      {"type":"kafka","dataSchema":{"dataSource":"ds","timestampSpec":{"column":"ts","format":"millis"},
        "metricsSpec":[{"type":"count","name":"count"}],"granularitySpec":{"segmentGranularity":"HOUR"}},
       "ioConfig":{"topicPattern":"metrics-.*","inputFormat":{"type":"json"},
        "consumerProperties":{"bootstrap.servers":"k:9092"}}}""";

  @TempDir Path work;

  static PartitionInfo info(String topic, int partition) {
    return new PartitionInfo(topic, partition, null, null, null);
  }

  @Test
  void discoveryListsEveryTopicThePatternMatchesWhollySortedByTopicAndPartition() {
    MockConsumer<byte[], byte[]> c = new MockConsumer<>("none");
    c.updatePartitions("metrics-b", List.of(info("metrics-b", 0)));
    c.updatePartitions("metrics-a", List.of(info("metrics-a", 1), info("metrics-a", 0)));
    c.updatePartitions("other", List.of(info("other", 0)));
    c.updatePartitions("xmetrics-a", List.of(info("xmetrics-a", 0)));
    Map<TopicPartition, Long> begin = Map.of(new TopicPartition("metrics-a", 0), 0L,
        new TopicPartition("metrics-a", 1), 3L, new TopicPartition("metrics-b", 0), 0L,
        new TopicPartition("other", 0), 0L, new TopicPartition("xmetrics-a", 0), 0L);
    c.updateBeginningOffsets(begin);
    c.updateEndOffsets(Map.of(new TopicPartition("metrics-a", 0), 10L, new TopicPartition("metrics-a", 1), 20L,
        new TopicPartition("metrics-b", 0), 30L, new TopicPartition("other", 0), 40L,
        new TopicPartition("xmetrics-a", 0), 50L));
    Contracts.StreamOffsets o = StreamActivitiesImpl.fetch(c, null, "metrics-.*", Map.of());
    assertEquals(List.of(p("metrics-a", 0), p("metrics-a", 1), p("metrics-b", 0)), o.partitions());
    assertEquals(offs("metrics-a:0", 0L, "metrics-a:1", 3L, "metrics-b:0", 0L), o.earliest());
    assertEquals(offs("metrics-a:0", 10L, "metrics-a:1", 20L, "metrics-b:0", 30L), o.latest());

    // a single topic keeps plain partition numbers
    Contracts.StreamOffsets single = StreamActivitiesImpl.fetch(c, "other", null, Map.of());
    assertEquals(List.of(p(0)), single.partitions());
    assertEquals(offs(0, 40L), single.latest());

    // no matching topic: a stream failure, as a missing topic is
    ApplicationFailure none = assertThrows(ApplicationFailure.class,
        () -> StreamActivitiesImpl.fetch(c, null, "nothing-.*", Map.of()));
    assertEquals(Failures.STREAM_UNAVAILABLE, none.getType());
  }

  @Test
  void aTaskReadsThePartitionsOfSeveralTopicsAndReportsThemAsTopicColonPartition() {
    long hour = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("none");
    TopicPartition a0 = new TopicPartition("metrics-a", 0);
    TopicPartition b0 = new TopicPartition("metrics-b", 0);
    consumer.updateBeginningOffsets(Map.of(a0, 0L, b0, 0L));
    consumer.schedulePollTask(() -> {
      for (int i = 0; i < 3; i++) {
        consumer.addRecord(new ConsumerRecord<>("metrics-a", 0, 5 + i, null,
            ("{\"ts\":" + (hour + i) + "}").getBytes(StandardCharsets.UTF_8)));
      }
      consumer.addRecord(new ConsumerRecord<>("metrics-b", 0, 5, null,
          ("{\"ts\":" + hour + "}").getBytes(StandardCharsets.UTF_8)));
    });
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      InMemoryBlobStore store = new InMemoryBlobStore();
      env.registerActivitiesImplementations(new ReadActivitiesImpl(config -> consumer,
          workflowId -> new Contracts.TaskControl(true), store, "bucket", new CatalogLayout("druid/segments"), work,
          Map.of()));
      ReadActivities read = env.newActivityStub(ReadActivities.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
      SupervisorSpec spec = SpecParser.parse(SPEC);
      // metrics-b:0 starts at 5 too; partition 0 of each topic is its own partition
      Contracts.ReadResult r = read.readAndPush(new Contracts.ReadInput(new Contracts.TaskInput("task-1", "ds",
          "seq-1", spec, offs("metrics-a:0", 5L, "metrics-b:0", 5L), 0)));
      assertEquals(offs("metrics-a:0", 8L, "metrics-b:0", 6L), r.endOffsets());
      assertEquals(offs("metrics-a:0", 5L, "metrics-b:0", 5L), r.startOffsets());
      assertEquals(4, r.rowStats().processed());
      assertEquals(List.of(a0, b0), consumer.assignment().stream()
          .sorted(java.util.Comparator.comparing(TopicPartition::topic)).toList());
    } finally {
      env.close();
    }
  }
  @Test
  void aTaskWhoseTopicIsDeletedWhileItReadsEndsThereAfterWhatItReadAndPublishes() {
    long hour = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
    TopicPartition a0 = new TopicPartition("metrics-a", 0);
    TopicPartition b0 = new TopicPartition("metrics-b", 0);
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("none") {
      @Override
      public synchronized long position(TopicPartition partition, Duration timeout) {
        if (partition.equals(b0)) { // metrics-b was deleted: Kafka has no metadata to tell its position by
          throw new org.apache.kafka.common.errors.TimeoutException("Timeout of " + timeout.toMillis()
              + "ms expired before the position for partition metrics-b-0 could be determined");
        }
        return super.position(partition, timeout);
      }
    };
    consumer.updateBeginningOffsets(Map.of(a0, 0L, b0, 0L));
    consumer.schedulePollTask(() -> {
      consumer.addRecord(new ConsumerRecord<>("metrics-a", 0, 5, null,
          ("{\"ts\":" + hour + "}").getBytes(StandardCharsets.UTF_8)));
      consumer.addRecord(new ConsumerRecord<>("metrics-b", 0, 5, null,
          ("{\"ts\":" + hour + "}").getBytes(StandardCharsets.UTF_8)));
      consumer.addRecord(new ConsumerRecord<>("metrics-b", 0, 6, null,
          ("{\"ts\":" + hour + "}").getBytes(StandardCharsets.UTF_8)));
    });
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      env.registerActivitiesImplementations(new ReadActivitiesImpl(config -> consumer,
          workflowId -> new Contracts.TaskControl(true), new InMemoryBlobStore(), "bucket",
          new CatalogLayout("druid/segments"), work, Map.of()));
      ReadActivities read = env.newActivityStub(ReadActivities.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
      Contracts.ReadResult r = read.readAndPush(new Contracts.ReadInput(new Contracts.TaskInput("task-1", "ds",
          "seq-1", SpecParser.parse(SPEC), offs("metrics-a:0", 5L, "metrics-b:0", 5L, "metrics-c:0", 3L), 0)));
      assertEquals(offs("metrics-a:0", 6L, "metrics-b:0", 7L, "metrics-c:0", 3L), r.endOffsets(),
          "metrics-b ends after the last record read; metrics-c, never read, where it started");
      assertEquals(3, r.rowStats().processed());
    } finally {
      env.close();
    }
  }

  @Test
  void theWatcherReturnsWhenAMatchingTopicIsGoneButNotForASingleTopic() {
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000_000);
    StreamActivitiesImpl impl = new StreamActivitiesImpl(null, Map.of(), SupervisorProbe.none(), clock::get);
    StreamActivitiesImpl.Sleeper sleep = (ms, beat) -> clock.addAndGet(ms);
    Contracts.StreamOffsets onlyA = new Contracts.StreamOffsets(List.of(p("metrics-a", 0)),
        offs("metrics-a:0", 0L), offs("metrics-a:0", 10L));
    Contracts.WatchInput pattern = new Contracts.WatchInput(null, Map.of(), 30_000,
        List.of(p("metrics-a", 0), p("metrics-b", 0)), offs("metrics-a:0", 10L), Integer.MAX_VALUE, false, 0, 0,
        60_000, null, "metrics-.*");
    Contracts.WatchResult r = impl.watch("supervisor:ds", pattern, () -> onlyA, snapshot -> { }, sleep);
    assertEquals(Contracts.WatchResult.PARTITIONS_CHANGED, r.reason());
    assertEquals(List.of(p("metrics-a", 0)), r.offsets().partitions());

    // a single topic's partitions never go away: one left out of an answer changes nothing
    Contracts.StreamOffsets only0 = new Contracts.StreamOffsets(List.of(p(0)), offs(0, 0L), offs(0, 10L));
    Contracts.WatchInput single = new Contracts.WatchInput("t", Map.of(), 30_000, List.of(p(0), p(1)),
        offs(0, 10L), Integer.MAX_VALUE, false, 0, 0, 60_000, null, null);
    assertEquals(Contracts.WatchResult.MAX_WATCH,
        impl.watch("supervisor:ds", single, () -> only0, snapshot -> { }, sleep).reason());
  }
}
