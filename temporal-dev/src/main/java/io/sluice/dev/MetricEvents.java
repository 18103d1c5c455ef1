package io.sluice.dev;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Synthetic metric events for the demo and the tests: JSON with timestamp, host, service, region and value. */
public final class MetricEvents {
  private static final String[] SERVICES = {"api", "web", "db", "cache", "queue"};
  private static final String[] REGIONS = {"us-east-1", "us-west-2", "eu-west-1", "ap-south-1"};

  private MetricEvents() {}

  /** What was produced: the number of events and the sum of their values (as the doubles were written). */
  public record Produced(long events, double valueSum) {}

  /** Produces each string as one record, as is: for bad-input tests. */
  public static void produceRaw(String bootstrap, String topic, List<String> values) {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer =
             new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (String v : values) {
        producer.send(new ProducerRecord<>(topic, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }

  public static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) throw e;
    }
  }

  /**
   * Produces {@code count} events whose timestamps are spread evenly over the {@code spanMillis} before
   * {@code endMillis}, round-robin over the topic's partitions (so every partition gets data, whatever the
   * producer's partitioner would do). Values are multiples of 0.25 so that any order of summation is exact.
   */
  public static Produced produce(String bootstrap, String topic, long count, long endMillis, long spanMillis,
                                 long seed) throws Exception {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 10,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    Random random = new Random(seed);
    double sum = 0;
    try (KafkaProducer<byte[], byte[]> producer =
             new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      int partitions = producer.partitionsFor(topic).size();
      for (long i = 0; i < count; i++) {
        long ts = endMillis - spanMillis + (count <= 1 ? 0 : spanMillis * i / count);
        double value = random.nextInt(4000) / 4.0;
        sum += value;
        String json = "{\"timestamp\":\"" + Instant.ofEpochMilli(ts) + "\",\"host\":\"host-" + random.nextInt(50)
            + "\",\"service\":\"" + SERVICES[random.nextInt(SERVICES.length)] + "\",\"region\":\""
            + REGIONS[random.nextInt(REGIONS.length)] + "\",\"value\":" + value + "}";
        producer.send(new ProducerRecord<>(topic, (int) (i % partitions), null,
            json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
    return new Produced(count, sum);
  }
}
