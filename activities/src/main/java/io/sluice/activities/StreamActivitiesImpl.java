package io.sluice.activities;

import io.sluice.workflows.Contracts;
import io.sluice.workflows.Failures;
import io.sluice.workflows.RunLoopPolicy;
import io.sluice.workflows.StreamActivities;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

public final class StreamActivitiesImpl implements StreamActivities {
  /** A watcher sleeping between fetches heartbeats this often, so a cancellation reaches it promptly. */
  static final long WATCH_SLEEP_SLICE_MS = 5_000;

  private final KafkaConsumerFactory consumers;
  private final Map<String, String> env;
  private final LongSupplier clock;

  /** {@code env}: where password providers find their values (the worker's environment). */
  public StreamActivitiesImpl(KafkaConsumerFactory consumers, Map<String, String> env) {
    this(consumers, env, System::currentTimeMillis);
  }

  StreamActivitiesImpl(KafkaConsumerFactory consumers, Map<String, String> env, LongSupplier clock) {
    this.consumers = consumers;
    this.env = env;
    this.clock = clock;
  }

  @Override
  public Contracts.StreamOffsets fetchStreamOffsets(Contracts.FetchOffsetsInput input) {
    Map<String, Object> config = KafkaConsumerFactory.consumerConfig(
        KafkaConsumerFactory.resolve(input.consumerProperties(), env), "sluice-supervisor");
    try (Consumer<byte[], byte[]> c = consumers.create(config)) {
      return fetch(c, input.topic(), input.consumerProperties());
    }
  }

  private static Contracts.StreamOffsets fetch(Consumer<byte[], byte[]> c, String topic,
                                               Map<String, Object> unresolvedProps) {
    try {
      List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
      if (infos == null || infos.isEmpty()) {
        throw ApplicationFailure.newFailure("topic '" + topic + "' does not exist or has no partitions",
            Failures.STREAM_UNAVAILABLE);
      }
      List<TopicPartition> tps = new ArrayList<>();
      List<Integer> partitions = new ArrayList<>();
      for (PartitionInfo p : infos) {
        tps.add(new TopicPartition(topic, p.partition()));
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
          + unresolvedProps.get("bootstrap.servers") + " for topic '" + topic + "': " + e.getMessage(),
          Failures.STREAM_UNAVAILABLE, e);
    }
  }

  @Override
  public Contracts.WatchResult watchStream(Contracts.WatchInput in) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    Map<String, Object> config = watchConfig(KafkaConsumerFactory.consumerConfig(
        KafkaConsumerFactory.resolve(in.consumerProperties(), env), "sluice-supervisor"), in.periodMillis());
    try (Consumer<byte[], byte[]> c = consumers.create(config)) {
      return watch(in, () -> fetch(c, in.topic(), in.consumerProperties()), ctx::heartbeat, this::sleep);
    }
  }

  /**
   * The watcher's consumer lives for many fetches, and {@code partitionsFor} answers from its cached metadata,
   * which Kafka refreshes only every {@code metadata.max.age.ms} (5 minutes by default). Refreshing it at least
   * every half period lets the next fetch see partitions added to the topic, as Druid's supervisor does. A value
   * set in the spec's consumerProperties wins.
   */
  static Map<String, Object> watchConfig(Map<String, Object> config, long periodMillis) {
    Map<String, Object> c = new java.util.HashMap<>(config);
    c.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG, String.valueOf(Math.max(1000, periodMillis / 2)));
    return c;
  }

  /** One fetch, for {@link #watch}. */
  interface Fetch {
    Contracts.StreamOffsets get();
  }

  interface Heartbeat {
    void beat(Contracts.StreamSnapshot snapshot);
  }

  interface Sleeper {
    void sleep(long millis, Runnable heartbeat) throws InterruptedException;
  }

  /** The watcher's loop, apart from Kafka and Temporal so it can be tested with fakes. */
  Contracts.WatchResult watch(Contracts.WatchInput in, Fetch fetch, Heartbeat heartbeat, Sleeper sleeper) {
    long started = clock.getAsLong();
    long lastChange = in.lastNewDataMillis() > 0 ? in.lastNewDataMillis() : started;
    Map<Integer, Long> seen = in.latestOffsets();
    Contracts.StreamOffsets last = null;
    long lastAt = 0;
    int successes = 0;
    while (true) {
      long now = clock.getAsLong();
      Contracts.StreamOffsets o;
      try {
        o = fetch.get();
      } catch (ApplicationFailure e) {
        heartbeat.beat(new Contracts.StreamSnapshot(last, lastAt, 1, e.getOriginalMessage()));
        return new Contracts.WatchResult(Contracts.WatchResult.FAILED, last, lastAt, successes, 1, e.getType(),
            e.getOriginalMessage());
      } catch (RuntimeException e) {
        heartbeat.beat(new Contracts.StreamSnapshot(last, lastAt, 1, e.toString()));
        return new Contracts.WatchResult(Contracts.WatchResult.FAILED, last, lastAt, successes, 1,
            Failures.STREAM_UNAVAILABLE, e.toString());
      }
      last = o;
      lastAt = now;
      successes++;
      heartbeat.beat(new Contracts.StreamSnapshot(o, now, 0, null));
      boolean newData = RunLoopPolicy.newData(seen, o.latest());
      if (newData) {
        lastChange = now;
        seen = o.latest();
      }
      String reason = null;
      if (!new HashSet<>(in.knownPartitions()).containsAll(o.partitions())) {
        reason = Contracts.WatchResult.PARTITIONS_CHANGED;
      } else if (successes >= in.returnAfterSuccesses()) {
        reason = Contracts.WatchResult.SUCCEEDED;
      } else if (in.returnOnNewData() && newData) {
        reason = Contracts.WatchResult.NEW_DATA;
      } else if (in.idleAfterMillis() > 0 && now - lastChange >= in.idleAfterMillis()) {
        reason = Contracts.WatchResult.INACTIVE;
      } else if (now - started >= in.maxWatchMillis()) {
        reason = Contracts.WatchResult.MAX_WATCH;
      }
      if (reason != null) return new Contracts.WatchResult(reason, o, now, successes, 0, null, null);
      try {
        Contracts.StreamOffsets current = o;
        long at = now;
        sleeper.sleep(in.periodMillis(), () -> heartbeat.beat(new Contracts.StreamSnapshot(current, at, 0, null)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Activity.wrap(e);
      }
    }
  }

  private void sleep(long millis, Runnable heartbeat) throws InterruptedException {
    long end = clock.getAsLong() + millis;
    for (long left = millis; left > 0; left = end - clock.getAsLong()) {
      Thread.sleep(Math.min(left, WATCH_SLEEP_SLICE_MS));
      heartbeat.run(); // throws ActivityCompletionException once the workflow cancelled this watcher
    }
  }
}
