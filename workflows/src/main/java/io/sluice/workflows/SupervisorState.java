package io.sluice.workflows;

import io.sluice.segment.spec.SupervisorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The supervisor's whole state, carried across continue-as-new. Only the workflow thread touches it. Fields may be
 * added (with defaults) but never removed: recorded histories hold it.
 */
public final class SupervisorState {
  /** One reading or publishing task. */
  public static final class TaskEntry {
    public String taskId;
    public int group;
    public String sequenceName;
    public Map<StreamPartition, Long> startOffsets = new LinkedHashMap<>();
    public long startedAtMillis;
    /** READING, then PUBLISHING once told to stop reading. */
    public String phase = "READING";
    public long publishingSinceMillis;
    /** Set once a completionTimeout cancellation was sent, so it is sent once. */
    public boolean cancelRequested;
    /** After that cancellation, when to ask Temporal whether its workflow has ended without a report. */
    public long goneCheckAtMillis;
    /** Where reading ended, once the task reported it; null while reading. */
    public Map<StreamPartition, Long> endOffsets;
    /** Tasks, still publishing when this one started, whose end offsets it started from. */
    public List<String> chainedFrom = new ArrayList<>();
    /** Replicas: where this one paused when told to stop, before the group's end offsets were set. */
    public Map<StreamPartition, Long> pausedAt;
    /** Replicas: the worker read queue chosen for it; null for any worker. */
    public String readQueue;

    public TaskEntry() {}

    public TaskEntry(String taskId, int group, String sequenceName, Map<StreamPartition, Long> startOffsets,
                     long startedAtMillis) {
      this.taskId = taskId;
      this.group = group;
      this.sequenceName = sequenceName;
      this.startOffsets = new LinkedHashMap<>(startOffsets);
      this.startedAtMillis = startedAtMillis;
    }
  }

  /** An error kept for {@code recentErrors}, as Druid reports them. */
  public record ErrorEvent(long timestampMillis, String exceptionClass, String message, boolean streamException) {}

  public SupervisorSpec spec;
  /** When the next sweep of segment files no commit references runs; 0 until the first is scheduled. */
  public long nextSweepMillis;
  /** Where the next sweep starts looking (the last one's horizon, {@link Contracts.SweepResult#nextSinceMillis}). */
  public long sweepSinceMillis;
  /** Sweeps started; every 24th looks a week further back (a deep sweep). */
  public long sweepsStarted;
  /** A spec submitted while tasks ran; applied when they have handed off. */
  public SupervisorSpec pendingSpec;
  public boolean committedLoaded;
  public Contracts.CommittedState committed = Contracts.CommittedState.empty();
  public List<StreamPartition> partitions = new ArrayList<>();
  /** Partitions added to the topic after the first discovery: read from their earliest offset, as in Druid. */
  public List<StreamPartition> partitionsDiscoveredLater = new ArrayList<>();
  public Map<StreamPartition, Long> latestOffsets = new LinkedHashMap<>();
  public Map<StreamPartition, Long> earliestOffsets = new LinkedHashMap<>();
  public long offsetsLastUpdatedMillis;
  public List<TaskEntry> tasks = new ArrayList<>();
  public long taskSequence;
  public boolean startDelayDone;
  public boolean firstIterationDone;
  public boolean everConnected;
  public String detailedState = "PENDING";
  public int consecutiveIterationErrors;
  public int consecutiveIterationSuccesses;
  public int consecutiveTaskFailures;
  public int consecutiveTaskSuccesses;
  public boolean unhealthySupervisor;
  public boolean unhealthyTasks;
  public List<ErrorEvent> recentErrors = new ArrayList<>();
  public Contracts.RowStats lastTaskRowStats = Contracts.RowStats.zero();
  public boolean terminateRequested;
  public boolean suspended;
  /** Task reports received by signal and not yet applied by the loop. */
  public List<Contracts.TaskReport> pendingReports = new ArrayList<>();
  public boolean lastErrorWasStream;
  /** A {@code reset} accepted and not yet carried out. */
  public boolean pendingFullReset;
  /** {@code resetOffsets} accepted and not yet carried out, merged; applied after a pending full reset. */
  public Map<StreamPartition, Long> pendingResetOffsets = new LinkedHashMap<>();
  /**
   * resetOffsetAutomatically: the start offsets of tasks that failed because Kafka no longer had their offsets, not
   * yet checked. Those still out of range are reset to the earliest or latest offset per useEarliestOffset.
   */
  public Map<StreamPartition, Long> pendingAutoReset = new LinkedHashMap<>();
  /** Task groups an operator asked to hand off early, not yet told. */
  public List<Integer> handoffGroups = new ArrayList<>();
  /** idleConfig: the stream stood still for inactiveAfterMillis and everything in it is committed. */
  public boolean idle;
  /** When the stream watcher last saw the latest offsets move (its clock); 0 before it has. */
  public long lastNewDataMillis;
  /** After a failed fetch, the stream watcher starts again only at this time ({@code period} later). */
  public long watchRetryAtMillis;
  /** After a task failed, no task is created before this time ({@code period} later), as in Druid's next run. */
  public long createTasksAfterMillis;
  /** When a failed step (commit log, task start, reset) is tried again; 0 when nothing failed. */
  public long retryAtMillis;

  /** A scale action of the autoscaler, kept for the status (newest last, as many as recentErrors). */
  public record ScaleEvent(long timestampMillis, int fromTaskCount, int toTaskCount, String description) {}

  /**
   * The task count in force: taskCountMin when the autoscaler is on, ioConfig's taskCount otherwise, then what the
   * autoscaler chose. 0 in states recorded before the autoscaler existed: read as {@link #taskCount()}.
   */
  public int taskCount;
  /** A scale action under way: the reading tasks hand off, then tasks start with this count; 0 when none. */
  public int pendingTaskCount;
  /** When this supervisor (or its current spec) started, for scaleActionStartDelayMillis; 0 until it runs. */
  public long supervisorStartedMillis;
  /** The autoscaler's aggregate lag samples, oldest first, as the last stream watcher that returned left them. */
  public List<Long> lagSamples = new ArrayList<>();
  /** When the newest lag sample was taken (the watcher's clock); 0 when none. */
  public long lastLagSampleMillis;
  /** When the autoscaler last acted, for minTriggerScaleActionFrequencyMillis; 0 when never. */
  public long lastScaleActionMillis;
  public List<ScaleEvent> scaleEvents = new ArrayList<>();

  public SupervisorState() {}

  /** The task count in force (see {@link #taskCount}). */
  public int taskCount() {
    return taskCount > 0 ? taskCount : AutoScalerPolicy.initialTaskCount(spec.ioConfig());
  }

  public static SupervisorState initial(SupervisorSpec spec) {
    SupervisorState s = new SupervisorState();
    s.spec = spec;
    s.suspended = spec.suspended();
    s.taskCount = AutoScalerPolicy.initialTaskCount(spec.ioConfig());
    return s;
  }
}
