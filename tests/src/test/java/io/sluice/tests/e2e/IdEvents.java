package io.sluice.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.dev.DevStack;
import io.sluice.tests.oracle.DruidOracle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Events with unique ids, for the exactly-once checks of the fault-injection tests: each record carries an
 * {@code id} (a schemaless dimension, so no two records roll up into one row) and the end check reads every
 * committed segment back and counts each id's {@code count}.
 */
final class IdEvents {
  private IdEvents() {}

  /** One event: {@code {"timestamp":…,"id":…,"service":…,"value":…}}, its timestamp within the last hour. */
  static byte[] event(String id, long seq) {
    long ts = System.currentTimeMillis() - 1000 * (seq % 1800);
    String json = "{\"timestamp\":\"" + Instant.ofEpochMilli(ts) + "\",\"id\":\"" + id + "\",\"service\":\"svc-"
        + (seq % 5) + "\",\"value\":" + (seq % 100) + "}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
    config.putAll(extra);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Produces {@code count} events with ids {@code prefix-0 …}, round-robin over the topic's current partitions,
   * and returns their ids.
   */
  static Set<String> produce(String bootstrap, String topic, String prefix, int count) {
    Set<String> ids = new LinkedHashSet<>();
    try (KafkaProducer<byte[], byte[]> p = producer(bootstrap, Map.of())) {
      int partitions = p.partitionsFor(topic).size();
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String id = prefix + "-" + i;
        sent.add(p.send(new ProducerRecord<>(topic, i % partitions, null, event(id, i))));
        ids.add(id);
      }
      p.flush();
      awaitSent(sent);
    }
    return ids;
  }

  /**
   * Waits for every send to be acknowledged, and fails if one was not: the ids a test expects must be exactly what
   * Kafka holds, or a lost send would look like lost data.
   */
  static void awaitSent(List<Future<RecordMetadata>> sent) {
    for (int i = 0; i < sent.size(); i++) {
      try {
        sent.get(i).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      } catch (ExecutionException e) {
        throw new AssertionError("send " + i + " was not acknowledged by Kafka: " + e.getCause(), e.getCause());
      }
    }
  }

  /** An admin client for the test's broker; the caller closes it. */
  static Admin admin(String bootstrap) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return Admin.create(props);
  }

  /** The topic's end offsets per partition, as the broker reports them (control records included). */
  static Map<Integer, Long> endOffsets(String bootstrap, String topic) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      int partitions = admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
      for (int p = 0; p < partitions; p++) ask.put(new TopicPartition(topic, p), OffsetSpec.latest());
      Map<Integer, Long> out = new TreeMap<>();
      admin.listOffsets(ask).all().get().forEach((tp, info) -> out.put(tp.partition(), info.offset()));
      return out;
    }
  }

  static long sum(Map<Integer, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Reads back every committed segment of the dataSource (through the commit log, with Druid's reader) and
   * returns each id's summed {@code count}.
   */
  static Map<String, Long> countsById(DevStack stack, String dataSource, Path workDir) throws Exception {
    Map<String, Long> counts = new HashMap<>();
    Published.readBack(stack, dataSource, workDir, index -> {
      for (Map<String, Object> row : DruidOracle.rows(index)) {
        counts.merge(String.valueOf(row.get("id")), ((Number) row.get("count")).longValue(), Long::sum);
      }
    });
    return counts;
  }

  /**
   * The rule: distinct ids and the total {@code count} both equal the number of events expected, and the
   * ids are exactly the expected ones (nothing lost, nothing duplicated, nothing else).
   */
  static void assertExactlyOnce(Collection<String> expected, Map<String, Long> counts) {
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(counts.keySet());
    Set<String> unexpected = new TreeSet<>(counts.keySet());
    unexpected.removeAll(new LinkedHashSet<>(expected));
    Map<String, Long> duplicated = new TreeMap<>();
    counts.forEach((id, c) -> {
      if (c != 1) duplicated.put(id, c);
    });
    assertEquals("", describe("missing", missing) + describe("unexpected", unexpected)
        + describe("counted more than once", duplicated.keySet()), "exactly once");
    assertEquals(expected.size(), counts.size(), "distinct ids");
    assertEquals(expected.size(), counts.values().stream().mapToLong(Long::longValue).sum(), "total count");
  }

  private static String describe(String what, Set<String> ids) {
    if (ids.isEmpty()) return "";
    return ids.size() + " " + what + " (first: " + ids.stream().limit(10).toList() + "); ";
  }
}
