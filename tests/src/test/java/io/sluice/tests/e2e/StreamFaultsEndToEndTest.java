package io.sluice.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.dev.MetricEvents;
import io.sluice.dev.SupervisorApi;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the stream itself can throw at a supervisor, against the real stack: transactions committed and aborted,
 * malformed records (counted, or fatal past {@code maxParseExceptions}), partitions added while reading, the
 * operator's reset and resetOffsets, offsets lost to retention (with and without resetOffsetAutomatically), and a
 * deleted topic. Every test produces events with unique ids and ends by reading every
 * committed segment back: distinct ids and the total {@code count} both equal the events that should be there.
 */
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
class StreamFaultsEndToEndTest extends RealStackTest {

  /** A spec for a fresh dataSource: short tasks, short period, so that each test finishes in well under 2 minutes. */
  static ObjectNode spec(String dataSource, String topic) throws Exception {
    ObjectNode spec = sampleSpec(dataSource, topic, "PT5S");
    ObjectNode io = (ObjectNode) spec.get("ioConfig");
    io.put("period", "PT5S");
    io.put("startDelay", "PT1S");
    return spec;
  }

  /** Polls the supervisor's status until {@code done} holds, and returns it. */
  static JsonNode awaitStatus(String id, Duration timeout, String what, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      SupervisorApi.Answer a = Published.statusOrNull(api, id);
      if (a != null && a.status() == 200) {
        last = a.json().get("payload");
        if (done.test(last)) return last;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("timed out waiting for " + what + "; last status: " + last);
  }

  static final io.sluice.workflows.StreamPartition P0 = io.sluice.workflows.StreamPartition.of(0);

  static Map<Integer, Long> offsets(JsonNode json) {
    Map<Integer, Long> out = new TreeMap<>();
    if (json != null) json.properties().forEach(e -> out.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
    return out;
  }

  @Test
  void abortedTransactionsNeverAppearAndCommittedOnesAppearOnce() throws Exception {
    String ds = "transactions";
    String topic = "transactions";
    MetricEvents.createTopic(stack.kafkaBootstrap(), topic, 2);
    assertEquals(200, api.submit(spec(ds, topic).toString()).status());

    Set<String> committed = new LinkedHashSet<>();
    Set<String> aborted = new HashSet<>();
    try (KafkaProducer<byte[], byte[]> a = transactional("tx-a");
         KafkaProducer<byte[], byte[]> b = transactional("tx-b");
         KafkaProducer<byte[], byte[]> longOpen = transactional("tx-long")) {
      // one transaction stays open while all the others run: the last stable offset stands still behind it
      longOpen.beginTransaction();
      List<String> longIds = sendAll(longOpen, topic, "long", 0, 100);
      longOpen.flush();
      for (int round = 0; round < 10; round++) {
        a.beginTransaction();
        b.beginTransaction();
        List<String> fromA = new ArrayList<>();
        List<String> fromB = new ArrayList<>();
        for (int i = 0; i < 50; i++) { // interleaved in the log, record by record
          fromA.addAll(sendAll(a, topic, "a" + round, i, 1));
          fromB.addAll(sendAll(b, topic, "b" + round, i, 1));
        }
        a.flush();
        b.flush();
        boolean aCommits = round % 2 == 0;
        (aCommits ? a : b).commitTransaction();
        (aCommits ? b : a).abortTransaction();
        committed.addAll(aCommits ? fromA : fromB);
        aborted.addAll(aCommits ? fromB : fromA);
        if (round == 4) { // let a task roll over while the long transaction is still open
          String first = awaitStatus(ds, Duration.ofSeconds(60), "a reading task",
              s -> s.get("activeTasks").size() > 0).get("activeTasks").get(0).get("id").asText();
          awaitStatus(ds, Duration.ofSeconds(60), "the next task, after a rollover",
              s -> s.get("activeTasks").size() > 0 && !s.get("activeTasks").get(0).get("id").asText().equals(first));
        }
      }
      longOpen.commitTransaction();
      committed.addAll(longIds);
    }
    Map<Integer, Long> end = IdEvents.endOffsets(stack.kafkaBootstrap(), topic);
    assertTrue(IdEvents.sum(end) > committed.size() + aborted.size(), "control records take offsets: " + end);

    JsonNode status = Published.awaitCommitted(api, ds, IdEvents.sum(end), Duration.ofSeconds(90));
    assertEquals(end, offsets(status.get("committedOffsets")),
        "committed end offsets are the topic's end offsets, gaps of control records included");
    Map<String, Long> counts = IdEvents.countsById(stack, ds, tmp.resolve(ds));
    IdEvents.assertExactlyOnce(committed, counts);
    Set<String> leaked = new HashSet<>(counts.keySet());
    leaked.retainAll(aborted);
    assertEquals(Set.of(), leaked, "records of aborted transactions were published");
    assertEquals(200, api.terminate(ds).status());
  }

  private static KafkaProducer<byte[], byte[]> transactional(String id) {
    KafkaProducer<byte[], byte[]> p = IdEvents.producer(stack.kafkaBootstrap(),
        Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id));
    p.initTransactions();
    return p;
  }

  private static List<String> sendAll(KafkaProducer<byte[], byte[]> p, String topic, String prefix, int from,
                                      int n) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      String id = prefix + "-" + i;
      p.send(new ProducerRecord<>(topic, i % 2, null, IdEvents.event(id, i))); // commitTransaction fails if one did
      ids.add(id);
    }
    return ids;
  }

  @Test
  void malformedRecordsAreCountedAndTooManyFailTheTask() throws Exception {
    String ds = "malformed";
    String topic = "malformed";
    MetricEvents.createTopic(stack.kafkaBootstrap(), topic, 1);
    int total = 2000;
    Set<String> good = new LinkedHashSet<>();
    Set<Long> badOffsets = new HashSet<>();
    List<String> garbage = List.of("not json", "{\"timestamp\":", "\u0000\u0001\u0002", "[1,2,",
        "{\"id\":\"no-timestamp\"}");
    try (KafkaProducer<byte[], byte[]> p = IdEvents.producer(stack.kafkaBootstrap(), Map.of())) {
      List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        byte[] value;
        if (i % 100 == 42) { // 1 in 100
          value = garbage.get((i / 100) % garbage.size()).getBytes(StandardCharsets.UTF_8);
          badOffsets.add((long) i);
        } else {
          String id = "m-" + i;
          value = IdEvents.event(id, i);
          good.add(id);
        }
        sent.add(p.send(new ProducerRecord<>(topic, 0, null, value)));
      }
      p.flush();
      IdEvents.awaitSent(sent);
    }
    ObjectNode spec = spec(ds, topic);
    ((ObjectNode) spec.get("tuningConfig")).put("maxSavedParseExceptions", 100);
    assertEquals(200, api.submit(spec.toString()).status());
    JsonNode status = Published.awaitCommitted(api, ds, total, Duration.ofSeconds(90));
    assertEquals(good.size(), status.get("committedEvents").asLong(), "unparseable records are not events");

    Published published = Published.readBack(stack, ds, tmp.resolve(ds + "-stats"), index -> { });
    assertEquals(badOffsets.size(), published.unparseable(), "the commits count every malformed record");
    long unparseable = 0;
    long processed = 0;
    Set<Long> reportedOffsets = new HashSet<>();
    for (var r : published.records()) { // each committing task's own report says the same
      SupervisorApi.Answer reports = api.task(r.taskId(), "reports");
      assertEquals(200, reports.status(), reports.body());
      JsonNode payload = reports.json().path("ingestionStatsAndErrors").path("payload");
      JsonNode totals = payload.path("rowStats").path("buildSegments");
      unparseable += totals.path("unparseable").asLong();
      processed += totals.path("processed").asLong();
      for (JsonNode e : payload.path("unparseableEvents").path("buildSegments")) {
        reportedOffsets.add(e.get("offset").asLong());
      }
      assertEquals("SUCCESS", api.task(r.taskId(), "status").json().path("status").path("status").asText());
    }
    assertEquals(badOffsets.size(), unparseable, "task reports count every malformed record");
    assertEquals(good.size(), processed);
    assertEquals(badOffsets, reportedOffsets, "task reports name the malformed records' offsets");
    IdEvents.assertExactlyOnce(good, IdEvents.countsById(stack, ds, tmp.resolve(ds)));
    assertEquals(200, api.terminate(ds).status());

    // past maxParseExceptions the task fails instead of committing, and the supervisor says why. The limit is per
    // task, as in Druid, so the task must live long enough to meet a sixth malformed record (offset 542): with a
    // 5-second taskDuration a slow start could roll it over after one poll of 500 records and five exceptions.
    String strict = "malformed-strict";
    ObjectNode strictSpec = spec(strict, topic);
    ((ObjectNode) strictSpec.get("ioConfig")).put("taskDuration", "PT1H");
    ((ObjectNode) strictSpec.get("tuningConfig")).put("maxParseExceptions", 5);
    assertEquals(200, api.submit(strictSpec.toString()).status());
    JsonNode failed = awaitStatus(strict, Duration.ofSeconds(60), "TooManyParseExceptions in recentErrors",
        s -> s.get("recentErrors").toString().contains("TooManyParseExceptions"));
    assertEquals(0, SupervisorApi.sum(failed.get("committedOffsets")), "a failed task commits nothing: " + failed);
    assertTrue(failed.get("recentErrors").toString().contains("Max parse exceptions [5] exceeded"),
        failed.toString());
    assertTrue(Published.readBack(stack, strict, tmp.resolve(strict), index -> { }).records().isEmpty(),
        "nothing in the commit log");
    assertEquals(200, api.terminate(strict).status());
  }

  @Test
  void partitionsAddedMidStreamAreReadFromTheirStart() throws Exception {
    String ds = "growing";
    String topic = "growing";
    MetricEvents.createTopic(stack.kafkaBootstrap(), topic, 1);
    ObjectNode spec = spec(ds, topic);
    ObjectNode io = (ObjectNode) spec.get("ioConfig");
    io.put("taskCount", 2);
    io.put("useEarliestOffset", false); // new partitions must still be read from their earliest offset, as in Druid
    io.put("taskDuration", "PT10S");
    assertEquals(200, api.submit(spec.toString()).status());
    awaitStatus(ds, Duration.ofSeconds(60), "a task reading partition 0", s -> s.get("activeTasks").size() > 0);

    Set<String> ids = new LinkedHashSet<>(IdEvents.produce(stack.kafkaBootstrap(), topic, "one", 500));
    try (Admin admin = IdEvents.admin(stack.kafkaBootstrap())) {
      admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(4))).all().get();
    }
    ids.addAll(IdEvents.produce(stack.kafkaBootstrap(), topic, "four", 2000)); // 500 into each partition
    Map<Integer, Long> end = IdEvents.endOffsets(stack.kafkaBootstrap(), topic);
    assertEquals(4, end.size());

    JsonNode status = Published.awaitCommitted(api, ds, IdEvents.sum(end), Duration.ofSeconds(90));
    assertEquals(4, status.get("partitions").asInt(), status.toString());
    assertEquals(end, offsets(status.get("committedOffsets")));
    IdEvents.assertExactlyOnce(ids, IdEvents.countsById(stack, ds, tmp.resolve(ds)));
    assertEquals(200, api.terminate(ds).status());
  }

  @Test
  void resetAndResetOffsetsRestartReadingFromTheNewOffsets() throws Exception {
    String ds = "resets";
    String topic = "resets";
    MetricEvents.createTopic(stack.kafkaBootstrap(), topic, 1);
    List<String> idAt = new ArrayList<>(); // the id at each offset of the one partition
    idAt.addAll(IdEvents.produce(stack.kafkaBootstrap(), topic, "a", 1000));
    assertEquals(200, api.submit(spec(ds, topic).toString()).status());
    Published.awaitCommitted(api, ds, 1000, Duration.ofSeconds(90));

    // resetOffsets forward, while suspended: what lies between the old and the new offset is skipped
    assertEquals(200, api.post(ds, "suspend").status());
    awaitStatus(ds, Duration.ofSeconds(60), "SUSPENDED with no tasks", s -> "SUSPENDED".equals(
        s.get("detailedState").asText()) && s.get("activeTasks").isEmpty() && s.get("publishingTasks").isEmpty());
    idAt.addAll(IdEvents.produce(stack.kafkaBootstrap(), topic, "b", 500)); // offsets 1000-1499: skipped
    idAt.addAll(IdEvents.produce(stack.kafkaBootstrap(), topic, "c", 500)); // 1500-1999
    SupervisorApi.Answer otherTopic = api.post(ds, "resetOffsets", resetOffsetsBody("not-" + topic, 0, 5));
    assertEquals(400, otherTopic.status(), otherTopic.body()); // the supervisor's validator refuses it
    assertTrue(otherTopic.body().contains("not this supervisor's topic"), otherTopic.body());
    SupervisorApi.Answer accepted = api.post(ds, "resetOffsets", resetOffsetsBody(topic, 0, 1500));
    assertEquals(200, accepted.status(), accepted.body());
    awaitStatus(ds, Duration.ofSeconds(30), "committed offsets set to 1500",
        s -> offsets(s.get("committedOffsets")).equals(Map.of(0, 1500L)));
    assertEquals(200, api.post(ds, "resume").status());
    Published.awaitCommitted(api, ds, 2000, Duration.ofSeconds(90));

    // a full reset while a task reads: that task is killed and commits nothing; reading restarts from the
    // earliest offset (useEarliestOffset), so everything is read again once
    idAt.addAll(IdEvents.produce(stack.kafkaBootstrap(), topic, "d", 500)); // 2000-2499
    awaitStatus(ds, Duration.ofSeconds(30), "a task reading past 2000", s -> {
      for (JsonNode t : s.get("activeTasks")) if (SupervisorApi.sum(t.get("currentOffsets")) > 2000) return true;
      return false;
    });
    assertEquals(200, api.post(ds, "reset").status());
    awaitStatus(ds, Duration.ofSeconds(30), "committed offsets reset to the earliest",
        s -> offsets(s.get("committedOffsets")).equals(Map.of(0, 0L)));
    Published.awaitCommitted(api, ds, 2500, Duration.ofSeconds(90));

    // the segments hold each record once per committed range that covers it, and nothing else
    Published published = Published.readBack(stack, ds, tmp.resolve(ds + "-log"), index -> { });
    Map<String, Long> expected = new java.util.HashMap<>();
    List<Map<io.sluice.workflows.StreamPartition, Long>> resets = new ArrayList<>();
    for (io.sluice.activities.CommitRecord r : published.records()) {
      if (io.sluice.activities.CommitRecord.RESET.equals(r.kind())) {
        resets.add(r.endOffsets());
        continue;
      }
      for (long o = r.startOffsets().get(P0); o < r.endOffsets().get(P0); o++) {
        expected.merge(idAt.get((int) o), 1L, Long::sum);
      }
    }
    assertEquals(List.of(Map.of(P0, 1500L), Map.of(P0, 0L)), resets, "the two resets, in the commit log");
    Map<String, Long> counts = IdEvents.countsById(stack, ds, tmp.resolve(ds));
    assertEquals(expected, counts);
    for (String id : idAt) {
      long count = counts.getOrDefault(id, 0L);
      switch (id.charAt(0)) {
        case 'a', 'c' -> assertEquals(2, count, id); // before and after the full reset
        case 'b' -> assertEquals(1, count, id);      // skipped by resetOffsets, read after the full reset
        default -> assertTrue(count == 1 || count == 2, id + ": " + count); // d: twice only if committed first
      }
    }
    assertEquals(200, api.terminate(ds).status());
  }

  @Test
  void recordsPastRetentionFailTheTaskOrAreResetAutomatically() throws Exception {
    for (boolean automatic : new boolean[] {false, true}) {
      String ds = automatic ? "retention-auto" : "retention-strict";
      String topic = ds;
      List<String> idAt = new ArrayList<>(createTopicWithIds(topic, 1, "a", 500)); // 0-499
      ObjectNode spec = spec(ds, topic);
      if (automatic) ((ObjectNode) spec.get("tuningConfig")).put("resetOffsetAutomatically", true);
      assertEquals(200, api.submit(spec.toString()).status());
      Published.awaitCommitted(api, ds, 500, Duration.ofSeconds(90));
      assertEquals(200, api.post(ds, "suspend").status());
      awaitStatus(ds, Duration.ofSeconds(60), "SUSPENDED with no tasks", s -> "SUSPENDED".equals(
          s.get("detailedState").asText()) && s.get("activeTasks").isEmpty() && s.get("publishingTasks").isEmpty());

      idAt.addAll(IdEvents.produce(stack.kafkaBootstrap(), topic, "b", 1000)); // 500-1499
      try (Admin admin = IdEvents.admin(stack.kafkaBootstrap())) { // retention removes 500-999 before anyone read them
        admin.deleteRecords(Map.of(new org.apache.kafka.common.TopicPartition(topic, 0),
            org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(1000))).all().get();
      }
      assertEquals(200, api.post(ds, "resume").status());

      if (!automatic) { // the task fails, says which offsets are gone, and nothing moves until an operator acts
        JsonNode failed = awaitStatus(ds, Duration.ofSeconds(60), "an OffsetOutOfRange error",
            s -> s.get("recentErrors").toString().contains("OffsetOutOfRange"));
        assertTrue(failed.get("recentErrors").toString().contains("partition 0 offset 500 (Kafka holds 1000 to 1500)"),
            failed.toString());
        assertEquals(Map.of(0, 500L), offsets(failed.get("committedOffsets")));
        SupervisorApi.Answer reset = api.post(ds, "resetOffsets", resetOffsetsBody(topic, 0, 1000));
        assertEquals(200, reset.status(), reset.body());
      }
      JsonNode done = Published.awaitCommitted(api, ds, 1500, Duration.ofSeconds(90));
      if (automatic) {
        assertTrue(done.get("recentErrors").toString().contains("OffsetsResetAutomatically"), done.toString());
        assertTrue(done.get("recentErrors").toString().contains("offset 500 is no longer available in Kafka (earliest "
            + "1000, latest 1500); reset to the earliest offset 1000 as resetOffsetAutomatically asks: 500 offsets "
            + "skipped"), done.toString());
        assertTrue(!done.get("recentErrors").toString().contains("\"OffsetOutOfRange\""),
            "not counted as a task failure: " + done);
      }

      Published published = Published.readBack(stack, ds, tmp.resolve(ds + "-log"), index -> { });
      List<Map<io.sluice.workflows.StreamPartition, Long>> resets = new ArrayList<>();
      for (io.sluice.activities.CommitRecord r : published.records()) {
        if (io.sluice.activities.CommitRecord.RESET.equals(r.kind())) resets.add(r.endOffsets());
      }
      assertEquals(List.of(Map.of(P0, 1000L)), resets, "one reset record moves partition 0 past the lost offsets");
      io.sluice.tests.replay.HistoryRecorder.record(stack.temporalTarget(), "supervisor:" + ds, "supervisor-" + ds);
      List<String> expected = new ArrayList<>(idAt.subList(0, 500));
      expected.addAll(idAt.subList(1000, 1500));
      IdEvents.assertExactlyOnce(expected, IdEvents.countsById(stack, ds, tmp.resolve(ds)));
      assertEquals(200, api.terminate(ds).status());
    }
  }

  @Test
  void aDeletedTopicMeansLostContactNotACrashLoop() throws Exception {
    String ds = "deleted";
    String topic = "deleted";
    Set<String> ids = createTopicWithIds(topic, 1, "d", 500);
    assertEquals(200, api.submit(spec(ds, topic).toString()).status());
    Published.awaitCommitted(api, ds, 500, Duration.ofSeconds(90));
    try (Admin admin = IdEvents.admin(stack.kafkaBootstrap())) {
      admin.deleteTopics(Set.of(topic)).all().get();
    }
    JsonNode lost = awaitStatus(ds, Duration.ofSeconds(90), "LOST_CONTACT_WITH_STREAM",
        s -> "LOST_CONTACT_WITH_STREAM".equals(s.get("detailedState").asText()));
    assertTrue(lost.get("recentErrors").toString().contains("'" + topic + "' does not exist"), lost.toString());
    Thread.sleep(15_000); // several periods and task durations (5 s each) later: no task fails over and over
    JsonNode later = api.status(ds).json().get("payload");
    assertEquals("LOST_CONTACT_WITH_STREAM", later.get("detailedState").asText(), later.toString());
    for (JsonNode e : later.get("recentErrors")) {
      assertTrue(e.get("streamException").asBoolean(), "only stream errors, no task failures: " + later);
    }
    assertEquals(Map.of(0, 500L), offsets(later.get("committedOffsets")), "what was committed stays committed");
    IdEvents.assertExactlyOnce(ids, IdEvents.countsById(stack, ds, tmp.resolve(ds)));
    assertEquals(200, api.terminate(ds).status());
  }

  private static String resetOffsetsBody(String stream, int partition, long offset) {
    return "{\"type\":\"kafka\",\"partitions\":{\"type\":\"end\",\"stream\":\"" + stream
        + "\",\"partitionOffsetMap\":{\"" + partition + "\":" + offset + "}}}";
  }
}
