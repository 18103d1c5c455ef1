package io.sluice.activities;

import io.sluice.segment.spec.SupervisorSpec;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.Failures;
import io.sluice.workflows.ReadActivities;
import io.sluice.workflows.StreamPartition;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading half of a Kafka indexing task. It assigns the task's partitions, seeks to the start offsets and
 * polls until the task workflow says stop (asked every {@link #CONTROL_INTERVAL_MS}) or a handoff limit is reached.
 * It then builds and pushes the segments. The end offsets are the consumer's positions, so transaction markers and
 * aborted records leave correct gaps. A retried attempt starts again from the start offsets: nothing it read
 * before is trusted, and nothing was committed.
 */
public final class ReadActivitiesImpl implements ReadActivities {
  private static final Logger log = LoggerFactory.getLogger(ReadActivitiesImpl.class);
  static final long CONTROL_INTERVAL_MS = 1000;
  /**
   * How long a task waits for the consumer to tell a partition's position before it uses the position it knows
   * (see {@link Positions}): a partition whose topic was deleted has none to tell, and must not stall the task.
   */
  static final Duration POSITION_TIMEOUT = Duration.ofMillis(200);

  private final KafkaConsumerFactory consumers;
  private final TaskControlClient control;
  private final SegmentPublisher publisher;
  private final Map<String, String> env;

  /** {@code env}: where password providers find their values (the worker's environment). */
  public ReadActivitiesImpl(KafkaConsumerFactory consumers, TaskControlClient control, BlobStore store,
                            String bucket, io.sluice.workflows.CatalogLayout layout, Path workDir,
                            Map<String, String> env) {
    this.consumers = consumers;
    this.env = env;
    this.control = control;
    this.publisher = new SegmentPublisher(store, bucket, layout, workDir);
  }

  @Override
  public Contracts.ReadResult readAndPush(Contracts.ReadInput input) {
    Contracts.TaskInput task = input.task();
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    SupervisorSpec spec = task.spec();
    String topic = spec.ioConfig().stream(); // the topic, or the topicPattern (each partition then names its topic)
    // Each attempt works in its own folder: an earlier attempt that Temporal gave up on (a heartbeat timeout) may
    // still be running on this worker, and must not clobber this one's files, nor this one its.
    // (the activity id too: a replica falling back from its worker's queue starts a new activity at attempt 1)
    String attemptDir = task.taskId() + "-" + ctx.getInfo().getActivityId() + "-attempt-" + ctx.getInfo().getAttempt();
    log.info("task {}: attempt {} reads {} of topic '{}' from {} (queue {})", task.taskId(),
        ctx.getInfo().getAttempt(), task.startOffsets().keySet(), topic, task.startOffsets(),
        ctx.getInfo().getActivityTaskQueue());
    Path persistDir = publisher.persistDir(attemptDir);
    try {
      SegmentPublisher.deleteRecursively(persistDir); // left by a crash of this same attempt number
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (KeepAlive keepAlive = new KeepAlive(ctx, new Contracts.ReadProgress(task.startOffsets(),
        Contracts.RowStats.zero()))) {
      return readAndPush(task, ctx, spec, topic, persistDir, attemptDir, keepAlive);
    }
  }

  private Contracts.ReadResult readAndPush(Contracts.TaskInput task, ActivityExecutionContext ctx, SupervisorSpec spec,
                                           String topic, Path persistDir, String attemptDir, KeepAlive keepAlive) {
    try (RowIngester ingester = new RowIngester(spec, task.createdAtMillis(), Runtime.getRuntime().maxMemory(),
        persistDir)) {
      return readAndPush(task, ctx, spec, topic, attemptDir, keepAlive, ingester);
    }
  }

  private Contracts.ReadResult readAndPush(Contracts.TaskInput task, ActivityExecutionContext ctx, SupervisorSpec spec,
                                           String topic, String attemptDir, KeepAlive keepAlive,
                                           RowIngester ingester) {
    String workflowId = ctx.getInfo().getWorkflowId();
    long readingSince = System.nanoTime();
    ReadTimes times = new ReadTimes();
    Map<StreamPartition, Long> end;
    Map<String, Object> config = KafkaConsumerFactory.consumerConfig(
        KafkaConsumerFactory.resolve(spec.ioConfig().consumerProperties(), env), task.taskId());
    ExecutorService parser = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "parse-" + task.taskId());
      t.setDaemon(true);
      return t;
    });
    try (Consumer<byte[], byte[]> consumer = consumers.create(config)) {
      // Kafka's partition for each of the task's: its own topic with a topicPattern, else the spec's topic
      Map<TopicPartition, StreamPartition> parts = new LinkedHashMap<>();
      for (StreamPartition p : new TreeSet<>(task.startOffsets().keySet())) {
        parts.put(new TopicPartition(p.topicOr(topic), p.partition()), p);
      }
      List<TopicPartition> tps = new ArrayList<>(parts.keySet());
      consumer.assign(tps);
      for (TopicPartition tp : tps) consumer.seek(tp, task.startOffsets().get(parts.get(tp)));
      Positions known = new Positions(task.taskId(), task.startOffsets());
      Duration pollTimeout = Duration.ofMillis(spec.ioConfig().pollTimeout());
      long lastControl = 0;
      RowMeters meters = new RowMeters();
      // intermediateHandoffPeriod: publish what was read and let the next task go on, as Druid's handoff
      long handoffAtMillis = System.currentTimeMillis()
          + RowIngester.periodMillis(spec.tuningConfig().intermediateHandoffPeriod());
      // Replicas (Druid's protocol): told to stop, a replica pauses and reports its positions; once the supervisor
      // has set the group's end offsets (the most any replica read), it reads exactly up to them.
      boolean paused = false;
      Map<StreamPartition, Long> readTo = null;
      // Two-stage pipeline: the batch just polled is parsed on the parse thread while this thread adds the batch
      // before it to the index. Everything polled is added (or, past the agreed end, skipped) before the task ends.
      Future<Batch> parsing = null;
      while (true) {
        long loopStart = System.nanoTime();
        if (readTo != null && clampTo(consumer, parts, readTo, known)) break;
        ConsumerRecords<byte[], byte[]> records = ConsumerRecords.empty();
        if (paused) {
          sleep(CONTROL_INTERVAL_MS);
        } else {
          try {
            records = consumer.poll(pollTimeout);
            times.poll += System.nanoTime() - loopStart;
          } catch (OffsetOutOfRangeException e) {
            throw outOfRange(consumer, topic, e, spec.tuningConfig().resetOffsetAutomatically());
          }
        }
        Future<Batch> polled = null;
        if (!records.isEmpty()) {
          Batch batch = new Batch(records, parts);
          polled = parser.submit(() -> batch.parse(ingester));
        }
        if (parsing != null) {
          long waitStart = System.nanoTime();
          Batch parsed = await(parsing);
          long addStart = System.nanoTime();
          times.parseWait += addStart - waitStart;
          add(parsed, ingester, readTo, known);
          times.add += System.nanoTime() - addStart;
        }
        parsing = polled;
        long now = System.currentTimeMillis();
        if (ingester.persistDue(now)) {
          try {
            long persistStart = System.nanoTime();
            ingester.persist(now);
            times.persist += System.nanoTime() - persistStart;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        if (now - lastControl >= CONTROL_INTERVAL_MS) {
          lastControl = now;
          meters.update(ingester.stats(), now);
          keepAlive.beat(new Contracts.ReadProgress(known.of(consumer, parts), ingester.stats(), meters.averages()));
          long controlStart = System.nanoTime();
          Contracts.TaskControl c = control(workflowId);
          times.control += System.nanoTime() - controlStart;
          if (c.stopReading() && !task.replicated()) break;
          if (c.stopReading() && readTo == null && c.endOffsets() != null) {
            readTo = c.endOffsets();
            Map<StreamPartition, Long> at = known.of(consumer, parts);
            for (StreamPartition p : parts.values()) {
              if (at.get(p) > readTo.get(p)) { // read with another replica's view missing
                throw ApplicationFailure.newFailure("task " + task.taskId() + " read partition " + p
                    + " to " + at.get(p) + ", past the group's end offsets " + readTo
                    + "; a new attempt reads again up to them", "ReplicaPastEndOffsets");
              }
            }
            paused = false;
            log.info("task {}: reading up to the group's end offsets {}", task.taskId(), readTo);
          } else if (c.stopReading() && readTo == null && !paused) {
            Map<StreamPartition, Long> at = known.of(consumer, parts);
            try {
              control.paused(workflowId, at);
              paused = true;
              log.info("task {}: paused at {}; waiting for the group's end offsets", task.taskId(), at);
            } catch (RuntimeException e) { // said again at the next control check; meanwhile it reads on
              log.warn("task {}: could not tell its workflow it paused: {}", task.taskId(), e.toString());
            }
          }
        }
        if (task.replicated()) continue; // replicas hand off only together, when the supervisor says so
        if (ingester.handoffDue()) {
          log.info("task {}: handoff limit reached after {} rows; publishing", task.taskId(),
              ingester.stats().processed());
          break;
        }
        if (now >= handoffAtMillis) {
          log.info("task {}: intermediateHandoffPeriod {} passed; publishing", task.taskId(),
              spec.tuningConfig().intermediateHandoffPeriod());
          break;
        }
      }
      if (parsing != null) add(await(parsing), ingester, readTo, known);
      end = known.of(consumer, parts);
    } finally {
      parser.shutdownNow();
    }
    keepAlive.beat(new Contracts.ReadProgress(end, ingester.stats()));
    long publishingSince = System.nanoTime();
    double readSeconds = (publishingSince - readingSince) / 1e9;
    log.info("task {}: read {} -> {} in {} s ({} records/s; {}); publishing", task.taskId(), task.startOffsets(), end,
        String.format("%.2f", readSeconds),
        String.format("%.0f", recordsBetween(task.startOffsets(), end) / readSeconds), times);
    try {
      List<Contracts.PushedSegment> segments = publisher.publish(task.supervisorId(), attemptDir, task.taskId(),
          task.sequenceName(), ingester,
          (done, total) -> keepAlive.beat(new Contracts.ReadProgress(end, ingester.stats())));
      log.info("task {}: read {} -> {}, pushed {} segments (merge and push took {} s)", task.taskId(),
          task.startOffsets(), end, segments.size(), String.format("%.2f", (System.nanoTime() - publishingSince) / 1e9));
      return new Contracts.ReadResult(new TreeMap<>(task.startOffsets()), end, segments, ingester.stats(),
          ingester.savedParseExceptions());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the reading thread's time went, for the log: nanoseconds in each step of the read loop. */
  static final class ReadTimes {
    long poll;
    long parseWait;
    long add;
    long control;
    long persist;

    @Override
    public String toString() {
      return String.format("polling %.2f s, waiting for the parse thread %.2f s, adding rows %.2f s, asking its "
          + "workflow for control %.2f s, starting persists %.2f s", poll / 1e9, parseWait / 1e9, add / 1e9,
          control / 1e9, persist / 1e9);
    }
  }

  /**
   * One poll's records, flattened, and (once {@link #parse}d on the parse thread) each record's rows. The parse
   * thread touches only the ingester's parser; counting and adding happen in {@link #add}, on the reading thread, in
   * offset order per partition.
   */
  static final class Batch {
    final int size;
    final StreamPartition[] partitions;
    final long[] offsets;
    final byte[][] values;
    RowIngester.Parsed[] parsed;

    Batch(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, StreamPartition> parts) {
      size = records.count();
      partitions = new StreamPartition[size];
      offsets = new long[size];
      values = new byte[size][];
      int i = 0;
      for (TopicPartition tp : records.partitions()) {
        StreamPartition sp = parts.get(tp);
        for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
          partitions[i] = sp;
          offsets[i] = r.offset();
          values[i++] = r.value();
        }
      }
    }

    Batch parse(RowIngester ingester) {
      RowIngester.Parsed[] out = new RowIngester.Parsed[size];
      for (int i = 0; i < size; i++) out[i] = ingester.parse(values[i]);
      parsed = out;
      return this;
    }
  }

  /** Adds a parsed batch's rows, skipping records at or past {@code readTo} (the agreed end), if set. */
  private static void add(Batch batch, RowIngester ingester, Map<StreamPartition, Long> readTo, Positions known) {
    for (int i = 0; i < batch.size; i++) {
      if (readTo != null && batch.offsets[i] >= readTo.get(batch.partitions[i])) continue; // past the agreed end
      ingester.addParsed(batch.partitions[i], batch.offsets[i], batch.values[i], batch.parsed[i]);
      known.read(batch.partitions[i], batch.offsets[i]);
    }
  }

  private static Batch await(Future<Batch> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while parsing", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException("parsing failed", e.getCause());
    }
  }

  /** Offsets between start and end, summed over partitions (records plus any transaction markers and gaps). */
  static long recordsBetween(Map<StreamPartition, Long> start, Map<StreamPartition, Long> end) {
    long n = 0;
    for (Map.Entry<StreamPartition, Long> e : end.entrySet()) n += e.getValue() - start.getOrDefault(e.getKey(), e.getValue());
    return n;
  }

  /**
   * Heartbeats the latest progress every few seconds from its own thread, so a long persist, merge or push on the
   * reading thread never looks like a dead worker to Temporal. The reading thread hands it progress with
   * {@link #beat}, which also heartbeats at once and throws once Temporal has cancelled or timed out the attempt.
   */
  static final class KeepAlive implements AutoCloseable {
    static final long INTERVAL_SECONDS = 5;
    private final ActivityExecutionContext ctx;
    private final java.util.concurrent.atomic.AtomicReference<Contracts.ReadProgress> latest;
    private final java.util.concurrent.ScheduledExecutorService timer;

    KeepAlive(ActivityExecutionContext ctx, Contracts.ReadProgress initial) {
      this.ctx = ctx;
      this.latest = new java.util.concurrent.atomic.AtomicReference<>(initial);
      this.timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heartbeat-" + ctx.getInfo().getActivityId());
        t.setDaemon(true);
        return t;
      });
      timer.scheduleAtFixedRate(this::background, INTERVAL_SECONDS, INTERVAL_SECONDS,
          java.util.concurrent.TimeUnit.SECONDS);
    }

    void beat(Contracts.ReadProgress progress) {
      latest.set(progress);
      ctx.heartbeat(progress);
    }

    private void background() {
      try {
        ctx.heartbeat(latest.get());
      } catch (RuntimeException e) { // cancelled or timed out: the reading thread finds out at its next beat
        log.debug("background heartbeat: {}", e.toString());
      }
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  /**
   * The failure for offsets Kafka no longer has: names each partition, the offset wanted and the range Kafka holds,
   * as Druid's error does. With resetOffsetAutomatically the supervisor resets those partitions; without it an
   * operator must (reset or resetOffsets).
   */
  static ApplicationFailure outOfRange(Consumer<byte[], byte[]> consumer, String topic, OffsetOutOfRangeException e,
                                       boolean resetAutomatically) {
    StringBuilder what = new StringBuilder();
    Map<TopicPartition, Long> earliest = Map.of();
    Map<TopicPartition, Long> latest = Map.of();
    try {
      earliest = consumer.beginningOffsets(e.offsetOutOfRangePartitions().keySet(), Duration.ofSeconds(5));
      latest = consumer.endOffsets(e.offsetOutOfRangePartitions().keySet(), Duration.ofSeconds(5));
    } catch (RuntimeException unavailable) {
      log.warn("could not fetch the available offsets of {}: {}", topic, unavailable.toString());
    }
    List<TopicPartition> partitions = new ArrayList<>(e.offsetOutOfRangePartitions().keySet());
    partitions.sort(java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    for (TopicPartition tp : partitions) {
      if (what.length() > 0) what.append("; ");
      what.append("partition ").append(tp.topic().equals(topic) ? "" : tp.topic() + ":").append(tp.partition())
          .append(" offset ")
          .append(e.offsetOutOfRangePartitions().get(tp));
      Long lo = earliest.get(tp);
      Long hi = latest.get(tp);
      if (lo != null && hi != null) what.append(" (Kafka holds ").append(lo).append(" to ").append(hi).append(")");
    }
    return ApplicationFailure.newNonRetryableFailure("Offsets out of range in topic '" + topic + "': " + what
        + ". They are no longer in Kafka (retention, or the topic was re-created). " + (resetAutomatically
        ? "resetOffsetAutomatically is on: the supervisor resets them."
        : "Reset the supervisor (reset or resetOffsets) to continue, or set resetOffsetAutomatically."),
        Failures.OFFSET_OUT_OF_RANGE);
  }

  private Contracts.TaskControl control(String workflowId) {
    try {
      return control.control(workflowId);
    } catch (RuntimeException e) {
      log.warn("could not ask task {} for its control state: {}", workflowId, e.toString());
      return new Contracts.TaskControl(false);
    }
  }

  /**
   * Replicas: holds every partition at its end offset (a poll may have fetched past it: seek back, and stop
   * fetching it). Returns whether all partitions are there.
   */
  private static boolean clampTo(Consumer<byte[], byte[]> consumer, Map<TopicPartition, StreamPartition> parts,
                                 Map<StreamPartition, Long> readTo, Positions known) {
    boolean all = true;
    for (Map.Entry<TopicPartition, StreamPartition> e : parts.entrySet()) {
      TopicPartition tp = e.getKey();
      long end = readTo.get(e.getValue());
      long at = known.of(consumer, tp, e.getValue());
      if (at >= end) {
        if (at > end) consumer.seek(tp, end);
        consumer.pause(List.of(tp));
      } else {
        all = false;
      }
    }
    return all;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * The task's positions: the consumer's, or, when it cannot tell one within {@link #POSITION_TIMEOUT} (a
   * topicPattern's topic deleted while the task reads it: Kafka has no metadata for it any more), the position
   * the task knows: its start offset, past the last record it read, or the last position the consumer told. That
   * is never past what was read, and what lies between it and the consumer's position holds no record the task
   * read (only transaction markers or aborted records), so ending there keeps exactly-once.
   */
  static final class Positions {
    private final String taskId;
    private final Map<StreamPartition, Long> known;
    private final java.util.Set<StreamPartition> warned = new java.util.HashSet<>();

    Positions(String taskId, Map<StreamPartition, Long> start) {
      this.taskId = taskId;
      this.known = new TreeMap<>(start);
    }

    /** A record at {@code offset} was read. */
    void read(StreamPartition p, long offset) {
      known.merge(p, offset + 1, Math::max);
    }

    Map<StreamPartition, Long> of(Consumer<byte[], byte[]> consumer, Map<TopicPartition, StreamPartition> parts) {
      Map<StreamPartition, Long> out = new TreeMap<>();
      for (Map.Entry<TopicPartition, StreamPartition> e : parts.entrySet()) {
        out.put(e.getValue(), of(consumer, e.getKey(), e.getValue()));
      }
      return out;
    }

    long of(Consumer<byte[], byte[]> consumer, TopicPartition tp, StreamPartition p) {
      try {
        known.put(p, consumer.position(tp, POSITION_TIMEOUT)); // the consumer's word wins (replicas seek back)
        warned.remove(p);
      } catch (org.apache.kafka.common.errors.TimeoutException
               | org.apache.kafka.clients.consumer.NoOffsetForPartitionException e) {
        if (warned.add(p)) {
          log.warn("task {}: Kafka cannot tell the position of partition {} (was its topic deleted?): {}; it "
              + "stays at {}", taskId, p, e.toString(), known.get(p));
        }
      }
      return known.get(p);
    }
  }
}
