package io.sluice.activities;

import io.sluice.workflows.StreamPartition;
import io.sluice.workflows.AutoScalerPolicy;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

public final class StreamActivitiesImpl implements StreamActivities {
  /** A watcher sleeping between fetches heartbeats this often, so a cancellation reaches it promptly. */
  static final long WATCH_SLEEP_SLICE_MS = 5_000;

  /** Lag samples kept in memory this long after the last one; a supervisor gone that long is forgotten. */
  static final long SAMPLES_KEPT_MILLIS = 24 * 3600_000L;

  private final KafkaConsumerFactory consumers;
  private final Map<String, String> env;
  private final SupervisorProbe probe;
  private final LongSupplier clock;
  /**
   * The autoscaler's newest lag samples per supervisor workflow. A watcher that the workflow cancels (the reading
   * tasks changed, say) cannot return its samples, so the next one on this worker picks them up here; on another
   * worker it starts from the workflow's copy, from the last watcher that returned. Druid too keeps them in memory.
   */
  private final Map<String, Samples> samples = new ConcurrentHashMap<>();

  /** {@code env}: where password providers find their values (the worker's environment). */
  public StreamActivitiesImpl(KafkaConsumerFactory consumers, Map<String, String> env) {
    this(consumers, env, SupervisorProbe.none());
  }

  /** {@code probe}: where the autoscaler finds the supervisor's reading tasks and their current offsets. */
  public StreamActivitiesImpl(KafkaConsumerFactory consumers, Map<String, String> env, SupervisorProbe probe) {
    this(consumers, env, probe, System::currentTimeMillis);
  }

  StreamActivitiesImpl(KafkaConsumerFactory consumers, Map<String, String> env, SupervisorProbe probe,
                       LongSupplier clock) {
    this.consumers = consumers;
    this.env = env;
    this.probe = probe;
    this.clock = clock;
  }

  /** Lag samples, oldest first, and when the newest was taken. */
  record Samples(List<Long> lags, long lastSampleMillis) {}

  @Override
  public Contracts.StreamOffsets fetchStreamOffsets(Contracts.FetchOffsetsInput input) {
    Map<String, Object> config = KafkaConsumerFactory.consumerConfig(
        KafkaConsumerFactory.resolve(input.consumerProperties(), env), "sluice-supervisor");
    try (Consumer<byte[], byte[]> c = consumers.create(config)) {
      return fetch(c, input.topic(), input.topicPattern(), input.consumerProperties());
    }
  }

  /**
   * Partitions and their earliest and latest offsets: of {@code topic}, or, with {@code topicPattern}, of every topic
   * whose whole name matches it ({@code Pattern.matcher(name).matches()}, as Druid), listed afresh on each call so
   * that topics created later are found. No topic at all (a deleted topic, or a pattern matching none) is a stream
   * failure, as Druid's "No partitions found for stream": after {@code unhealthinessThreshold} of them the
   * supervisor shows {@code UNABLE_TO_CONNECT_TO_STREAM} or {@code LOST_CONTACT_WITH_STREAM}.
   */
  static Contracts.StreamOffsets fetch(Consumer<byte[], byte[]> c, String topic, String topicPattern,
                                       Map<String, Object> unresolvedProps) {
    String stream = topicPattern != null ? topicPattern : topic;
    try {
      Map<TopicPartition, StreamPartition> parts = new java.util.HashMap<>();
      if (topicPattern == null) {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
        if (infos == null || infos.isEmpty()) {
          throw ApplicationFailure.newFailure("topic '" + topic + "' does not exist or has no partitions",
              Failures.STREAM_UNAVAILABLE);
        }
        for (PartitionInfo p : infos) {
          parts.put(new TopicPartition(topic, p.partition()), StreamPartition.of(p.partition()));
        }
      } else {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(topicPattern);
        for (Map.Entry<String, List<PartitionInfo>> t : c.listTopics(Duration.ofSeconds(10)).entrySet()) {
          if (!pattern.matcher(t.getKey()).matches() || t.getValue() == null) continue;
          for (PartitionInfo p : t.getValue()) {
            parts.put(new TopicPartition(t.getKey(), p.partition()), StreamPartition.of(t.getKey(), p.partition()));
          }
        }
        if (parts.isEmpty()) {
          throw ApplicationFailure.newFailure("no topic matches topicPattern '" + topicPattern + "'",
              Failures.STREAM_UNAVAILABLE);
        }
      }
      List<StreamPartition> partitions = new ArrayList<>(parts.values());
      partitions.sort(null);
      Map<StreamPartition, Long> earliest = new TreeMap<>();
      Map<StreamPartition, Long> latest = new TreeMap<>();
      c.beginningOffsets(parts.keySet(), Duration.ofSeconds(10)).forEach((tp, o) -> earliest.put(parts.get(tp), o));
      c.endOffsets(parts.keySet(), Duration.ofSeconds(10)).forEach((tp, o) -> latest.put(parts.get(tp), o));
      return new Contracts.StreamOffsets(partitions, earliest, latest);
    } catch (KafkaException e) {
      throw ApplicationFailure.newFailureWithCause("cannot reach Kafka at "
          + unresolvedProps.get("bootstrap.servers") + " for " + (topicPattern != null ? "topicPattern" : "topic")
          + " '" + stream + "': " + e.getMessage(), Failures.STREAM_UNAVAILABLE, e);
    }
  }

  @Override
  public Contracts.WatchResult watchStream(Contracts.WatchInput in) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    Map<String, Object> config = watchConfig(KafkaConsumerFactory.consumerConfig(
        KafkaConsumerFactory.resolve(in.consumerProperties(), env), "sluice-supervisor"), in.periodMillis());
    try (Consumer<byte[], byte[]> c = consumers.create(config)) {
      return watch(ctx.getInfo().getWorkflowId(), in,
          () -> fetch(c, in.topic(), in.topicPattern(), in.consumerProperties()), ctx::heartbeat, this::sleep);
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

  /**
   * The watcher's loop, apart from Kafka and Temporal so it can be tested with fakes. {@code supervisor} keys the
   * in-memory lag samples. With the autoscaler on, it also wakes on the sampling grid (a sample between two
   * regular fetches fetches the latest offsets for itself, and is skipped if that fails, as Druid skips a lag
   * collection that fails) and on the check grid. At each, it asks the supervisor (through the probe) for its
   * reading tasks and whether it may act, so task rollovers need no new watcher; if it cannot ask, its input says.
   */
  Contracts.WatchResult watch(String supervisor, Contracts.WatchInput in, Fetch fetch, Heartbeat heartbeat,
                              Sleeper sleeper) {
    long started = clock.getAsLong();
    long lastChange = in.lastNewDataMillis() > 0 ? in.lastNewDataMillis() : started;
    Map<StreamPartition, Long> seen = in.latestOffsets();
    Contracts.StreamOffsets last = null;
    long lastAt = 0;
    int successes = 0;
    Contracts.AutoScaleWatch auto = in.autoScale();
    Samples lags = auto == null ? null : startingSamples(supervisor, auto);
    long nextFetch = started;
    long nextSample = auto == null ? Long.MAX_VALUE
        : AutoScalerPolicy.nextSampleAt(auto.supervisorStartedMillis(), lags.lastSampleMillis(), auto.config());
    long nextCheck = auto == null ? Long.MAX_VALUE
        : AutoScalerPolicy.nextCheckAt(auto.supervisorStartedMillis(), auto.lastActionMillis(), started, auto.config());
    while (true) {
      long now = clock.getAsLong();
      Contracts.StreamOffsets o = null;
      String reason = null;
      if (now >= nextFetch) {
        nextFetch = now + in.periodMillis();
        try {
          o = fetch.get();
        } catch (ApplicationFailure e) {
          heartbeat.beat(new Contracts.StreamSnapshot(last, lastAt, 1, e.getOriginalMessage()));
          return result(Contracts.WatchResult.FAILED, last, lastAt, successes, 1, e.getType(), e.getOriginalMessage(),
              lags, 0);
        } catch (RuntimeException e) {
          heartbeat.beat(new Contracts.StreamSnapshot(last, lastAt, 1, e.toString()));
          return result(Contracts.WatchResult.FAILED, last, lastAt, successes, 1, Failures.STREAM_UNAVAILABLE,
              e.toString(), lags, 0);
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
        if (!new HashSet<>(in.knownPartitions()).containsAll(o.partitions()) || (in.topicPattern() != null
            && !new HashSet<>(o.partitions()).containsAll(in.knownPartitions()))) { // a matching topic came or went
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
      } else if (now >= nextSample) {
        try {
          o = fetch.get();
          last = o;
          lastAt = now;
          heartbeat.beat(new Contracts.StreamSnapshot(o, now, 0, null));
        } catch (RuntimeException e) {
          o = null; // this sample is skipped; the regular fetch reports failures
        }
      }
      SupervisorProbe.View view = auto != null && (now >= nextSample || now >= nextCheck) ? view(supervisor, auto)
          : null;
      if (auto != null && now >= nextSample) {
        if (o != null && !view.suspended()) { // Druid collects no lag while suspended
          lags = new Samples(AutoScalerPolicy.addSample(lags.lags(), lag(o, view), auto.config()), now);
          samples.put(supervisor, lags);
        }
        nextSample = AutoScalerPolicy.nextSampleAt(auto.supervisorStartedMillis(), now, auto.config());
      }
      if (reason == null && auto != null && now >= nextCheck) {
        if (view.actionAllowed()) { // else skipped, samples kept, as Druid skips while tasks are publishing
          int partitions = Math.max(auto.partitionCount(), last == null ? 0 : last.partitions().size());
          int desired = AutoScalerPolicy.desiredTaskCount(lags.lags(), auto.taskCount(), partitions, auto.config());
          if (desired > 0 && desired != auto.taskCount()) {
            Contracts.WatchResult r = result(Contracts.WatchResult.SCALE, last, lastAt, successes, 0, null, null,
                lags, desired);
            samples.put(supervisor, new Samples(List.of(), lags.lastSampleMillis())); // the workflow clears them too
            return r;
          }
        }
        nextCheck = AutoScalerPolicy.nextCheckAt(auto.supervisorStartedMillis(), auto.lastActionMillis(), now + 1,
            auto.config());
      }
      if (reason != null) return result(reason, o, now, successes, 0, null, null, lags, 0);
      try {
        Contracts.StreamOffsets current = last;
        long at = lastAt;
        long wake = Math.min(nextFetch, Math.min(nextSample, nextCheck));
        sleeper.sleep(Math.max(1, wake - now),
            () -> heartbeat.beat(new Contracts.StreamSnapshot(current, at, 0, null)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Activity.wrap(e);
      }
    }
  }

  private static Contracts.WatchResult result(String reason, Contracts.StreamOffsets offsets, long at, int successes,
                                              int failures, String errorType, String errorMessage, Samples lags,
                                              int desired) {
    return new Contracts.WatchResult(reason, offsets, at, successes, failures, errorType, errorMessage,
        lags == null ? null : lags.lags(), lags == null ? 0 : lags.lastSampleMillis(), desired);
  }

  /** The workflow's samples, or this worker's if they are newer (a watcher cancelled before it could return). */
  private Samples startingSamples(String supervisor, Contracts.AutoScaleWatch auto) {
    long now = clock.getAsLong();
    samples.values().removeIf(x -> now - x.lastSampleMillis() > SAMPLES_KEPT_MILLIS);
    Samples mine = samples.get(supervisor);
    Samples theirs = new Samples(auto.samples() == null ? List.of() : auto.samples(), auto.lastSampleMillis());
    return mine != null && mine.lastSampleMillis() > theirs.lastSampleMillis() ? mine : theirs;
  }

  /** The supervisor now, from the probe; what the input says if the probe cannot tell. */
  private SupervisorProbe.View view(String supervisor, Contracts.AutoScaleWatch auto) {
    SupervisorProbe.View v = probe.view(supervisor);
    return v != null ? v : new SupervisorProbe.View(auto.readingTasks(), auto.readUpTo(), auto.actionAllowed(), false);
  }

  /** The aggregate lag now: latest offsets against the reading tasks' heartbeated positions. */
  private long lag(Contracts.StreamOffsets o, SupervisorProbe.View view) {
    List<Map<StreamPartition, Long>> positions = new ArrayList<>(view.readingTasks().values());
    positions.addAll(probe.currentOffsets(view.readingTasks().keySet()).values());
    return AutoScalerPolicy.aggregateLag(o.latest(), view.readUpTo(), positions);
  }

  private void sleep(long millis, Runnable heartbeat) throws InterruptedException {
    long end = clock.getAsLong() + millis;
    for (long left = millis; left > 0; left = end - clock.getAsLong()) {
      Thread.sleep(Math.min(left, WATCH_SLEEP_SLICE_MS));
      heartbeat.run(); // throws ActivityCompletionException once the workflow cancelled this watcher
    }
  }
}
