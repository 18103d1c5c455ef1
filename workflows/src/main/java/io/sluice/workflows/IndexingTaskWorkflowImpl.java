package io.sluice.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.List;
import org.slf4j.Logger;

/**
 * One Kafka indexing task: the reading activity (which also builds and pushes segments), then the commit of those
 * segments with their offsets as one record. It reports to its supervisor by signal when it ends.
 */
public class IndexingTaskWorkflowImpl implements IndexingTaskWorkflow {
  private static final Logger log = Workflow.getLogger(IndexingTaskWorkflowImpl.class);

  private final ReadActivities read = Workflow.newActivityStub(ReadActivities.class);
  private final CommitActivities commits = Workflow.newActivityStub(CommitActivities.class);
  private final CommitActivities cleanup = Workflow.newActivityStub(CommitActivities.class,
      SluiceOptions.cleanupOptions());
  private boolean stop;
  /** Replicas: the common end offsets, set by the supervisor once every replica has paused. */
  private java.util.Map<StreamPartition, Long> endOffsets;
  /** Replicas: where the reading activity paused, not yet reported to the supervisor. */
  private java.util.Map<StreamPartition, Long> pausedAt;
  private Contracts.ReadProgress readResult;
  /** The segment files handed to the commit: a late attempt of it may still land, so cleanup keeps them. */
  private List<String> committing = List.of();
  private List<Contracts.ParseError> parseExceptions = List.of();

  @Override
  public Contracts.TaskReport run(Contracts.TaskInput in) {
    Workflow.setCurrentDetails("reading partitions " + in.startOffsets().keySet() + " from " + in.startOffsets());
    Contracts.TaskReport report;
    try {
      Contracts.ReadResult r = readAndPush(in);
      readResult = new Contracts.ReadProgress(r.endOffsets(), r.rowStats());
      if (r.parseExceptions() != null) parseExceptions = r.parseExceptions();
      if (r.endOffsets().equals(r.startOffsets()) && r.segments().isEmpty()) {
        report = new Contracts.TaskReport(in.taskId(), Contracts.TaskReport.SUCCESS, r.startOffsets(),
            r.endOffsets(), 0, r.rowStats(), null, null, null);
      } else {
        Workflow.setCurrentDetails("publishing " + r.segments().size() + " segments, offsets " + r.startOffsets()
            + " to " + r.endOffsets());
        tellSupervisor(in, new Contracts.TaskReport(in.taskId(), Contracts.TaskReport.PUBLISHING, r.startOffsets(),
            r.endOffsets(), r.segments().size(), r.rowStats(), null, null, null), false);
        committing = r.segments().stream().map(Contracts.PushedSegment::key).toList();
        Contracts.CommitResult c = commits.commitSegments(new Contracts.CommitInput(in.supervisorId(),
            in.spec().ioConfig().stream(), in.taskId(), in.sequenceName(), r.startOffsets(), r.endOffsets(),
            r.segments(), r.rowStats(), in.chained(), in.chainedPartitions()));
        report = new Contracts.TaskReport(in.taskId(), Contracts.TaskReport.SUCCESS, r.startOffsets(),
            r.endOffsets(), c.alreadyCommitted() ? 0 : r.segments().size(), r.rowStats(), c.head(), null, null);
      }
    } catch (ActivityFailure | CanceledFailure e) {
      report = new Contracts.TaskReport(in.taskId(), Contracts.TaskReport.FAILED, in.startOffsets(), null, 0,
          null, null, failureType(e), rootMessage(e));
    }
    Workflow.setCurrentDetails(report.status() + (report.errorMessage() == null ? "" : ": " + report.errorMessage()));
    final Contracts.TaskReport done = report;
    Workflow.newDetachedCancellationScope(() -> {
      tellSupervisor(in, done, true);
      cleanUp(in);
    }).run();
    return report;
  }

  /**
   * Deletes what this task's attempts pushed that no commit can reference: files of reading attempts that died
   * between their push and the commit, or of a task that failed or was killed before its commit. The files handed
   * to the commit are kept whatever its outcome: an attempt of it that Temporal timed out may still be running and
   * land later. A failure here only leaves files behind.
   */
  private void cleanUp(Contracts.TaskInput in) {
    try {
      cleanup.cleanupPushed(new Contracts.CleanupInput(in.supervisorId(), in.taskId(), committing));
    } catch (ActivityFailure e) {
      log.warn("task {}: could not clean up its pushed files: {}", in.taskId(), rootMessage(e));
    }
  }

  /**
   * Runs the reading activity: on the worker the supervisor chose for this replica if it did, falling back to any
   * worker if that one does not start it in time (it is gone); forwarding a replica's pause to the supervisor.
   */
  private Contracts.ReadResult readAndPush(Contracts.TaskInput in) {
    if (in.readQueue() != null && !SluiceOptions.READ_QUEUE.equals(in.readQueue())) {
      // per method: the worker options' per-type entry for ReadAndPush would override a stub-wide queue
      ActivityOptions options = SluiceOptions.readOptions(in.readQueue());
      ReadActivities placed = Workflow.newActivityStub(ReadActivities.class, options,
          java.util.Map.of("ReadAndPush", options));
      try {
        return readForwardingPauses(placed, in);
      } catch (ActivityFailure e) {
        if (!(e.getCause() instanceof TimeoutFailure t)
            || t.getTimeoutType() != TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
          throw e;
        }
        log.warn("task {}: worker queue {} did not start the reading activity; any worker may now", in.taskId(),
            in.readQueue());
      }
    }
    return readForwardingPauses(read, in);
  }

  private Contracts.ReadResult readForwardingPauses(ReadActivities stub, Contracts.TaskInput in) {
    if (!in.replicated()) return stub.readAndPush(new Contracts.ReadInput(in));
    Promise<Contracts.ReadResult> result = Async.function(stub::readAndPush, new Contracts.ReadInput(in));
    try {
      while (true) {
        Workflow.await(() -> result.isCompleted() || pausedAt != null);
        if (pausedAt == null) return result.get();
        java.util.Map<StreamPartition, Long> at = pausedAt;
        pausedAt = null;
        tellSupervisor(in, new Contracts.TaskReport(in.taskId(), Contracts.TaskReport.PAUSED, in.startOffsets(),
            at, 0, null, null, null, null), false);
      }
    } catch (CanceledFailure e) { // as WAIT_CANCELLATION_COMPLETED would: the attempt ends before the task does
      Workflow.newDetachedCancellationScope(() -> Workflow.await(result::isCompleted)).run();
      throw e;
    }
  }

  /** Signals the supervisor; a supervisor that is gone (terminated, or lost by Temporal) is logged, not fatal. */
  private static void tellSupervisor(Contracts.TaskInput in, Contracts.TaskReport report, boolean finished) {
    try {
      SupervisorWorkflow supervisor = Workflow.newExternalWorkflowStub(SupervisorWorkflow.class,
          SupervisorWorkflow.workflowId(in.supervisorId()));
      if (finished) {
        supervisor.taskFinished(report);
      } else {
        supervisor.taskPublishing(report);
      }
    } catch (TemporalFailure | io.temporal.client.WorkflowException e) { // a closed supervisor throws the latter
      log.warn("task {}: could not report to its supervisor: {}", in.taskId(), e.getMessage());
    }
  }

  private static String failureType(Throwable e) {
    Throwable c = e;
    while (c != null) {
      if (c instanceof ApplicationFailure af) return af.getType();
      if (c instanceof CanceledFailure) return "Canceled";
      c = c.getCause();
    }
    return e.getClass().getSimpleName();
  }

  private static String rootMessage(Throwable e) {
    Throwable c = e;
    String msg = e.getMessage();
    while (c != null) {
      if (c instanceof ApplicationFailure af) return af.getOriginalMessage();
      if (c.getMessage() != null) msg = c.getMessage();
      c = c.getCause();
    }
    return msg;
  }

  @Override
  public void stopReading() {
    stop = true;
  }

  @Override
  public Contracts.ReadProgress readResult() {
    return readResult;
  }

  @Override
  public List<Contracts.ParseError> parseExceptions() {
    return parseExceptions;
  }

  @Override
  public void paused(java.util.Map<StreamPartition, Long> positions) {
    if (endOffsets == null) pausedAt = positions; // once the end is set, a retried attempt's pause is moot
  }

  @Override
  public void setEndOffsets(java.util.Map<StreamPartition, Long> offsets) {
    endOffsets = offsets;
    stop = true;
  }

  @Override
  public Contracts.TaskControl control() {
    return new Contracts.TaskControl(stop, endOffsets);
  }
}
