package io.sluice.workflows;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.worker.WorkflowImplementationOptions;
import java.time.Duration;
import java.util.Map;

/**
 * The one place where task queues, timeouts and retry policies live. Workers register the workflows with
 * {@link #workflowOptions}; workflow code creates activity stubs without options of its own.
 */
public final class SluiceOptions {
  private SluiceOptions() {}

  /** Supervisor and task workflows, and the supervisor's short activities. */
  public static final String CONTROL_QUEUE = "sluice-control";
  /** Reading activities: one slot per concurrent task (Druid's worker capacity). */
  public static final String READ_QUEUE = "sluice-read";

  /** How long a reading activity may go without a heartbeat before Temporal retries it elsewhere. */
  public static final Duration READ_HEARTBEAT_TIMEOUT = Duration.ofSeconds(20);
  /**
   * How often a reading activity's heartbeat details (offsets, row stats) reach the server, so the supervisor's
   * status is live. One RPC per task per interval; heartbeats add no history events.
   */
  public static final Duration READ_HEARTBEAT_THROTTLE = Duration.ofSeconds(1);
  /** Bound on a reading activity's control query, well inside {@link #READ_HEARTBEAT_TIMEOUT}. */
  public static final Duration CONTROL_QUERY_TIMEOUT = Duration.ofSeconds(5);

  /**
   * The longest a stream watcher runs before returning to its workflow, which then starts another. Bounds how old
   * the workflow's own copy of the latest offsets gets (the gateway reads fresher ones from the heartbeat).
   */
  public static final long MAX_WATCH_MILLIS = Duration.ofMinutes(15).toMillis();
  /** A stream watcher heartbeats at least this often, also while a Kafka call is slow (each is bounded). */
  public static final Duration WATCH_HEARTBEAT_TIMEOUT = Duration.ofMinutes(2);

  /**
   * A commit attempt's start-to-close timeout. An attempt does not write its record past it (less
   * {@link #COMMIT_DEADLINE_MARGIN}), counted on the worker from when its code started, which is after the server
   * started the timeout; so a commit cannot land later than this after its attempt started.
   */
  public static final Duration COMMIT_TIMEOUT = Duration.ofMinutes(2);
  /** How long before its start-to-close timeout a commit attempt stops trying to write its record. */
  public static final Duration COMMIT_DEADLINE_MARGIN = Duration.ofSeconds(30);
  /**
   * How long a task's workflow must have been closed before the orphan sweep deletes its files, whatever the
   * configured grace: a commit attempt of it may still land until {@link #COMMIT_TIMEOUT} after it was scheduled;
   * the rest is for clock skew.
   */
  public static final Duration MIN_CLOSED_BEFORE_SWEEP = COMMIT_TIMEOUT.plusMinutes(1);

  private static final RetryOptions READING_RETRY = RetryOptions.newBuilder()
      .setInitialInterval(Duration.ofSeconds(1)).setMaximumInterval(Duration.ofSeconds(30))
      .setMaximumAttempts(10)
      .setDoNotRetry(Failures.TOO_MANY_PARSE_EXCEPTIONS, Failures.INVALID_SPEC, Failures.OFFSET_OUT_OF_RANGE)
      .build();

  public static WorkflowImplementationOptions workflowOptions() {
    RetryOptions kafka = RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofSeconds(1)).setMaximumInterval(Duration.ofSeconds(10))
        .setMaximumAttempts(3).build();
    RetryOptions storage = RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofSeconds(1)).setMaximumInterval(Duration.ofSeconds(30))
        .setDoNotRetry(Failures.INCONSISTENT_OFFSETS).build();
    return WorkflowImplementationOptions.newBuilder()
        .setActivityOptions(Map.of(
            "FetchStreamOffsets", ActivityOptions.newBuilder()
                .setTaskQueue(CONTROL_QUEUE).setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(kafka).build(),
            "WatchStream", ActivityOptions.newBuilder()
                .setTaskQueue(CONTROL_QUEUE)
                // returns after maxWatch at the latest; the heartbeat timeout finds a dead worker
                .setStartToCloseTimeout(Duration.ofMillis(2 * MAX_WATCH_MILLIS))
                .setHeartbeatTimeout(WATCH_HEARTBEAT_TIMEOUT)
                // a cancelled watcher is gone before the workflow continues as new or ends
                .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
                .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(1))
                    .setMaximumInterval(Duration.ofSeconds(30)).build())
                .build(),
            "ResetOffsets", ActivityOptions.newBuilder()
                .setTaskQueue(CONTROL_QUEUE).setStartToCloseTimeout(Duration.ofMinutes(2))
                .setRetryOptions(storage).build(),
            "LoadCommitted", ActivityOptions.newBuilder()
                .setTaskQueue(CONTROL_QUEUE).setStartToCloseTimeout(Duration.ofMinutes(2))
                .setRetryOptions(storage).build(),
            "CommitSegments", ActivityOptions.newBuilder()
                .setTaskQueue(CONTROL_QUEUE).setStartToCloseTimeout(COMMIT_TIMEOUT)
                // short backoff: a chained commit retries until its predecessor's commit lands, seconds later
                .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofMillis(500))
                    .setMaximumInterval(Duration.ofSeconds(5)).setDoNotRetry(Failures.INCONSISTENT_OFFSETS).build())
                // a cancelled task waits for a commit attempt in flight, so its cleanup never races a commit
                .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
                .build(),
            "SweepOrphans", ActivityOptions.newBuilder()
                // lists the dataSource's segment files and reads commit records back to the oldest candidate
                .setTaskQueue(CONTROL_QUEUE).setStartToCloseTimeout(Duration.ofMinutes(30))
                .setScheduleToCloseTimeout(Duration.ofHours(1))
                .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(5))
                    .setMaximumInterval(Duration.ofMinutes(1)).setMaximumAttempts(3).build())
                .build(),
            "EndedTasks", ActivityOptions.newBuilder()
                .setTaskQueue(CONTROL_QUEUE).setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build()).build(),
            "ReadAndPush", readOptions(READ_QUEUE),
            "LiveReadQueues", ActivityOptions.newBuilder()
                .setTaskQueue(CONTROL_QUEUE).setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build()).build()))
        .build();
  }

  /** How long a replica's reading activity waits for its chosen worker before any worker may take it. */
  public static final Duration PLACED_SCHEDULE_TO_START = Duration.ofSeconds(30);

  /**
   * The reading activity's options on {@code queue}: the shared {@link #READ_QUEUE}, or one worker's own queue
   * ({@link #workerReadQueue}), where an attempt that no worker starts within {@link #PLACED_SCHEDULE_TO_START}
   * fails (the worker is gone) and the task falls back to the shared queue.
   */
  public static ActivityOptions readOptions(String queue) {
    ActivityOptions.Builder b = ActivityOptions.newBuilder()
        .setTaskQueue(queue)
        // bounded by the heartbeat; the supervisor's completionTimeout bounds publishing
        .setStartToCloseTimeout(Duration.ofDays(7))
        .setHeartbeatTimeout(READ_HEARTBEAT_TIMEOUT)
        // a cancelled task waits for the attempt to stop (its next heartbeat), so it pushes nothing after
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setRetryOptions(READING_RETRY);
    if (!READ_QUEUE.equals(queue)) b.setScheduleToStartTimeout(PLACED_SCHEDULE_TO_START);
    return b.build();
  }

  /** The read task queue that only the worker with this identity polls (as well as the shared one). */
  public static String workerReadQueue(String identity) {
    return READ_QUEUE + "@" + identity;
  }

  /** The task's cleanup of its pushed files: bounded, so deep storage being down does not hold a task open. */
  public static ActivityOptions cleanupOptions() {
    return ActivityOptions.newBuilder()
        .setTaskQueue(CONTROL_QUEUE).setStartToCloseTimeout(Duration.ofMinutes(2))
        .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(1))
            .setMaximumInterval(Duration.ofSeconds(30)).setMaximumAttempts(10).build())
        .build();
  }
}
