package io.sluice.activities;

import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Makes Kafka consumers the way Druid's KafkaRecordSupplier does: the workflow owns the offsets, so no group
 * commits, no automatic reset ({@code auto.offset.reset=none}: out-of-range is handled explicitly) and
 * {@code isolation.level=read_committed} unless the spec says otherwise. It also fetches more per partition than
 * Kafka's default ({@link #MAX_PARTITION_FETCH_BYTES}), unless the spec says otherwise. Tests pass a factory of
 * MockConsumers.
 */
public interface KafkaConsumerFactory {
  Consumer<byte[], byte[]> create(Map<String, Object> config);

  static KafkaConsumerFactory real() {
    return config -> new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Resolves a spec's password providers from the worker's environment. A variable that is not set fails the
   * activity with {@link io.sluice.workflows.Failures#INVALID_SPEC}, naming the property and the variable.
   */
  static Map<String, String> resolve(Map<String, Object> specProperties, Map<String, String> env) {
    try {
      return io.sluice.segment.spec.ConsumerProperties.resolve(specProperties, env);
    } catch (IllegalArgumentException e) {
      throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(e.getMessage(),
          io.sluice.workflows.Failures.INVALID_SPEC);
    }
  }

  /** {@code max.partition.fetch.bytes} unless the spec's consumerProperties set it: 8 MiB, where Kafka's is 1 MiB. */
  int MAX_PARTITION_FETCH_BYTES = 8 << 20;

  /** The spec's consumer properties with Sluice's required settings applied. */
  static Map<String, Object> consumerConfig(Map<String, String> specProperties, String clientId) {
    Map<String, Object> c = new java.util.HashMap<>(specProperties);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    c.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG); // assign/seek only: no group membership, no commits
    c.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    // Kafka's 1 MiB per partition means a fetch round trip every ~5,000 of the benchmark's records, and the consumer
    // asks for the next only once the last is used up: reading waited on the broker for about half of its poll
    // time. A fetch response stays bounded by fetch.max.bytes (50 MiB by default) whatever the partition count.
    c.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(MAX_PARTITION_FETCH_BYTES));
    // a misspelled topic must show as an error, never be created by looking it up
    c.putIfAbsent(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    return c;
  }
}
