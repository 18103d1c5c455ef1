package io.sluice.workflows;

import io.sluice.segment.spec.AutoScalerConfig;
import io.sluice.segment.spec.KafkaIoConfig;
import io.sluice.segment.spec.SupervisorSpec;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.client.WorkflowException;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import org.slf4j.Logger;

/**
 * Druid's supervisor run loop as a workflow. Each iteration: apply task reports and the stream watcher's answer,
 * carry out resets, roll reading tasks over at {@code taskDuration} (or on a handoff request), fail publishing tasks
 * past {@code completionTimeout}, create tasks for task groups that have none.
 *
 * <p>Druid fetches partitions and offsets every {@code period}. Here that polling runs inside one long activity,
 * the stream watcher, which heartbeats its answers and returns only when there is something to decide (see
 * {@link Contracts.WatchInput}), so a healthy supervisor adds history events only when tasks roll over: about 30
 * an hour per task group instead of several per {@code period}. Between iterations the workflow sleeps until the
 * next deadline (a rollover, a completionTimeout, a retry), a signal, an update, or the watcher's return. Handlers
 * only change state; the loop does the work.
 *
 * <p>With {@code autoScalerConfig.enableTaskAutoScaler}, the watcher also samples the aggregate lag and returns
 * {@code SCALE} when {@link AutoScalerPolicy} wants another task count. The scale action is Druid's: every reading
 * task hands off (stops reading and publishes), and once all have reported their end offsets, tasks start with the
 * new count, each partition chained at its predecessor's end offset, whatever task group it was in before.
 */
public class SupervisorWorkflowImpl implements SupervisorWorkflow {
  private static final Logger log = Workflow.getLogger(SupervisorWorkflowImpl.class);
  private final SupervisorState s;
  private final Contracts.SupervisorConfig config;
  private final StreamActivities stream = Workflow.newActivityStub(StreamActivities.class);
  private final CommitActivities commits = Workflow.newActivityStub(CommitActivities.class);
  private final PlacementActivities placement = Workflow.newActivityStub(PlacementActivities.class);
  private final Random random = Workflow.newRandom();
  private boolean wake;
  /**
   * Whether {@link #wake} is cleared before an iteration rather than after it. After it, a signal that arrived
   * while the iteration waited (starting a task, say) was left unapplied until the next deadline; histories
   * recorded before the fix keep the old behavior on replay.
   */
  private boolean clearWakeBeforeIteration;
  /**
   * Whether the loop notices tasks that ended without reporting (terminated in Temporal, say) and sweeps segment
   * files no commit references. Histories recorded before they existed replay without them.
   */
  private boolean goneTasksAndSweeps;
  /**
   * Whether a task is cancelled at most once (see {@link #kill}). Histories recorded before may hold a second
   * cancellation of a task (a real server accepts it) and replay with it.
   */
  private boolean cancelOnce;
  /**
   * The tasks this run started, by id: a task whose workflow ends without its report (terminated in Temporal) is
   * known by its promise. Not state: tasks adopted across continue-as-new are known gone when a signal to them fails.
   */
  private final Map<String, Promise<Contracts.TaskReport>> children = new LinkedHashMap<>();
  /**
   * The orphan sweep under way, if any. Not state: a run that ends leaves it behind, and the next sweeps again from
   * the same horizon (sweeps that overlap are safe).
   */
  private Promise<Contracts.SweepResult> sweep;
  /** Cancellations under way, each on its own workflow thread; those done are dropped. */
  private final List<Promise<Void>> cancels = new ArrayList<>();
  /**
   * How long a run that ends waits for its cancellations to be answered: the server carries a request out after
   * the workflow task that made it, and drops it if the requesting run has closed by then.
   */
  private static final Duration CANCELS_WAIT = Duration.ofSeconds(30);
  /** Every this many sweeps, one looks back {@link #DEEP_SWEEP_LOOKBACK_MILLIS} before the horizon. */
  private static final int DEEP_SWEEP_EVERY = 24;
  /**
   * How far before the horizon a deep sweep looks: a file's last-modified time is when its upload began, and a
   * reading attempt cut off from Temporal may finish a slow upload long after.
   */
  private static final long DEEP_SWEEP_LOOKBACK_MILLIS = Duration.ofDays(7).toMillis();
  /** The running stream watcher (not state: a new run after continue-as-new starts its own). */
  private Promise<Contracts.WatchResult> watch;
  private CancellationScope watchScope;
  private Contracts.WatchInput watchInput;

  @WorkflowInit
  public SupervisorWorkflowImpl(Contracts.SupervisorInput input) {
    this.s = input.state() != null ? input.state() : SupervisorState.initial(input.spec());
    this.config = input.config() != null ? input.config() : Contracts.SupervisorConfig.defaults();
  }

  @Override
  public void run(Contracts.SupervisorInput input) {
    clearWakeBeforeIteration = Workflow.getVersion("clear-wake-before-iteration", Workflow.DEFAULT_VERSION, 1) >= 1;
    goneTasksAndSweeps = Workflow.getVersion("gone-tasks-and-orphan-sweep", Workflow.DEFAULT_VERSION, 1) >= 1;
    cancelOnce = Workflow.getVersion("cancel-once", Workflow.DEFAULT_VERSION, 1) >= 1;
    if (s.supervisorStartedMillis == 0) s.supervisorStartedMillis = Workflow.currentTimeMillis();
    if (!s.startDelayDone) {
      s.detailedState = "PENDING";
      publishDetails();
      Workflow.await(Duration.ofMillis(io().startDelayMillis()), () -> s.terminateRequested);
      s.startDelayDone = true;
    }
    while (true) {
      if (clearWakeBeforeIteration) wake = false;
      iterate();
      publishDetails();
      if (s.terminateRequested && s.tasks.isEmpty() && s.pendingReports.isEmpty()) {
        stopWatchingAndWait();
        awaitCancels();
        log.info("supervisor {} terminated; all tasks handed off", s.spec.id());
        return;
      }
      if (Workflow.getInfo().isContinueAsNewSuggested() || Workflow.getInfo().getHistoryLength() > config.continueAsNewAfterEvents()) {
        stopWatchingAndWait();
        awaitCancels();
        Workflow.await(Workflow::isEveryHandlerFinished);
        Workflow.continueAsNew(new Contracts.SupervisorInput(s.spec, config, s));
      }
      if (!clearWakeBeforeIteration) wake = false;
      long deadline = nextDeadline();
      if (deadline == Long.MAX_VALUE) {
        Workflow.await(() -> wake || watchReturned() || childGone() || sweepReturned());
      } else {
        Workflow.await(Duration.ofMillis(Math.max(1, deadline - Workflow.currentTimeMillis())),
            () -> wake || watchReturned() || childGone() || sweepReturned());
      }
    }
  }

  private boolean watchReturned() {
    return watch != null && watch.isCompleted();
  }

  private boolean sweepReturned() {
    return sweep != null && sweep.isCompleted();
  }

  /**
   * Before this run ends: its cancellations are answered (up to {@link #CANCELS_WAIT}; the Temporal test server
   * never answers one for a workflow that has closed). The sweep under way is left behind.
   */
  private void awaitCancels() {
    if (!goneTasksAndSweeps) return;
    cancels.removeIf(Promise::isCompleted);
    if (!cancels.isEmpty()) Workflow.await(CANCELS_WAIT, () -> cancels.stream().allMatch(Promise::isCompleted));
  }

  /** Whether a task this run started has ended with a failure of its workflow, not of its work (which it reports). */
  private boolean childGone() {
    if (!goneTasksAndSweeps) return false;
    for (Promise<Contracts.TaskReport> p : children.values()) if (p.isCompleted() && p.getFailure() != null) return true;
    return false;
  }

  /**
   * Check tasks: a task whose workflow ended without a report (terminated or timed out in Temporal) gets a failed
   * report in its place, so its group starts again from the committed offsets, as Druid's supervisor does when a
   * task it runs has failed. A report that arrives anyway is a duplicate, and ignored.
   */
  private void noticeGoneTasks() {
    for (var it = children.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Promise<Contracts.TaskReport>> e = it.next();
      if (!e.getValue().isCompleted()) continue;
      it.remove();
      RuntimeException failure = e.getValue().getFailure();
      if (failure != null) taskGone(e.getKey(), "its workflow " + endedHow(failure) + " before it reported");
    }
  }

  private static String endedHow(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof io.temporal.failure.TerminatedFailure) return "was terminated";
      if (c instanceof io.temporal.failure.TimeoutFailure) return "timed out";
      if (c instanceof io.temporal.failure.CanceledFailure) return "was cancelled";
    }
    Throwable root = failure;
    while (root.getCause() != null) root = root.getCause();
    return "failed (" + (root instanceof ApplicationFailure af ? af.getOriginalMessage() : root.getMessage()) + ")";
  }

  /** How long after a completionTimeout cancellation, and then how often, Temporal is asked if the task ended. */
  private long goneCheckMillis() {
    return Math.max(io().periodMillis(), 10_000);
  }

  /**
   * Check tasks, for those cancelled at completionTimeout that have not reported: a cancelled task reports once its
   * commit attempt in flight is over, but one terminated in Temporal never does, and cancelling it may not fail.
   * Temporal is asked about them, a while after the cancellation and then every {@link #goneCheckMillis}, until they
   * report or end.
   */
  private void checkCancelledTasks(long now) {
    List<String> due = new ArrayList<>();
    for (SupervisorState.TaskEntry t : s.tasks) {
      if (t.cancelRequested && now >= t.goneCheckAtMillis) due.add(t.taskId);
    }
    if (due.isEmpty()) return;
    try {
      List<String> ended = commits.endedTasks(due);
      for (String taskId : due) {
        if (ended.contains(taskId)) {
          taskGone(taskId, "its workflow ended without a report (found after the completionTimeout cancellation)");
        } else if (!cancelOnce) {
          cancelTask(taskId); // still running: again (this run's version; the test server refuses it, see kill)
        } else {
          // Not cancelled again: the request was recorded in this history when it was made, and Temporal carries
          // it out; it reaches a running task, which ends once its commit attempt in flight is over.
          log.info("supervisor {}: task {} is still running after its completionTimeout cancellation", s.spec.id(),
              taskId);
        }
      }
    } catch (ActivityFailure e) {
      log.warn("supervisor {}: could not ask Temporal about tasks {}: {}", s.spec.id(), due, e.getMessage());
    }
    for (SupervisorState.TaskEntry t : s.tasks) {
      if (due.contains(t.taskId)) t.goneCheckAtMillis = Workflow.currentTimeMillis() + goneCheckMillis();
    }
  }

  /** A task known to have ended without reporting: a failed report stands in for the one that never came. */
  private void taskGone(String taskId, String how) {
    for (SupervisorState.TaskEntry t : s.tasks) {
      if (!t.taskId.equals(taskId)) continue;
      log.warn("supervisor {}: task {} is gone: {}", s.spec.id(), taskId, how);
      s.pendingReports.add(new Contracts.TaskReport(taskId, Contracts.TaskReport.FAILED, t.startOffsets, null, 0,
          null, null, "TaskGone", how));
      wake = true;
      return;
    }
  }

  private KafkaIoConfig io() {
    return s.spec.ioConfig();
  }

  /** The next time the loop must run on its own: a rollover, a completionTimeout, a retry; MAX_VALUE if none. */
  private long nextDeadline() {
    long deadline = s.retryAtMillis == 0 ? Long.MAX_VALUE : s.retryAtMillis;
    if (watch == null && !s.terminateRequested) deadline = RunLoopPolicy.earliest(deadline, s.watchRetryAtMillis);
    if (s.createTasksAfterMillis > Workflow.currentTimeMillis()) {
      deadline = RunLoopPolicy.earliest(deadline, s.createTasksAfterMillis);
    }
    if (goneTasksAndSweeps && s.nextSweepMillis != 0 && sweep == null && !s.terminateRequested) {
      deadline = RunLoopPolicy.earliest(deadline, s.nextSweepMillis);
    }
    for (SupervisorState.TaskEntry t : s.tasks) {
      if ("READING".equals(t.phase)) {
        deadline = RunLoopPolicy.earliest(deadline, t.startedAtMillis + io().taskDurationMillis());
      } else if (t.cancelRequested) {
        if (goneTasksAndSweeps) deadline = RunLoopPolicy.earliest(deadline, t.goneCheckAtMillis);
      } else {
        deadline = RunLoopPolicy.earliest(deadline, t.publishingSinceMillis + io().completionTimeoutMillis() + 1);
        if (t.endOffsets == null && io().replicas() > 1
            && t.publishingSinceMillis + pauseWaitMillis() > Workflow.currentTimeMillis()) {
          deadline = RunLoopPolicy.earliest(deadline, t.publishingSinceMillis + pauseWaitMillis());
        }
      }
    }
    return deadline;
  }

  private void iterate() {
    boolean opFailed = false;
    boolean fetched = false;
    long now = Workflow.currentTimeMillis();
    if (goneTasksAndSweeps) noticeGoneTasks();
    applyTaskReports();

    if (!s.committedLoaded) {
      try {
        s.committed = commits.loadCommitted(new Contracts.LoadCommittedInput(s.spec.id()));
        s.committedLoaded = true;
      } catch (ActivityFailure e) {
        recordError(e, false);
        opFailed = true;
      }
    }

    if (watchReturned()) fetched = applyWatch();
    if (!s.firstIterationDone && !s.everConnected) s.detailedState = "CONNECTING_TO_STREAM";

    // Tasks in the state are this supervisor's, adopted across continue-as-new: they report by signal.
    if (!s.firstIterationDone && fetched) s.detailedState = "DISCOVERING_INITIAL_TASKS";

    if ((s.pendingFullReset || !s.pendingResetOffsets.isEmpty() || (!s.pendingAutoReset.isEmpty()
        && !RunLoopPolicy.partitionsBusy(s.pendingAutoReset.keySet(), s.tasks)))
        && s.committedLoaded && !opFailed) {
      opFailed = !carryOutReset();
    }

    now = Workflow.currentTimeMillis();
    boolean handoffAll = s.terminateRequested || s.pendingSpec != null || s.suspended || s.pendingTaskCount > 0;
    for (SupervisorState.TaskEntry t : s.tasks) {
      if ("READING".equals(t.phase) && (handoffAll || s.handoffGroups.contains(t.group)
          || RunLoopPolicy.shouldStopReading(t.startedAtMillis, now, io().taskDurationMillis()))) {
        stopReading(t, now);
      } else if ("PUBLISHING".equals(t.phase) && !t.cancelRequested
          && RunLoopPolicy.completionTimedOut(t.publishingSinceMillis, now, io().completionTimeoutMillis())) {
        t.cancelRequested = true;
        t.goneCheckAtMillis = now + goneCheckMillis();
        recordError("CompletionTimeout", "task " + t.taskId + " did not publish within completionTimeout "
            + io().completionTimeout() + "; cancelling it", false);
        cancelTask(t.taskId);
      }
    }
    if (goneTasksAndSweeps) checkCancelledTasks(now);
    s.handoffGroups.clear();
    if (io().replicas() > 1) agreeEndOffsets(now);

    if (s.pendingSpec != null && (s.tasks.isEmpty() || (allReadingDone()
        && s.pendingSpec.ioConfig().stream().equals(io().stream())))) {
      log.info("supervisor {}: applying the updated spec", s.spec.id());
      boolean topicChanged = !s.pendingSpec.ioConfig().stream().equals(io().stream());
      s.spec = s.pendingSpec;
      s.pendingSpec = null;
      s.suspended = s.spec.suspended();
      // as Druid's new supervisor for an updated spec: the autoscaler starts over, at taskCountMin
      s.taskCount = AutoScalerPolicy.initialTaskCount(io());
      s.pendingTaskCount = 0;
      s.supervisorStartedMillis = now;
      s.lagSamples = new ArrayList<>();
      s.lastLagSampleMillis = now; // newer than any sample a worker still holds, so none comes back
      s.lastScaleActionMillis = 0;
      if (topicChanged) { // another topic: nothing known about the old one applies; re-discovered by the watcher
        s.partitions = new ArrayList<>();
        s.partitionsDiscoveredLater = new ArrayList<>();
        s.earliestOffsets = new LinkedHashMap<>();
        s.latestOffsets = new LinkedHashMap<>();
        s.everConnected = false;
        s.firstIterationDone = false;
        stopWatching();
      }
    }

    if (s.pendingTaskCount > 0 && allReadingDone()) { // a scale action: every reading task has handed off
      log.info("supervisor {}: task count {} -> {}", s.spec.id(), s.taskCount(), s.pendingTaskCount);
      s.taskCount = s.pendingTaskCount;
      s.pendingTaskCount = 0;
    }

    boolean stayIdle = RunLoopPolicy.staysIdle(s.idle, s.latestOffsets, readUpTo());
    if (!opFailed && s.committedLoaded && !s.partitions.isEmpty() && !s.terminateRequested && s.pendingSpec == null
        && !s.suspended && s.pendingTaskCount == 0 && !stayIdle && now >= s.createTasksAfterMillis) {
      if (!s.firstIterationDone) s.detailedState = "CREATING_TASKS";
      opFailed = !createTasks(now);
    }

    if (goneTasksAndSweeps) {
      applySweep();
      if (!s.terminateRequested && s.committedLoaded && sweep == null) {
        if (s.nextSweepMillis == 0) {
          s.nextSweepMillis = now + config.orphanSweepPeriodMillis();
        } else if (now >= s.nextSweepMillis) {
          // not awaited: it lists the dataSource's files and reads commit records, while the loop goes on
          long since = s.sweepSinceMillis;
          if (since > 0 && s.sweepsStarted % DEEP_SWEEP_EVERY == DEEP_SWEEP_EVERY - 1) {
            since = Math.max(1, since - DEEP_SWEEP_LOOKBACK_MILLIS);
          }
          s.sweepsStarted++;
          sweep = Async.function(commits::sweepOrphans, new Contracts.SweepInput(s.spec.id(),
              config.orphanGraceMillis(), Workflow.currentTimeMillis(), since));
        }
      }
    }

    // Health: each failed step counts as a failed iteration, and is retried after period; a retry that works
    // counts as a good one. The watcher's fetches were counted when its answer was applied.
    if (opFailed || s.retryAtMillis != 0) {
      RunLoopPolicy.Health h = health().after(opFailed ? 0 : 1, opFailed ? 1 : 0, config.unhealthinessThreshold(),
          config.healthinessThreshold());
      setHealth(h);
      s.retryAtMillis = opFailed ? now + io().periodMillis() : 0;
      if (opFailed) s.lastErrorWasStream = false;
    }
    if (!opFailed && fetched) s.firstIterationDone = true;
    s.detailedState = RunLoopPolicy.detailedState(s.terminateRequested, s.suspended, s.unhealthySupervisor,
        s.lastErrorWasStream, s.everConnected, s.unhealthyTasks, stayIdle && s.tasks.isEmpty(),
        s.firstIterationDone, s.detailedState);
    if (!s.terminateRequested && Workflow.currentTimeMillis() >= s.watchRetryAtMillis) watchStream();
  }

  /**
   * The orphan sweep's result, once it has come: the dataSource's segment files that no commit references and none
   * can any more are deleted (a task's own cleanup cannot remove those of a task terminated in Temporal, or of one
   * whose commit failed). Housekeeping: a failure is logged, and the sweep runs again a period later from the same
   * horizon.
   */
  private void applySweep() {
    if (sweep == null || !sweep.isCompleted()) return;
    try {
      Contracts.SweepResult r = sweep.get();
      s.sweepSinceMillis = Math.max(s.sweepSinceMillis, r.nextSinceMillis());
      if (r.deleted() > 0) {
        log.info("supervisor {}: deleted {} segment files no commit references", s.spec.id(), r.deleted());
      }
    } catch (ActivityFailure e) {
      log.warn("supervisor {}: the sweep of unreferenced segment files failed; next try in {} ms: {}", s.spec.id(),
          config.orphanSweepPeriodMillis(), e.getMessage());
    }
    sweep = null;
    s.nextSweepMillis = Workflow.currentTimeMillis() + config.orphanSweepPeriodMillis();
  }

  /**
   * Cancels a task taken out of the state, unless it was cancelled already (at completionTimeout). Temporal's test
   * server, the dev stack's, refuses a second cancellation of a workflow with FAILED_PRECONDITION when the workflow
   * task that asks for it completes, and that workflow task can then never complete: the supervisor would stall. A
   * real server ignores a second request.
   */
  private void kill(SupervisorState.TaskEntry t) {
    if (!cancelOnce || !t.cancelRequested) cancelTask(t.taskId);
  }

  /** Cancels a task; one that has already ended (its report is on the way, or was applied) is left alone. */
  private void cancelTask(String taskId) {
    if (goneTasksAndSweeps) {
      // Not awaited: the request's answer may never come (the Temporal test server gives none for a workflow that
      // has closed), and the loop must not wait on it. A task that does not report is checked on (see
      // checkCancelledTasks).
      cancels.removeIf(Promise::isCompleted);
      cancels.add(Async.procedure(() -> requestCancel(taskId)));
    } else {
      requestCancel(taskId);
    }
  }

  private void requestCancel(String taskId) {
    try {
      Workflow.newUntypedExternalWorkflowStub(taskId).cancel();
    } catch (TemporalFailure | WorkflowException e) {
      log.info("supervisor {}: task {} could not be cancelled (it has ended): {}", s.spec.id(), taskId,
          e.getMessage());
      // still tracked: it ended without a report (one that was sent is applied first, and this one ignored)
      if (goneTasksAndSweeps) taskGone(taskId, "it could not be cancelled: " + e.getMessage());
    }
  }

  /** How long replicas told to stop wait for a slow one to pause before the others' end offsets are set. */
  private long pauseWaitMillis() {
    return Math.max(io().periodMillis(), 10_000);
  }

  /**
   * Replicas: once every replica of a group told to stop has paused (or, after {@link #pauseWaitMillis}, those
   * that have), sets the group's end offsets, the most any of them read, on all of them. A replica that had not
   * paused reads up to them too.
   */
  private void agreeEndOffsets(long now) {
    Map<String, List<SupervisorState.TaskEntry>> bySequence = new LinkedHashMap<>();
    for (SupervisorState.TaskEntry t : s.tasks) {
      if ("PUBLISHING".equals(t.phase) && t.endOffsets == null) {
        bySequence.computeIfAbsent(t.sequenceName, k -> new ArrayList<>()).add(t);
      }
    }
    for (List<SupervisorState.TaskEntry> replicas : bySequence.values()) {
      boolean allPaused = true;
      long since = 0;
      List<Map<StreamPartition, Long>> paused = new ArrayList<>();
      for (SupervisorState.TaskEntry t : replicas) {
        allPaused &= t.pausedAt != null;
        since = Math.max(since, t.publishingSinceMillis);
        paused.add(t.pausedAt);
      }
      Map<StreamPartition, Long> end = RunLoopPolicy.agreedEnd(paused);
      if (end == null || (!allPaused && now < since + pauseWaitMillis())) continue;
      for (SupervisorState.TaskEntry t : replicas) {
        t.endOffsets = new LinkedHashMap<>(end);
        try {
          Workflow.newExternalWorkflowStub(IndexingTaskWorkflow.class, t.taskId).setEndOffsets(end);
        } catch (TemporalFailure | WorkflowException e) { // it has ended: its report says how
          recordError("SignalFailed", "could not give task " + t.taskId + " its end offsets: " + e.getMessage(),
              false);
        }
      }
      log.info("supervisor {}: replicas {} read up to {}", s.spec.id(),
          replicas.stream().map(t -> t.taskId).toList(), end);
    }
  }

  /** The other replicas of {@code t} (same sequence name) this supervisor still tracks. */
  private List<SupervisorState.TaskEntry> siblings(SupervisorState.TaskEntry t) {
    List<SupervisorState.TaskEntry> out = new ArrayList<>();
    for (SupervisorState.TaskEntry e : s.tasks) {
      if (e != t && e.sequenceName.equals(t.sequenceName)) out.add(e);
    }
    return out;
  }

  /** Per partition, how far tasks have read for sure: committed offsets, then publishing tasks' end offsets. */
  private Map<StreamPartition, Long> readUpTo() {
    Map<StreamPartition, Long> readUpTo = new TreeMap<>(s.committed.partitionOffsets());
    for (SupervisorState.TaskEntry t : s.tasks) if (t.endOffsets != null) readUpTo.putAll(t.endOffsets);
    return readUpTo;
  }

  /**
   * Whether the autoscaler may act now: it runs, and every task is reading (Druid skips while task groups are
   * pending completion), with no suspension, idleness, spec change, reset or other scale action under way.
   */
  private boolean scaleAllowed() {
    if (!AutoScalerConfig.enabled(io().autoScalerConfig()) || s.terminateRequested || s.suspended
        || s.pendingSpec != null || s.idle || s.pendingTaskCount > 0 || s.pendingFullReset
        || !s.pendingResetOffsets.isEmpty() || s.tasks.isEmpty()) {
      return false;
    }
    for (SupervisorState.TaskEntry t : s.tasks) if (!"READING".equals(t.phase)) return false;
    return true;
  }

  /** The watcher asks for {@code desired} tasks: start Druid's scale action if it is still allowed. */
  private void scale(int desired) {
    AutoScalerConfig ac = io().autoScalerConfig();
    long now = Workflow.currentTimeMillis();
    // as Druid's check: skipped (samples kept) while not allowed or too soon after the last action
    if (!scaleAllowed()
        || (s.lastScaleActionMillis > 0 && now - s.lastScaleActionMillis < ac.minTriggerScaleActionFrequencyMillis())) {
      return;
    }
    List<Long> samples = s.lagSamples;
    s.lagSamples = new ArrayList<>(); // Druid clears its samples once it has computed a desired count
    int from = s.taskCount();
    if (desired == from || desired < ac.taskCountMin() || desired > ac.taskCountMax()) return;
    String what = AutoScalerPolicy.describe(from, desired, samples, ac);
    s.pendingTaskCount = desired;
    s.lastScaleActionMillis = now;
    List<SupervisorState.ScaleEvent> events = new ArrayList<>(s.scaleEvents);
    events.add(new SupervisorState.ScaleEvent(now, from, desired, what));
    while (events.size() > Math.max(1, config.maxStoredExceptionEvents())) events.remove(0);
    s.scaleEvents = events;
    log.info("supervisor {}: autoscaler: {}; the reading tasks hand off", s.spec.id(), what);
  }

  /** Whether every task has finished reading and reported where it ended. */
  private boolean allReadingDone() {
    for (SupervisorState.TaskEntry t : s.tasks) if (t.endOffsets == null) return false;
    return true;
  }

  private RunLoopPolicy.Health health() {
    return new RunLoopPolicy.Health(s.consecutiveIterationErrors, s.consecutiveIterationSuccesses,
        s.unhealthySupervisor);
  }

  private void setHealth(RunLoopPolicy.Health h) {
    s.consecutiveIterationErrors = h.consecutiveErrors();
    s.consecutiveIterationSuccesses = h.consecutiveSuccesses();
    s.unhealthySupervisor = h.unhealthy();
  }

  /**
   * Applies the stream watcher's answer: partitions, offsets, and its fetches to the health counters. Returns
   * whether it holds a successful fetch.
   */
  private boolean applyWatch() {
    Contracts.WatchResult r;
    try {
      r = watch.get();
    } catch (ActivityFailure e) { // its retries are unlimited, so this is a cancellation or a timeout
      r = new Contracts.WatchResult(Contracts.WatchResult.FAILED, null, 0, 0, 1, "WatchFailed",
          e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
    }
    watch = null;
    watchScope = null;
    watchInput = null;
    if (r.offsets() != null && r.successes() > 0) {
      boolean newData = RunLoopPolicy.newData(s.latestOffsets, r.offsets().latest());
      s.partitionsDiscoveredLater = RunLoopPolicy.discoveredLater(s.partitionsDiscoveredLater, s.partitions,
          r.offsets().partitions());
      s.partitions = RunLoopPolicy.knownPartitions(s.partitions, r.offsets().partitions());
      s.earliestOffsets = RunLoopPolicy.merge(s.earliestOffsets, r.offsets().earliest());
      s.latestOffsets = RunLoopPolicy.merge(s.latestOffsets, r.offsets().latest());
      forgetVanished(r.offsets().partitions());
      s.offsetsLastUpdatedMillis = r.fetchedAtMillis();
      s.everConnected = true;
      if (newData) {
        s.idle = false;
        s.lastNewDataMillis = r.fetchedAtMillis();
      }
    }
    if (r.lagSamples() != null) {
      s.lagSamples = new ArrayList<>(r.lagSamples());
      s.lastLagSampleMillis = r.lastLagSampleMillis();
    }
    if (Contracts.WatchResult.SCALE.equals(r.reason()) && r.desiredTaskCount() > 0) scale(r.desiredTaskCount());
    if (Contracts.WatchResult.INACTIVE.equals(r.reason()) && io().idleConfig() != null
        && io().idleConfig().enabled()) {
      s.idle = true;
    }
    if (r.failures() > 0) {
      recordError(r.errorType(), r.errorMessage(), true);
      s.watchRetryAtMillis = Workflow.currentTimeMillis() + io().periodMillis(); // as Druid's next iteration
    }
    setHealth(health().after(r.successes(), r.failures(), config.unhealthinessThreshold(),
        config.healthinessThreshold()));
    if (r.failures() > 0) s.lastErrorWasStream = true;
    return r.successes() > 0 && r.failures() == 0;
  }

  /**
   * topicPattern: forgets the known partitions that a successful discovery ({@code fetched}) no longer reports, as
   * Druid drops them (their topic was deleted, or no longer matches). No new task is given them, and the status
   * stops showing them; their committed offsets stay in the commit log, and tasks already reading them end as
   * usual. Histories recorded before this kept them: they replay the old way ("forget-vanished-partitions").
   */
  private void forgetVanished(List<StreamPartition> fetched) {
    List<StreamPartition> gone = RunLoopPolicy.vanished(s.partitions, fetched, io().multiTopic());
    if (gone.isEmpty()
        || Workflow.getVersion("forget-vanished-partitions", Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return;
    }
    s.partitions = RunLoopPolicy.without(s.partitions, gone);
    s.partitionsDiscoveredLater = RunLoopPolicy.without(s.partitionsDiscoveredLater, gone);
    s.earliestOffsets = RunLoopPolicy.without(s.earliestOffsets, gone);
    s.latestOffsets = RunLoopPolicy.without(s.latestOffsets, gone);
    log.warn("supervisor {}: partitions {} are no longer in topicPattern '{}' (topic deleted?); forgotten, their "
        + "committed offsets kept", s.spec.id(), gone, io().topicPattern());
  }

  /**
   * Keeps one stream watcher running with the parameters the state calls for; one started for another state
   * (say, before the supervisor turned unhealthy or idle) is replaced.
   */
  private void watchStream() {
    boolean idleEnabled = io().idleConfig() != null && io().idleConfig().enabled();
    Contracts.WatchInput in = new Contracts.WatchInput(io().topic(), io().consumerProperties(), io().periodMillis(),
        List.copyOf(s.partitions), Map.copyOf(s.latestOffsets),
        RunLoopPolicy.returnAfterSuccesses(s.firstIterationDone, s.unhealthySupervisor,
            s.consecutiveIterationSuccesses, config.healthinessThreshold()),
        s.idle, idleEnabled && !s.idle ? io().idleConfig().inactiveAfterMillis() : 0, s.lastNewDataMillis,
        SluiceOptions.MAX_WATCH_MILLIS, autoScaleWatch(), io().topicPattern());
    if (watch != null && sameWatch(watchInput, in)) return;
    stopWatching();
    watchInput = in;
    watchScope = Workflow.newCancellationScope(() -> watch = Async.function(stream::watchStream, in));
    watchScope.run();
  }

  /** Whether a running watcher already answers what {@code wanted} asks for. */
  private static boolean sameWatch(Contracts.WatchInput running, Contracts.WatchInput wanted) {
    return Objects.equals(running.topic(), wanted.topic())
        && Objects.equals(running.topicPattern(), wanted.topicPattern())
        && running.consumerProperties().equals(wanted.consumerProperties())
        && running.periodMillis() == wanted.periodMillis()
        && (running.returnAfterSuccesses() == Integer.MAX_VALUE) == (wanted.returnAfterSuccesses() == Integer.MAX_VALUE)
        && running.returnOnNewData() == wanted.returnOnNewData()
        && running.idleAfterMillis() == wanted.idleAfterMillis()
        && Objects.equals(autoScaleKey(running.autoScale()), autoScaleKey(wanted.autoScale()));
  }

  /**
   * The autoscaler's part of the watcher's input; null when it is off or stopping. The task count is the one a
   * scale action under way moves to, so applying it needs no new watcher.
   */
  private Contracts.AutoScaleWatch autoScaleWatch() {
    AutoScalerConfig ac = io().autoScalerConfig();
    if (!AutoScalerConfig.enabled(ac) || s.terminateRequested) return null;
    Map<String, Map<StreamPartition, Long>> reading = new TreeMap<>();
    for (SupervisorState.TaskEntry t : s.tasks) {
      if ("READING".equals(t.phase)) reading.put(t.taskId, new TreeMap<>(t.startOffsets));
    }
    return new Contracts.AutoScaleWatch(ac, s.pendingTaskCount > 0 ? s.pendingTaskCount : s.taskCount(),
        s.partitions.size(), scaleAllowed(),
        s.supervisorStartedMillis, s.lastScaleActionMillis, List.copyOf(s.lagSamples), s.lastLagSampleMillis,
        reading, readUpTo());
  }

  /**
   * What a running watcher's autoscaling depends on; a change restarts it. What changes with every task rollover
   * (the reading tasks, whether the autoscaler may act, offsets, samples) is left out: the watcher asks the
   * supervisor for it when it samples or checks, and keeps its newer samples itself. So the watcher is not
   * restarted at rollovers, which keeps history small.
   */
  private static List<Object> autoScaleKey(Contracts.AutoScaleWatch a) {
    if (a == null) return null;
    return List.of(a.config(), a.taskCount(), a.partitionCount(), a.supervisorStartedMillis(), a.lastActionMillis());
  }

  /** Stops the watcher and waits (boundedly) until it has acknowledged, before this run ends. */
  private void stopWatchingAndWait() {
    Promise<Contracts.WatchResult> running = watch;
    stopWatching();
    if (running != null) Workflow.await(Duration.ofMinutes(1), running::isCompleted);
  }

  private void stopWatching() {
    if (watchScope != null) watchScope.cancel();
    watch = null;
    watchScope = null;
    watchInput = null;
  }

  /**
   * Carries out an accepted reset: kills the affected tasks (they publish nothing), then appends the new offsets to
   * the commit log. Returns false if a step failed; the reset stays pending and is tried again.
   */
  private boolean carryOutReset() {
    try {
      Map<StreamPartition, Long> offsets = new LinkedHashMap<>();
      String reason = s.pendingFullReset ? "reset" : "resetOffsets";
      boolean autoDone = s.pendingFullReset; // a full reset supersedes an automatic one
      if (s.pendingFullReset || !s.pendingAutoReset.isEmpty()) {
        Contracts.StreamOffsets o = stream.fetchStreamOffsets(
            new Contracts.FetchOffsetsInput(io().topic(), io().consumerProperties(), io().topicPattern()));
        s.partitions = RunLoopPolicy.knownPartitions(s.partitions, o.partitions());
        s.earliestOffsets = RunLoopPolicy.merge(s.earliestOffsets, o.earliest());
        s.latestOffsets = RunLoopPolicy.merge(s.latestOffsets, o.latest());
        forgetVanished(o.partitions());
        if (s.pendingFullReset) {
          offsets.putAll(io().useEarliestOffset() ? o.earliest() : o.latest());
        } else if (!RunLoopPolicy.partitionsBusy(s.pendingAutoReset.keySet(), s.tasks)) {
          // The group's other tasks have finished (partitionsBusy), so the committed offsets are where reading resumes.
          Map<StreamPartition, Long> resumeAt = new LinkedHashMap<>(s.pendingAutoReset);
          for (StreamPartition p : s.pendingAutoReset.keySet()) {
            Long c = s.committed.partitionOffsets().get(p);
            if (c != null) resumeAt.put(p, c);
          }
          Map<StreamPartition, Long> auto = RunLoopPolicy.automaticReset(resumeAt, o.earliest(), o.latest(),
              io().useEarliestOffset());
          if (auto.isEmpty()) { // back in range by now: an ordinary task failure
            countTaskFailure(Failures.OFFSET_OUT_OF_RANGE, "offsets " + resumeAt + " were out of range for a task "
                + "but are available now (earliest " + o.earliest() + ", latest " + o.latest() + ")");
          }
          for (Map.Entry<StreamPartition, Long> e : auto.entrySet()) {
            long from = resumeAt.get(e.getKey());
            long to = e.getValue();
            String what = to > from ? (to - from) + " offsets skipped (DROPPED)"
                : (from - to) + " offsets to be read again (DUPLICATED if they were published)";
            log.warn("supervisor {}: resetOffsetAutomatically: partition {} offset {} is no longer available; "
                + "reset to {} ({}): {}", s.spec.id(), e.getKey(), from, to,
                io().useEarliestOffset() ? "earliest" : "latest", what);
            recordError("OffsetsResetAutomatically", "partition " + e.getKey() + ": offset " + from
                + " is no longer available in Kafka (earliest " + o.earliest().get(e.getKey()) + ", latest "
                + o.latest().get(e.getKey()) + "); reset to the " + (io().useEarliestOffset() ? "earliest" : "latest")
                + " offset " + to + " as resetOffsetAutomatically asks: " + what, false);
          }
          offsets.putAll(auto);
          reason = "resetOffsetAutomatically";
          autoDone = true;
        }
      }
      offsets.putAll(s.pendingResetOffsets);
      if (offsets.isEmpty()) {
        if (autoDone) s.pendingAutoReset = new LinkedHashMap<>();
        return true;
      }
      for (SupervisorState.TaskEntry t : new ArrayList<>(s.tasks)) {
        // a task reads the partitions it started with; after a scale action they may not be its group's now
        if (!Collections.disjoint(t.startOffsets.keySet(), offsets.keySet())) {
          s.tasks.remove(t); // its report, if any, is ignored: a killed task publishes nothing that counts
          kill(t);
          log.info("supervisor {}: killed task {} for a reset", s.spec.id(), t.taskId);
        }
      }
      s.committed = commits.resetOffsets(new Contracts.ResetInput(s.spec.id(), io().stream(), offsets, reason));
      log.info("supervisor {}: offsets reset to {} ({})", s.spec.id(), offsets, reason);
      s.pendingFullReset = false;
      s.pendingResetOffsets = new LinkedHashMap<>();
      if (autoDone) s.pendingAutoReset = new LinkedHashMap<>(); // else still waiting for the partitions' tasks
      s.idle = false;
      s.lagSamples = new ArrayList<>(); // as Druid's autoscaler forgets its samples on a reset
      s.lastLagSampleMillis = Workflow.currentTimeMillis();
      return true;
    } catch (ActivityFailure e) {
      recordError(e, false);
      return false;
    }
  }

  private void stopReading(SupervisorState.TaskEntry t, long now) {
    t.phase = "PUBLISHING";
    t.publishingSinceMillis = now;
    try {
      Workflow.newExternalWorkflowStub(IndexingTaskWorkflow.class, t.taskId).stopReading();
    } catch (TemporalFailure | WorkflowException e) {
      recordError("SignalFailed", "could not tell task " + t.taskId + " to publish: " + e.getMessage(), false);
      // The task has ended. A report it sent is applied first; without one, it failed (before, completionTimeout
      // found such a task, and the group never started again).
      if (goneTasksAndSweeps) taskGone(t.taskId, "it could not be told to publish: " + e.getMessage());
    }
  }

  /**
   * Starts the tasks of every task group that has none: {@code replicas} of them, with the same start offsets and
   * sequence name, each on a different worker while enough are alive. Returns false if a start failed.
   */
  private boolean createTasks(long now) {
    boolean sameTopic = io().stream().equals(s.committed.topic()) || s.committed.topic() == null;
    boolean ok = true;
    List<String> liveQueues = null;
    for (Map.Entry<Integer, List<StreamPartition>> g : RunLoopPolicy.groups(s.partitions, s.taskCount()).entrySet()) {
      if (!RunLoopPolicy.groupFree(g.getKey(), s.tasks)) continue;
      if (RunLoopPolicy.anyIn(g.getValue(), s.pendingAutoReset.keySet())) continue; // reset first
      Map<StreamPartition, Long> base = RunLoopPolicy.startOffsets(g.getValue(), s.committed.partitionOffsets(),
          sameTopic,
          s.earliestOffsets, s.latestOffsets, io().useEarliestOffset(), s.partitionsDiscoveredLater);
      RunLoopPolicy.Start chained = RunLoopPolicy.chainedStart(g.getValue(), base, s.tasks);
      Map<StreamPartition, Long> start = chained.offsets();
      List<String> chainedFrom = new ArrayList<>(chained.chainedFrom());
      for (SupervisorState.TaskEntry t : new ArrayList<>(s.tasks)) { // and their replicas, which commit the same
        if (chained.chainedFrom().contains(t.taskId)) {
          for (SupervisorState.TaskEntry sib : siblings(t)) {
            if (!chainedFrom.contains(sib.taskId)) chainedFrom.add(sib.taskId);
          }
        }
      }
      s.taskSequence++;
      String sequenceName = RunLoopPolicy.sequenceName(s.spec.id(), io().stream(), g.getKey(), start, s.taskSequence);
      List<String> queues = java.util.Collections.singletonList(null);
      if (io().replicas() > 1) {
        if (liveQueues == null) liveQueues = liveReadQueues();
        queues = RunLoopPolicy.placeReplicas(liveQueues, g.getKey(), io().replicas());
      }
      for (String queue : queues) {
        ok &= startTask(g.getKey(), g.getValue(), sequenceName, start, chainedFrom, chained.chainedPartitions(),
            queue, now);
      }
    }
    return ok;
  }

  /** The live workers' read queues, or none (any worker) if they cannot be listed. */
  private List<String> liveReadQueues() {
    try {
      return placement.liveReadQueues();
    } catch (ActivityFailure e) {
      log.warn("supervisor {}: could not list live workers; replicas go to any worker: {}", s.spec.id(),
          e.getMessage());
      return List.of();
    }
  }

  private boolean startTask(int group, List<StreamPartition> partitions, String sequenceName,
                            Map<StreamPartition, Long> start,
                            List<String> chainedFrom, List<StreamPartition> chainedPartitions, String queue, long now) {
    String taskId = RunLoopPolicy.taskId(sequenceName, random);
    Contracts.TaskInput input = new Contracts.TaskInput(taskId, s.spec.id(), sequenceName, s.spec, start, now,
        !chainedFrom.isEmpty(), chainedPartitions, queue);
    IndexingTaskWorkflow child = Workflow.newChildWorkflowStub(IndexingTaskWorkflow.class,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(taskId)
            .setTaskQueue(SluiceOptions.CONTROL_QUEUE)
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
            .setStaticSummary("Kafka indexing task for " + s.spec.id() + ", partitions " + partitions)
            .setMemo(Map.of("dataSource", s.spec.id(), "taskGroupId", group))
            .build());
    try {
      Promise<Contracts.TaskReport> ended = Async.function(child::run, input);
      Workflow.getWorkflowExecution(child).get();
      children.put(taskId, ended);
      SupervisorState.TaskEntry entry = new SupervisorState.TaskEntry(taskId, group, sequenceName, start, now);
      entry.chainedFrom = new ArrayList<>(chainedFrom);
      entry.readQueue = queue;
      s.tasks.add(entry);
      log.info("supervisor {}: started task {} at offsets {}{}{}", s.spec.id(), taskId, start,
          chainedFrom.isEmpty() ? "" : " (after " + chainedFrom + ", still publishing)",
          queue == null ? "" : " on " + queue);
      return true;
    } catch (ChildWorkflowFailure e) {
      recordError(e, false);
      return false;
    }
  }

  private void applyTaskReports() {
    List<Contracts.TaskReport> reports = s.pendingReports;
    s.pendingReports = new ArrayList<>();
    for (Contracts.TaskReport r : reports) {
      SupervisorState.TaskEntry t = null;
      for (SupervisorState.TaskEntry e : s.tasks) if (e.taskId.equals(r.taskId())) t = e;
      if (t == null) continue; // a duplicate report, or a task this supervisor no longer tracks
      if (Contracts.TaskReport.PAUSED.equals(r.status())) {
        if (t.endOffsets == null) t.pausedAt = r.endOffsets() == null ? null : new LinkedHashMap<>(r.endOffsets());
        continue;
      }
      if (Contracts.TaskReport.PUBLISHING.equals(r.status())) {
        t.endOffsets = r.endOffsets() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(r.endOffsets());
        if ("READING".equals(t.phase)) { // it reached a handoff limit by itself
          t.phase = "PUBLISHING";
          t.publishingSinceMillis = Workflow.currentTimeMillis();
        }
        continue;
      }
      List<SupervisorState.TaskEntry> siblings = siblings(t);
      s.tasks.remove(t);
      if (Contracts.TaskReport.SUCCESS.equals(r.status())) {
        if (r.head() != null && r.head().seq() >= s.committed.seq()) s.committed = r.head();
        for (SupervisorState.TaskEntry sib : siblings) { // its range is committed: the other replicas are redundant
          s.tasks.remove(sib);
          kill(sib);
          log.info("supervisor {}: stopped replica {}; {} published its range", s.spec.id(), sib.taskId, t.taskId);
        }
        s.consecutiveTaskFailures = 0;
        s.consecutiveTaskSuccesses++;
        if (s.consecutiveTaskSuccesses >= config.taskHealthinessThreshold()) s.unhealthyTasks = false;
        if (r.rowStats() != null) s.lastTaskRowStats = r.rowStats();
      } else {
        if (Failures.OFFSET_OUT_OF_RANGE.equals(r.errorType()) && s.spec.tuningConfig().resetOffsetAutomatically()
            && r.startOffsets() != null && siblings.isEmpty()) { // (the last replica of its group)
          // Druid's task asks its supervisor to reset instead of failing; here the supervisor checks which
          // partitions are still out of range and resets them (carryOutReset), with an event in recentErrors.
          s.pendingAutoReset.putAll(r.startOffsets());
          log.warn("supervisor {}: task {} found offsets no longer in Kafka: {}", s.spec.id(), r.taskId(),
              r.errorMessage());
        } else {
          countTaskFailure(r.errorType() == null ? "TaskFailed" : r.errorType(),
              "task " + r.taskId() + " failed: " + r.errorMessage());
        }
        if (!siblings.isEmpty()) { // another replica may still publish the range: the group goes on
          log.info("supervisor {}: replica {} failed; {} go on", s.spec.id(), t.taskId,
              siblings.stream().map(e -> e.taskId).toList());
          continue;
        }
        for (String doomed : RunLoopPolicy.chainedAfter(t.taskId, s.tasks)) { // they started from its offsets
          for (SupervisorState.TaskEntry e : new ArrayList<>(s.tasks)) {
            if (!e.taskId.equals(doomed)) continue;
            s.tasks.remove(e);
            kill(e);
          }
          log.info("supervisor {}: killed task {}, which started where failed task {} ended", s.spec.id(), doomed,
              t.taskId);
        }
        s.committedLoaded = false; // re-read the commit log before the next task starts
        s.createTasksAfterMillis = Workflow.currentTimeMillis() + io().periodMillis(); // no crash loop
      }
    }
  }

  /** A task failure: counted toward taskUnhealthinessThreshold and shown in recentErrors. */
  private void countTaskFailure(String type, String message) {
    s.consecutiveTaskSuccesses = 0;
    s.consecutiveTaskFailures++;
    if (s.consecutiveTaskFailures >= config.taskUnhealthinessThreshold()) s.unhealthyTasks = true;
    recordError(type, message, false);
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
    Map<StreamPartition, Long> lag = RunLoopPolicy.lag(s.latestOffsets, s.committed.partitionOffsets());
    Workflow.setCurrentDetails(String.format(
        "**%s** (%s)  \ntasks: %d reading, %d publishing  \ncommitted offsets: %s  \nlatest offsets: %s  \n"
            + "lag: %d  \npublished segments: %d, events: %d%s",
        s.detailedState, RunLoopPolicy.stateOf(s.detailedState), count("READING"), count("PUBLISHING"),
        s.committed.partitionOffsets(), s.latestOffsets, RunLoopPolicy.aggregateLag(lag),
        s.committed.totalSegments(), s.committed.totalEvents(), autoScalerDetails()));
  }

  /** The autoscaler's lines of the Web UI summary: the task count and its last action; empty when it is off. */
  private String autoScalerDetails() {
    AutoScalerConfig ac = io().autoScalerConfig();
    if (!AutoScalerConfig.enabled(ac)) return "";
    StringBuilder sb = new StringBuilder(String.format("  \ntask count: %d (autoscaler, %d to %d)%s",
        s.taskCount(), ac.taskCountMin(), ac.taskCountMax(),
        s.pendingTaskCount > 0 ? ", changing to " + s.pendingTaskCount : ""));
    if (!s.scaleEvents.isEmpty()) {
      SupervisorState.ScaleEvent e = s.scaleEvents.get(s.scaleEvents.size() - 1);
      sb.append("  \nlast scale action at ").append(java.time.Instant.ofEpochMilli(e.timestampMillis()))
          .append(": ").append(e.description());
    }
    return sb.toString();
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
  public void validateReset(Contracts.ResetRequest request) {
    if (request == null) throw new IllegalArgumentException("a reset request is required");
    if (s.terminateRequested) throw new IllegalStateException("supervisor " + s.spec.id() + " is terminating");
    if (request.offsets() != null) {
      String problem = RunLoopPolicy.resetOffsetsProblem(io().stream(), io().multiTopic(), request.stream(),
          request.offsets(), s.partitions);
      if (problem != null) throw new IllegalArgumentException(problem);
    }
  }

  @Override
  public String reset(Contracts.ResetRequest request) {
    if (request.offsets() == null) {
      s.pendingFullReset = true;
      s.pendingResetOffsets = new LinkedHashMap<>(); // a full reset supersedes partial ones not yet done
    } else {
      s.pendingResetOffsets.putAll(request.offsets());
    }
    wake = true;
    return s.spec.id();
  }

  @Override
  public void validateHandoffTaskGroups(List<Integer> taskGroupIds) {
    String problem = RunLoopPolicy.handoffProblem(taskGroupIds, s.taskCount());
    if (problem != null) throw new IllegalArgumentException(problem);
  }

  @Override
  public String handoffTaskGroups(List<Integer> taskGroupIds) {
    for (Integer g : taskGroupIds) if (!s.handoffGroups.contains(g)) s.handoffGroups.add(g);
    wake = true;
    return s.spec.id();
  }

  @Override
  public void taskPublishing(Contracts.TaskReport report) {
    s.pendingReports.add(report);
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
        active.add(new SupervisorStatus.TaskView(t.taskId, t.startOffsets, t.startedAtMillis, remaining, "ACTIVE",
            t.group));
      } else {
        publishing.add(new SupervisorStatus.TaskView(t.taskId, t.startOffsets, t.startedAtMillis, 0, "PUBLISHING",
            t.group));
      }
    }
    Map<StreamPartition, Long> lag = RunLoopPolicy.lag(s.latestOffsets, s.committed.partitionOffsets());
    return new SupervisorStatus(s.spec.id(), io().stream(), RunLoopPolicy.stateOf(s.detailedState), s.detailedState,
        !s.unhealthySupervisor && !s.unhealthyTasks, s.suspended, s.partitions.size(), io().replicas(),
        io().taskDurationMillis() / 1000, active, publishing, s.latestOffsets, s.committed.partitionOffsets(), lag,
        RunLoopPolicy.aggregateLag(lag), s.offsetsLastUpdatedMillis, s.recentErrors, s.committed.totalSegments(),
        s.committed.totalEvents(), s.committed.seq(), s.spec, s.taskCount(), s.pendingTaskCount, s.scaleEvents);
  }
}
