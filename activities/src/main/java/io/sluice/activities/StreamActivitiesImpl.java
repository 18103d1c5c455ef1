package io.sluice.activities;

import io.sluice.workflows.Contracts;
import io.sluice.workflows.Failures;
import io.sluice.workflows.StreamActivities;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

public final class StreamActivitiesImpl implements StreamActivities {
  private final KafkaConsumerFactory consumers;
  private final Map<String, String> env;

  /** {@code env}: where password providers find their values (the worker's environment). */
  public StreamActivitiesImpl(KafkaConsumerFactory consumers, Map<String, String> env) {
    this.consumers = consumers;
    this.env = env;
  }

  @Override
  public Contracts.StreamOffsets fetchStreamOffsets(Contracts.FetchOffsetsInput input) {
    Map<String, Object> config = KafkaConsumerFactory.consumerConfig(
        KafkaConsumerFactory.resolve(input.consumerProperties(), env), "sluice-supervisor");
    try (Consumer<byte[], byte[]> c = consumers.create(config)) {
      List<PartitionInfo> infos = c.partitionsFor(input.topic(), Duration.ofSeconds(10));
      if (infos == null || infos.isEmpty()) {
        throw ApplicationFailure.newFailure("topic '" + input.topic() + "' does not exist or has no partitions",
            Failures.STREAM_UNAVAILABLE);
      }
      List<TopicPartition> tps = new ArrayList<>();
      List<Integer> partitions = new ArrayList<>();
      for (PartitionInfo p : infos) {
        tps.add(new TopicPartition(input.topic(), p.partition()));
        partitions.add(p.partition());
      }
      partitions.sort(Integer::compare);
      Map<Integer, Long> earliest = new TreeMap<>();
      Map<Integer, Long> latest = new TreeMap<>();
      c.beginningOffsets(tps, Duration.ofSeconds(10)).forEach((tp, o) -> earliest.put(tp.partition(), o));
      c.endOffsets(tps, Duration.ofSeconds(10)).forEach((tp, o) -> latest.put(tp.partition(), o));
      return new Contracts.StreamOffsets(partitions, earliest, latest);
    } catch (KafkaException e) {
      throw ApplicationFailure.newFailureWithCause("cannot reach Kafka at "
          + input.consumerProperties().get("bootstrap.servers") + " for topic '" + input.topic() + "': "
          + e.getMessage(), Failures.STREAM_UNAVAILABLE, e);
    }
  }
}
