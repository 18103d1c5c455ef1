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

  /** Supervisor tunables that come from the gateway's configuration (never read inside workflow code). */
  public record SupervisorConfig(
      int unhealthinessThreshold,
      int healthinessThreshold,
      int taskUnhealthinessThreshold,
      int taskHealthinessThreshold,
      int maxStoredExceptionEvents) {
    public static SupervisorConfig defaults() {
      return new SupervisorConfig(3, 3, 3, 3, 20);
    }
  }

  public record SupervisorInput(SupervisorSpec spec, SupervisorConfig config, SupervisorState state) {}

  /**
   * Where to discover partitions. The consumer properties are the spec's, unresolved: password providers and the
   * dynamic config provider are resolved by the activity, on the worker, so no secret enters workflow history.
   */
  public record FetchOffsetsInput(String topic, Map<String, Object> consumerProperties) {}

  public record StreamOffsets(List<Integer> partitions, Map<Integer, Long> earliest, Map<Integer, Long> latest) {}

  public record LoadCommittedInput(String dataSource) {}

  /** The head of a dataSource's commit log. {@code seq} is 0 when nothing was ever committed. */
  public record CommittedState(
      long seq, String topic, Map<Integer, Long> partitionOffsets, long totalSegments, long totalEvents) {
    public static CommittedState empty() {
      return new CommittedState(0, null, Map.of(), 0, 0);
    }
  }

  /** What the supervisor gives a new reading task. */
  public record TaskInput(
      String taskId,
      String supervisorId,
      String sequenceName,
      SupervisorSpec spec,
      Map<Integer, Long> startOffsets,
      long createdAtMillis) {}

  /** Polled by the reading activity every few seconds (never per record). */
  public record TaskControl(boolean stopReading) {}

  /** Row counters, named as Druid's rowStats are. */
  public record RowStats(long processed, long processedBytes, long processedWithError, long thrownAway,
                         long unparseable) {
    public static RowStats zero() {
      return new RowStats(0, 0, 0, 0, 0);
    }
  }

  /** Heartbeat details of a reading activity. */
  public record ReadProgress(Map<Integer, Long> currentOffsets, RowStats rowStats) {}

  public record ReadInput(TaskInput task) {}

  /** A published (pushed, not yet committed) segment: Druid's DataSegment JSON, plus its row count. */
  public record PushedSegment(String id, String key, Map<String, Object> descriptor, long rows) {}

  /**
   * What a reading task read and pushed. {@code parseExceptions} are the most recent ones, at most
   * {@code maxSavedParseExceptions} (and never more than {@link #MAX_SAVED_PARSE_EXCEPTIONS}, to keep the result
   * small); they show in the task's history in Temporal's Web UI.
   */
  public record ReadResult(
      Map<Integer, Long> startOffsets, Map<Integer, Long> endOffsets, List<PushedSegment> segments,
      RowStats rowStats, List<ParseError> parseExceptions) {}

  /** Upper bound on saved parse exceptions per task, whatever {@code maxSavedParseExceptions} says. */
  public static final int MAX_SAVED_PARSE_EXCEPTIONS = 100;

  /** A saved parse exception: where it was, the start of the record, and why. */
  public record ParseError(int partition, long offset, String excerpt, String reason, boolean wholeRecord) {}

  public record CommitInput(
      String dataSource, String topic, String taskId, String sequenceName,
      Map<Integer, Long> startOffsets, Map<Integer, Long> endOffsets, List<PushedSegment> segments,
      RowStats rowStats) {}

  /** {@code alreadyCommitted}: the range was committed before (a retry or a replica); nothing was written. */
  public record CommitResult(boolean alreadyCommitted, CommittedState head) {}

  /** What a task reports to its supervisor when it ends, by signal. */
  public record TaskReport(
      String taskId, String status, Map<Integer, Long> startOffsets, Map<Integer, Long> endOffsets,
      int segments, RowStats rowStats, CommittedState head, String errorType, String errorMessage) {
    public static final String SUCCESS = "SUCCESS";
    public static final String FAILED = "FAILED";
  }
}
