package io.sluice.workflows;

import io.sluice.segment.spec.SupervisorSpec;
import java.util.List;
import java.util.Map;

/**
 * The records that cross Temporal boundaries: workflow and activity inputs and results. Each method takes one
 * record and returns one, so fields can be added later without breaking recorded histories. Records may gain
 * fields but never lose them. None of them carries row data; all are small (offsets, ids, descriptors).
 */
public final class Contracts {
  private Contracts() {}

  /**
   * Supervisor tunables that come from the gateway's configuration (never read inside workflow code).
   * {@code continueAsNewAfterEvents}: the supervisor continues as new past this many history events even if the
   * server does not suggest it (0 in inputs recorded before the field existed means the default, 10,000).
   * {@code orphanSweepPeriodMillis} and {@code orphanGraceMillis}: how often the supervisor sweeps its dataSource's
   * segment files that no commit references, and how old such a file, and how long closed its task, must be before
   * it goes (0 means the default, an hour each).
   */
  public record SupervisorConfig(
      int unhealthinessThreshold,
      int healthinessThreshold,
      int taskUnhealthinessThreshold,
      int taskHealthinessThreshold,
      int maxStoredExceptionEvents,
      long continueAsNewAfterEvents,
      long orphanSweepPeriodMillis,
      long orphanGraceMillis) {
    public static final long DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 10_000;
    public static final long DEFAULT_ORPHAN_SWEEP_PERIOD_MILLIS = 3_600_000;
    public static final long DEFAULT_ORPHAN_GRACE_MILLIS = 3_600_000;

    public SupervisorConfig {
      if (continueAsNewAfterEvents <= 0) continueAsNewAfterEvents = DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
      // 0: absent (a config recorded before these existed)
      if (orphanSweepPeriodMillis <= 0) orphanSweepPeriodMillis = DEFAULT_ORPHAN_SWEEP_PERIOD_MILLIS;
      if (orphanGraceMillis <= 0) orphanGraceMillis = DEFAULT_ORPHAN_GRACE_MILLIS;
    }

    public SupervisorConfig(int unhealthinessThreshold, int healthinessThreshold, int taskUnhealthinessThreshold,
        int taskHealthinessThreshold, int maxStoredExceptionEvents, long continueAsNewAfterEvents) {
      this(unhealthinessThreshold, healthinessThreshold, taskUnhealthinessThreshold, taskHealthinessThreshold,
          maxStoredExceptionEvents, continueAsNewAfterEvents, 0, 0);
    }

    public static SupervisorConfig defaults() {
      return new SupervisorConfig(3, 3, 3, 3, 20, DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS);
    }
  }

  public record SupervisorInput(SupervisorSpec spec, SupervisorConfig config, SupervisorState state) {}

  /**
   * Where to discover partitions: {@code topic}, or with {@code topicPattern} (then {@code topic} is null) every
   * topic whose whole name matches it. The consumer properties are the spec's, unresolved: password providers and the
   * dynamic config provider are resolved by the activity, on the worker, so no secret enters workflow history.
   */
  public record FetchOffsetsInput(String topic, Map<String, Object> consumerProperties, String topicPattern) {
    public FetchOffsetsInput(String topic, Map<String, Object> consumerProperties) {
      this(topic, consumerProperties, null);
    }
  }

  public record StreamOffsets(List<StreamPartition> partitions, Map<StreamPartition, Long> earliest,
                              Map<StreamPartition, Long> latest) {}

  /**
   * What the stream watcher needs. It fetches partitions and offsets every {@code periodMillis} inside one
   * long-running activity, heartbeating each answer (heartbeats add no history events), and returns to the workflow
   * only when something needs a decision: a fetch failed, the partitions changed, {@code returnAfterSuccesses}
   * fetches succeeded (the first iteration, or recovery from an unhealthy state), new data arrived while idle
   * ({@code returnOnNewData}), the latest offsets stood still for {@code idleAfterMillis} (0: never) since
   * {@code lastNewDataMillis} (0: since the watcher started), the autoscaler wants another task count
   * ({@code autoScale}, null when the autoscaler is off), or {@code maxWatchMillis} passed (so the workflow's own
   * copy of the offsets never gets very old). With a {@code topicPattern} ({@code topic} is then null) it reads
   * every topic whose whole name matches, as of each fetch, so topics created later are found like new partitions,
   * and a known partition no longer listed (its topic deleted) is a change of partitions too.
   */
  public record WatchInput(String topic, Map<String, Object> consumerProperties, long periodMillis,
                           List<StreamPartition> knownPartitions, Map<StreamPartition, Long> latestOffsets,
                           int returnAfterSuccesses, boolean returnOnNewData, long idleAfterMillis,
                           long lastNewDataMillis, long maxWatchMillis, AutoScaleWatch autoScale,
                           String topicPattern) {
    public WatchInput(String topic, Map<String, Object> consumerProperties, long periodMillis,
                      List<StreamPartition> knownPartitions, Map<StreamPartition, Long> latestOffsets,
                      int returnAfterSuccesses, boolean returnOnNewData, long idleAfterMillis,
                      long lastNewDataMillis, long maxWatchMillis, AutoScaleWatch autoScale) {
      this(topic, consumerProperties, periodMillis, knownPartitions, latestOffsets, returnAfterSuccesses,
          returnOnNewData, idleAfterMillis, lastNewDataMillis, maxWatchMillis, autoScale, null);
    }

    public WatchInput(String topic, Map<String, Object> consumerProperties, long periodMillis,
                      List<StreamPartition> knownPartitions, Map<StreamPartition, Long> latestOffsets,
                      int returnAfterSuccesses, boolean returnOnNewData, long idleAfterMillis, long lastNewDataMillis,
                      long maxWatchMillis) {
      this(topic, consumerProperties, periodMillis, knownPartitions, latestOffsets, returnAfterSuccesses,
          returnOnNewData, idleAfterMillis, lastNewDataMillis, maxWatchMillis, null);
    }
  }

  /**
   * The autoscaler's part of the watcher ({@link AutoScalerPolicy}): it samples the aggregate lag on the sampling
   * grid and, at each check while the autoscaler may act (every task reading, none publishing, not suspended, idle
   * or changing spec, as Druid skips its check then), returns {@code SCALE} with the desired count. Lag is measured
   * against the reading tasks' heartbeated offsets, else their start offsets, else {@code readUpTo} (committed
   * offsets and publishing tasks' end offsets). The watcher asks the supervisor (its status query) for the current
   * tasks and whether it may act at each sample and check; {@code readingTasks} (task id to start offsets),
   * {@code readUpTo} and {@code actionAllowed} are the answer as of the watcher's start, used when it cannot ask.
   * {@code samples} and {@code lastSampleMillis} are the workflow's copy from the last watcher that returned.
   */
  public record AutoScaleWatch(io.sluice.segment.spec.AutoScalerConfig config, int taskCount, int partitionCount,
                               boolean actionAllowed, long supervisorStartedMillis, long lastActionMillis,
                               List<Long> samples, long lastSampleMillis,
                               Map<String, Map<StreamPartition, Long>> readingTasks,
                               Map<StreamPartition, Long> readUpTo) {}

  /**
   * Why the watcher returned, with its last good answer ({@code offsets}, null if every fetch failed) and how many
   * fetches succeeded in a row before it returned ({@code successes}); {@code failures} is 1 when the last fetch
   * failed, with {@code errorType} and {@code errorMessage}. With the autoscaler on, {@code lagSamples} and
   * {@code lastLagSampleMillis} are its samples so far (null when it is off), and {@code desiredTaskCount} is the
   * count a {@code SCALE} return asks for (0 otherwise).
   */
  public record WatchResult(String reason, StreamOffsets offsets, long fetchedAtMillis, int successes,
                            int failures, String errorType, String errorMessage, List<Long> lagSamples,
                            long lastLagSampleMillis, int desiredTaskCount) {
    public static final String FAILED = "FAILED";
    public static final String PARTITIONS_CHANGED = "PARTITIONS_CHANGED";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String NEW_DATA = "NEW_DATA";
    public static final String INACTIVE = "INACTIVE";
    public static final String MAX_WATCH = "MAX_WATCH";
    /** The autoscaler asks for {@code desiredTaskCount} tasks. */
    public static final String SCALE = "SCALE";

    public WatchResult(String reason, StreamOffsets offsets, long fetchedAtMillis, int successes, int failures,
                       String errorType, String errorMessage) {
      this(reason, offsets, fetchedAtMillis, successes, failures, errorType, errorMessage, null, 0, 0);
    }
  }

  /** Heartbeat details of the stream watcher: its latest answer, read by the gateway for live lag. */
  public record StreamSnapshot(StreamOffsets offsets, long fetchedAtMillis, int consecutiveFailures,
                               String lastError) {}

  /**
   * Sets the committed offsets of some partitions, outside any task: {@code reset} and {@code resetOffsets}. It is
   * appended to the commit log like a commit, so tasks started before it fail their compare-and-set.
   */
  /** A task's cleanup: its pushed files are deleted, but for {@code keep} (those it handed to its commit). */
  public record CleanupInput(String dataSource, String taskId, List<String> keep) {}

  /**
   * The supervisor's sweep of a dataSource's segment files that no commit references (see
   * {@link CommitActivities#sweepOrphans}) at {@code nowMillis} (workflow time): only files pushed more than
   * {@code graceMillis} ago, and since {@code sinceMillis} (the last sweep's {@link SweepResult#nextSinceMillis}; 0
   * for every file), by tasks whose workflow is not running and closed more than {@code graceMillis} ago (and at
   * least {@link SluiceOptions#MIN_CLOSED_BEFORE_SWEEP}), are deleted.
   */
  public record SweepInput(String dataSource, long graceMillis, long nowMillis, long sinceMillis) {}

  /**
   * What a sweep deleted, and where the next may start: every file pushed before {@code nextSinceMillis} (less the
   * clock skew) is now either referenced by a commit or deleted.
   */
  public record SweepResult(int deleted, long nextSinceMillis) {}

  public record ResetInput(String dataSource, String topic, Map<StreamPartition, Long> offsets, String reason) {}

  /**
   * An operator's reset: {@code offsets} null clears every partition (Druid's {@code reset}: the supervisor starts
   * again from the earliest or latest offsets per {@code useEarliestOffset}); otherwise it sets just those
   * partitions (Druid's {@code resetOffsets}, whose {@code stream} must be the supervisor's topic).
   */
  public record ResetRequest(String stream, Map<StreamPartition, Long> offsets) {}

  public record LoadCommittedInput(String dataSource) {}

  /** The head of a dataSource's commit log. {@code seq} is 0 when nothing was ever committed. */
  public record CommittedState(
      long seq, String topic, Map<StreamPartition, Long> partitionOffsets, long totalSegments, long totalEvents) {
    public static CommittedState empty() {
      return new CommittedState(0, null, Map.of(), 0, 0);
    }
  }

  /**
   * What the supervisor gives a new reading task. {@code chainedPartitions}: the partitions whose start offsets are
   * the end offsets of a task that is still publishing, so this task's commit waits for that one's (Druid starts the
   * next task the same way); {@code chained} says whether there is any. {@code readQueue}: the task queue of the
   * worker chosen for this replica (replicas of a group go to different workers), or null for any worker.
   */
  public record TaskInput(
      String taskId,
      String supervisorId,
      String sequenceName,
      SupervisorSpec spec,
      Map<StreamPartition, Long> startOffsets,
      long createdAtMillis,
      boolean chained,
      List<StreamPartition> chainedPartitions,
      String readQueue) {
    public TaskInput(String taskId, String supervisorId, String sequenceName, SupervisorSpec spec,
                     Map<StreamPartition, Long> startOffsets, long createdAtMillis) {
      this(taskId, supervisorId, sequenceName, spec, startOffsets, createdAtMillis, false, List.of(), null);
    }

    public TaskInput(String taskId, String supervisorId, String sequenceName, SupervisorSpec spec,
                     Map<StreamPartition, Long> startOffsets, long createdAtMillis, boolean chained,
                     List<StreamPartition> chainedPartitions) {
      this(taskId, supervisorId, sequenceName, spec, startOffsets, createdAtMillis, chained, chainedPartitions,
          null);
    }

    /** Whether the group runs replicas, which agree on their end offsets before publishing (Druid's protocol). */
    public boolean replicated() {
      return spec.ioConfig().replicas() > 1;
    }
  }

  /**
   * Polled by the reading activity every second or so (never per record). A task with replicas, told to stop,
   * first pauses and reports where it is; the supervisor then sets {@code endOffsets}, the most any replica had
   * read, and every replica reads exactly up to them before publishing. Null until then, and always for a task
   * without replicas.
   */
  public record TaskControl(boolean stopReading, Map<StreamPartition, Long> endOffsets) {
    public TaskControl(boolean stopReading) {
      this(stopReading, null);
    }
  }

  /** Row counters, named as Druid's rowStats are. */
  public record RowStats(long processed, long processedBytes, long processedWithError, long thrownAway,
                         long unparseable) {
    public static RowStats zero() {
      return new RowStats(0, 0, 0, 0, 0);
    }
  }

  /**
   * Heartbeat details of a reading activity. {@code movingAverages}: per window ({@code 1m}, {@code 5m},
   * {@code 15m}) the rate per second of each row counter, as Druid's row stats report them; empty once reading
   * has ended.
   */
  public record ReadProgress(Map<StreamPartition, Long> currentOffsets, RowStats rowStats,
                             Map<String, Map<String, Double>> movingAverages) {
    public ReadProgress(Map<StreamPartition, Long> currentOffsets, RowStats rowStats) {
      this(currentOffsets, rowStats, Map.of());
    }
  }

  public record ReadInput(TaskInput task) {}

  /** A published (pushed, not yet committed) segment: Druid's DataSegment JSON, plus its row count. */
  public record PushedSegment(String id, String key, Map<String, Object> descriptor, long rows) {}

  /**
   * What a reading task read and pushed. {@code parseExceptions} are the most recent ones, at most
   * {@code maxSavedParseExceptions} (and never more than {@link #MAX_SAVED_PARSE_EXCEPTIONS}, to keep the result
   * small); they show in the task's history in Temporal's Web UI.
   */
  public record ReadResult(
      Map<StreamPartition, Long> startOffsets, Map<StreamPartition, Long> endOffsets, List<PushedSegment> segments,
      RowStats rowStats, List<ParseError> parseExceptions) {}

  /** Upper bound on saved parse exceptions per task, whatever {@code maxSavedParseExceptions} says. */
  public static final int MAX_SAVED_PARSE_EXCEPTIONS = 100;

  /** A saved parse exception: where it was, the start of the record, and why. */
  public record ParseError(StreamPartition partition, long offset, String excerpt, String reason,
      boolean wholeRecord) {}

  /**
   * {@code chainedPartitions}: the partitions the task started at a predecessor's end offsets; for those, not yet
   * committed up to the start means "wait for the predecessor's commit", not "start anywhere". (Null, in inputs
   * recorded before the field existed, means every partition when {@code chained} is set.)
   */
  public record CommitInput(
      String dataSource, String topic, String taskId, String sequenceName,
      Map<StreamPartition, Long> startOffsets, Map<StreamPartition, Long> endOffsets, List<PushedSegment> segments,
      RowStats rowStats, boolean chained, List<StreamPartition> chainedPartitions) {
    public CommitInput(String dataSource, String topic, String taskId, String sequenceName,
                       Map<StreamPartition, Long> startOffsets, Map<StreamPartition, Long> endOffsets,
                       List<PushedSegment> segments,
                       RowStats rowStats) {
      this(dataSource, topic, taskId, sequenceName, startOffsets, endOffsets, segments, rowStats, false, List.of());
    }

    /** Whether this partition's start came from a predecessor that may not have committed yet. */
    public boolean chainedAt(StreamPartition partition) {
      return chainedPartitions == null ? chained : chainedPartitions.contains(partition);
    }
  }

  /** {@code alreadyCommitted}: the range was committed before (a retry or a replica); nothing was written. */
  public record CommitResult(boolean alreadyCommitted, CommittedState head) {}

  /** What a task reports to its supervisor when it ends, by signal. */
  public record TaskReport(
      String taskId, String status, Map<StreamPartition, Long> startOffsets, Map<StreamPartition, Long> endOffsets,
      int segments, RowStats rowStats, CommittedState head, String errorType, String errorMessage) {
    public static final String SUCCESS = "SUCCESS";
    public static final String FAILED = "FAILED";
    /** Sent when reading has ended and publishing begins, with {@code endOffsets}: the next task can start there. */
    public static final String PUBLISHING = "PUBLISHING";
    /**
     * A replica told to stop has paused; {@code endOffsets} are its positions. The supervisor waits for its group's
     * replicas, then sets their common end offsets.
     */
    public static final String PAUSED = "PAUSED";
  }
}
