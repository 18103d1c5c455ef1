package io.sluice.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/** The consumer settings Sluice forces, and the defaults it sets that a spec's consumerProperties may override. */
class KafkaConsumerFactoryTest {
  @Test
  void offsetsStayWithTheWorkflowAndDefaultsGiveWayToTheSpec() {
    Map<String, Object> plain = KafkaConsumerFactory.consumerConfig(
        Map.of("bootstrap.servers", "k:9092", "group.id", "g", "enable.auto.commit", "true",
            "auto.offset.reset", "earliest"), "task-1");
    assertEquals("false", plain.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));
    assertEquals("none", plain.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG));
    assertFalse(plain.containsKey(ConsumerConfig.GROUP_ID_CONFIG), "assign/seek only");
    assertEquals("task-1", plain.get(ConsumerConfig.CLIENT_ID_CONFIG));
    assertEquals("read_committed", plain.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG));
    assertEquals(String.valueOf(8 << 20), plain.get(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG));
    assertEquals("false", plain.get(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG));

    Map<String, Object> tuned = KafkaConsumerFactory.consumerConfig(
        Map.of("bootstrap.servers", "k:9092", "isolation.level", "read_uncommitted",
            "max.partition.fetch.bytes", "1048576"), "task-2");
    assertEquals("read_uncommitted", tuned.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG));
    assertEquals("1048576", tuned.get(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG));
  }
}
