package io.sluice.workflows;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Comparator;
import java.util.Objects;

/**
 * One partition of the stream a supervisor reads: Druid's {@code KafkaTopicPartition}. {@code topic} is null when the
 * spec names one {@code topic} (the topic is then the spec's), and set when it names a {@code topicPattern}, whose
 * partitions come from several topics.
 *
 * <p>JSON form, as Druid writes it in offsets maps: a single-topic partition is just its number ({@code 3} as a
 * value, {@code "3"} as a map key), exactly what {@code Integer} partition ids gave before this type existed, so
 * recorded histories and commit logs read unchanged; a multi-topic one is {@code "topic:partition"}
 * ({@code "metrics-a:3"}). Topic names cannot contain ':' (Kafka allows only letters, digits, '.', '_' and '-'), so
 * the last ':' splits the two.
 */
public record StreamPartition(String topic, int partition) implements Comparable<StreamPartition> {
  private static final Comparator<StreamPartition> ORDER = Comparator
      .comparing(StreamPartition::topic, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
      .thenComparingInt(StreamPartition::partition);

  public StreamPartition {
    if (partition < 0) throw new IllegalArgumentException("partition must not be negative: " + partition);
    if (topic != null && (topic.isEmpty() || topic.indexOf(':') >= 0)) {
      throw new IllegalArgumentException("bad topic name: " + topic);
    }
  }

  /** A partition of a single-topic supervisor. */
  public static StreamPartition of(int partition) {
    return new StreamPartition(null, partition);
  }

  public static StreamPartition of(String topic, int partition) {
    return new StreamPartition(topic, partition);
  }

  /** Reads {@code 3} (as a number), for single-topic partitions. */
  @JsonCreator
  public static StreamPartition fromJson(int partition) {
    return of(partition);
  }

  /** Reads {@code "3"} or {@code "topic:3"}; also the map-key form. */
  @JsonCreator
  public static StreamPartition fromString(String s) {
    int colon = s.lastIndexOf(':');
    try {
      if (colon < 0) return of(Integer.parseInt(s.trim()));
      return of(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a partition (N or topic:N): " + s);
    }
  }

  /** The JSON value: the number for a single-topic partition, else {@code "topic:partition"}. */
  @JsonValue
  public Object json() {
    return topic == null ? (Object) partition : toString();
  }

  /** The topic to ask Kafka about: this partition's own, or the spec's single topic. */
  public String topicOr(String singleTopic) {
    return topic == null ? singleTopic : topic;
  }

  /** Whether this partition belongs to a multi-topic ({@code topicPattern}) supervisor. */
  public boolean multiTopic() {
    return topic != null;
  }

  /** As Druid's KafkaTopicPartition: {@code 31 * topic.hashCode() + partition}; the partition when single-topic. */
  @Override
  public int hashCode() {
    return 31 * Objects.hashCode(topic) + partition;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StreamPartition p && p.partition == partition && Objects.equals(p.topic, topic);
  }

  @Override
  public int compareTo(StreamPartition o) {
    return ORDER.compare(this, o);
  }

  /** {@code "3"} or {@code "topic:3"}: the map-key form, and how Druid prints a KafkaTopicPartition. */
  @Override
  public String toString() {
    return topic == null ? Integer.toString(partition) : topic + ":" + partition;
  }
}
