package io.sluice.workflows;

import io.sluice.segment.spec.KafkaIoConfig;
import io.sluice.segment.spec.SupervisorSpec;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Druid's supervisor run loop as a workflow. Each iteration: apply task reports, fetch partitions and offsets (an
 * activity), roll reading tasks over at {@code taskDuration}, fail publishing tasks past {@code completionTimeout},
 * create tasks for task groups that have none. Between iterations it waits {@code period}, woken early by signals
 * and by the next rollover deadline. Handlers only change state; the loop does the work.
 */
public class SupervisorWorkflowImpl implements SupervisorWorkflow {
  private static final Logger log = Workflow.getLogger(SupervisorWorkflowImpl.class);
  /** Continue as new past this many events even if the server does not suggest it. */
  static final long HISTORY_LIMIT = 10_000;

  private final SupervisorState s;
  private final Contracts.SupervisorConfig config;
  private final StreamActivities stream = Workflow.newActivityStub(StreamActivities.class);
  private final CommitActivities commits = Workflow.newActivityStub(CommitActivities.class);
  private final Random random = Workflow.newRandom();
  private boolean wake;

  @WorkflowInit
  public SupervisorWorkflowImpl(Contracts.SupervisorInput input) {
    this.s = input.state() != null ? input.state() : SupervisorState.initial(input.spec());
    this.config = input.config() != null ? input.config() : Contracts.SupervisorConfig.defaults();
  }

  @Override
  public void run(Contracts.SupervisorInput input) {
    if (!s.startDelayDone) {
      s.detailedState = "PENDING";
      publishDetails();
      Workflow.await(Duration.ofMillis(io().startDelayMillis()), () -> s.terminateRequested);
      s.startDelayDone = true;
    }
    while (true) {
      iterate();
      publishDetails();
      if (s.terminateRequested && s.tasks.isEmpty() && s.pendingReports.isEmpty()) {
        log.info("supervisor {} terminated; all tasks handed off", s.spec.id());
        return;
      }
      if (Workflow.getInfo().isContinueAsNewSuggested() || Workflow.getInfo().getHistoryLength() > HISTORY_LIMIT) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        Workflow.continueAsNew(new Contracts.SupervisorInput(s.spec, config, s));
      }
      wake = false;
      Workflow.await(Duration.ofMillis(nextWaitMillis()), () -> wake);
    }
  }

  private KafkaIoConfig io() {
    return s.spec.ioConfig();
  }

  private long nextWaitMillis() {
    long wait = io().periodMillis();
    long now = Workflow.currentTimeMillis();
    for (SupervisorState.TaskEntry t : s.tasks) {
      if ("READING".equals(t.phase)) {
        wait = Math.min(wait, Math.max(1, t.startedAtMillis + io().taskDurationMillis() - now));
      }
    }
    return wait;
  }

  private void iterate() {
    boolean failed = false;
    applyTaskReports();

    if (!s.committedLoaded) {
      try {
        s.committed = commits.loadCommitted(new Contracts.LoadCommittedInput(s.spec.id()));
        s.committedLoaded = true;
      } catch (ActivityFailure e) {
        recordError(e, false);
        failed = true;
      }
    }

    if (!failed) {
      if (!s.firstIterationDone) s.detailedState = "CONNECTING_TO_STREAM";
      try {
        Contracts.StreamOffsets offsets = stream.fetchStreamOffsets(
            new Contracts.FetchOffsetsInput(io().topic(), io().consumerProperties()));
        s.partitions = RunLoopPolicy.knownPartitions(s.partitions, offsets.partitions());
        s.earliestOffsets = RunLoopPolicy.merge(s.earliestOffsets, offsets.earliest());
        s.latestOffsets = RunLoopPolicy.merge(s.latestOffsets, offsets.latest());
        s.offsetsLastUpdatedMillis = Workflow.currentTimeMillis();
        s.everConnected = true;
      } catch (ActivityFailure e) {
        recordError(e, true);
        failed = true;
      }
    }

    // Tasks in the state are this supervisor's, adopted across continue-as-new: they report by signal.
    if (!s.firstIterationDone && !failed) s.detailedState = "DISCOVERING_INITIAL_TASKS";

    long now = Workflow.currentTimeMillis();
    boolean handoffAll = s.terminateRequested || s.pendingSpec != null || s.suspended;
    for (SupervisorState.TaskEntry t : s.tasks) {
      if ("READING".equals(t.phase)
          && (handoffAll || RunLoopPolicy.shouldStopReading(t.startedAtMillis, now, io().taskDurationMillis()))) {
        stopReading(t, now);
      } else if ("PUBLISHING".equals(t.phase) && !t.cancelRequested
          && RunLoopPolicy.completionTimedOut(t.publishingSinceMillis, now, io().completionTimeoutMillis())) {
        t.cancelRequested = true;
        recordError("CompletionTimeout", "task " + t.taskId + " did not publish within completionTimeout "
            + io().completionTimeout() + "; cancelling it", false);
        Workflow.newUntypedExternalWorkflowStub(t.taskId).cancel();
      }
    }

    if (s.pendingSpec != null && s.tasks.isEmpty()) {
      log.info("supervisor {}: applying the updated spec", s.spec.id());
      boolean topicChanged = !s.pendingSpec.ioConfig().topic().equals(io().topic());
      s.spec = s.pendingSpec;
      s.pendingSpec = null;
      s.suspended = s.spec.suspended();
      if (topicChanged) { // another topic: nothing known about the old one applies; re-discovered next iteration
        s.partitions = new ArrayList<>();
        s.earliestOffsets = new java.util.LinkedHashMap<>();
        s.latestOffsets = new java.util.LinkedHashMap<>();
      }
    }

    if (!failed && !s.terminateRequested && s.pendingSpec == null && !s.suspended) {
      if (!s.firstIterationDone) s.detailedState = "CREATING_TASKS";
      failed = !createTasks(now);
    }

    RunLoopPolicy.Health h = new RunLoopPolicy.Health(s.consecutiveIterationErrors, s.consecutiveIterationSuccesses,
        s.unhealthySupervisor).next(failed, config.unhealthinessThreshold(), config.healthinessThreshold());
    s.consecutiveIterationErrors = h.consecutiveErrors();
    s.consecutiveIterationSuccesses = h.consecutiveSuccesses();
    s.unhealthySupervisor = h.unhealthy();
    if (!failed) s.firstIterationDone = true;
    s.detailedState = RunLoopPolicy.detailedState(s.terminateRequested, s.suspended, s.unhealthySupervisor,
        s.lastErrorWasStream, s.everConnected, s.unhealthyTasks, s.firstIterationDone, s.detailedState);
  }

  private void stopReading(SupervisorState.TaskEntry t, long now) {
    t.phase = "PUBLISHING";
    t.publishingSinceMillis = now;
    try {
      Workflow.newExternalWorkflowStub(IndexingTaskWorkflow.class, t.taskId).stopReading();
    } catch (TemporalFailure e) {
      // The task is gone; its report (or its absence) is handled by completionTimeout.
      recordError("SignalFailed", "could not tell task " + t.taskId + " to publish: " + e.getMessage(), false);
    }
  }

  /** Starts a task for every task group that has none. Returns false if a start failed. */
  private boolean createTasks(long now) {
    Set<Integer> busy = new HashSet<>();
    for (SupervisorState.TaskEntry t : s.tasks) busy.add(t.group);
    boolean sameTopic = io().topic().equals(s.committed.topic()) || s.committed.topic() == null;
    boolean ok = true;
    for (Map.Entry<Integer, List<Integer>> g : RunLoopPolicy.groups(s.partitions, io().taskCount()).entrySet()) {
      if (busy.contains(g.getKey())) continue;
      Map<Integer, Long> start = RunLoopPolicy.startOffsets(g.getValue(), s.committed.partitionOffsets(), sameTopic,
          s.earliestOffsets, s.latestOffsets, io().useEarliestOffset());
      s.taskSequence++;
      String sequenceName = RunLoopPolicy.sequenceName(s.spec.id(), io().topic(), g.getKey(), start, s.taskSequence);
      String taskId = RunLoopPolicy.taskId(sequenceName, random);
      Contracts.TaskInput input = new Contracts.TaskInput(taskId, s.spec.id(), sequenceName, s.spec, start, now);
      IndexingTaskWorkflow child = Workflow.newChildWorkflowStub(IndexingTaskWorkflow.class,
          ChildWorkflowOptions.newBuilder()
              .setWorkflowId(taskId)
              .setTaskQueue(SluiceOptions.CONTROL_QUEUE)
              .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
              .setStaticSummary("Kafka indexing task for " + s.spec.id() + ", partitions " + g.getValue())
              .build());
      try {
        Async.function(child::run, input);
        Workflow.getWorkflowExecution(child).get();
        s.tasks.add(new SupervisorState.TaskEntry(taskId, g.getKey(), sequenceName, start, now));
        log.info("supervisor {}: started task {} at offsets {}", s.spec.id(), taskId, start);
      } catch (ChildWorkflowFailure e) {
        recordError(e, false);
        ok = false;
      }
    }
    return ok;
  }

  private void applyTaskReports() {
    List<Contracts.TaskReport> reports = s.pendingReports;
    s.pendingReports = new ArrayList<>();
    for (Contracts.TaskReport r : reports) {
      SupervisorState.TaskEntry t = null;
      for (SupervisorState.TaskEntry e : s.tasks) if (e.taskId.equals(r.taskId())) t = e;
      if (t == null) continue; // a duplicate report, or a task this supervisor no longer tracks
      s.tasks.remove(t);
      if (Contracts.TaskReport.SUCCESS.equals(r.status())) {
        if (r.head() != null && r.head().seq() >= s.committed.seq()) s.committed = r.head();
        s.consecutiveTaskFailures = 0;
        s.consecutiveTaskSuccesses++;
        if (s.consecutiveTaskSuccesses >= config.taskHealthinessThreshold()) s.unhealthyTasks = false;
        if (r.rowStats() != null) s.lastTaskRowStats = r.rowStats();
      } else {
        s.consecutiveTaskSuccesses = 0;
        s.consecutiveTaskFailures++;
        if (s.consecutiveTaskFailures >= config.taskUnhealthinessThreshold()) s.unhealthyTasks = true;
        recordError(r.errorType() == null ? "TaskFailed" : r.errorType(),
            "task " + r.taskId() + " failed: " + r.errorMessage(), false);
        s.committedLoaded = false; // re-read the commit log before the next task starts
      }
    }
  }

  private void recordError(TemporalFailure e, boolean streamError) {
    Throwable root = e;
    while (root.getCause() != null) root = root.getCause();
    if (root instanceof ApplicationFailure af) {
      recordError(af.getType(), af.getOriginalMessage(), streamError);
    } else {
      recordError(root.getClass().getSimpleName(), root.getMessage(), streamError);
    }
  }

  private void recordError(String type, String message, boolean streamError) {
    s.lastErrorWasStream = streamError;
    s.recentErrors = RunLoopPolicy.addError(s.recentErrors,
        new SupervisorState.ErrorEvent(Workflow.currentTimeMillis(), type, message, streamError),
        config.maxStoredExceptionEvents());
  }

  private void publishDetails() {
    Map<Integer, Long> lag = RunLoopPolicy.lag(s.latestOffsets, s.committed.partitionOffsets());
    Workflow.setCurrentDetails(String.format(
        "**%s** (%s)  \ntasks: %d reading, %d publishing  \ncommitted offsets: %s  \nlatest offsets: %s  \n"
            + "lag: %d  \npublished segments: %d, events: %d",
        s.detailedState, RunLoopPolicy.stateOf(s.detailedState), count("READING"), count("PUBLISHING"),
        s.committed.partitionOffsets(), s.latestOffsets, RunLoopPolicy.aggregateLag(lag),
        s.committed.totalSegments(), s.committed.totalEvents()));
  }

  private int count(String phase) {
    int n = 0;
    for (SupervisorState.TaskEntry t : s.tasks) if (phase.equals(t.phase)) n++;
    return n;
  }

  @Override
  public void terminate() {
    s.terminateRequested = true;
    wake = true;
  }

  @Override
  public void suspend() {
    s.suspended = true;
    wake = true;
  }

  @Override
  public void resume() {
    if (s.suspended) s.firstIterationDone = false; // Druid shows the first-iteration states again after a resume
    s.suspended = false;
    wake = true;
  }

  @Override
  public void updateSpec(SupervisorSpec spec) {
    if (spec == null || !spec.id().equals(s.spec.id())) return; // the gateway routes by id; ignore a mismatch
    s.pendingSpec = spec;
    wake = true;
  }

  @Override
  public void taskFinished(Contracts.TaskReport report) {
    s.pendingReports.add(report);
    wake = true;
  }

  @Override
  public SupervisorStatus status() {
    long now = Workflow.currentTimeMillis();
    List<SupervisorStatus.TaskView> active = new ArrayList<>();
    List<SupervisorStatus.TaskView> publishing = new ArrayList<>();
    for (SupervisorState.TaskEntry t : s.tasks) {
      long remaining = Math.max(0, (t.startedAtMillis + io().taskDurationMillis() - now) / 1000);
      if ("READING".equals(t.phase)) {
        active.add(new SupervisorStatus.TaskView(t.taskId, t.startOffsets, t.startedAtMillis, remaining, "ACTIVE"));
      } else {
        publishing.add(new SupervisorStatus.TaskView(t.taskId, t.startOffsets, t.startedAtMillis, 0, "PUBLISHING"));
      }
    }
    Map<Integer, Long> lag = RunLoopPolicy.lag(s.latestOffsets, s.committed.partitionOffsets());
    return new SupervisorStatus(s.spec.id(), io().topic(), RunLoopPolicy.stateOf(s.detailedState), s.detailedState,
        !s.unhealthySupervisor && !s.unhealthyTasks, s.suspended, s.partitions.size(), io().replicas(),
        io().taskDurationMillis() / 1000, active, publishing, s.latestOffsets, s.committed.partitionOffsets(), lag,
        RunLoopPolicy.aggregateLag(lag), s.offsetsLastUpdatedMillis, s.recentErrors, s.committed.totalSegments(),
        s.committed.totalEvents(), s.committed.seq(), s.spec);
  }
}
