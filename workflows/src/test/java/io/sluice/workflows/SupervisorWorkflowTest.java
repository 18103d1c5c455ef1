package io.sluice.workflows;

import static io.sluice.workflows.Parts.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.segment.spec.SpecParser;
import io.sluice.segment.spec.SupervisorSpec;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The supervisor's run loop under time skipping, with a fake task workflow and fake activities. */
@org.junit.jupiter.api.Timeout(value = 90, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class SupervisorWorkflowTest {
  static final String SPEC = """
      {"type":"kafka","dataSchema":{"dataSource":"ds","metricsSpec":[{"type":"count","name":"count"}],
        "granularitySpec":{"segmentGranularity":"HOUR"}},
       "ioConfig":{"topic":"t","inputFormat":{"type":"json"},"consumerProperties":{"bootstrap.servers":"k:9092"},
        "useEarliestOffset":true,"taskDuration":"PT1H","startDelay":"PT5S","period":"PT30S"}}""";

  /**
   * How fake tasks behave: commit two minutes after they stop reading, fail at once, never finish publishing
   * (until cancelled), fail their workflow without reporting, or never finish publishing and ignore cancellation
   * (a commit stuck in a call that does not return, say).
   */
  enum TaskMode { OK, FAIL, HANG, CRASH, DEAF }

  /** A fake task starting at this offset fails its commit after reporting its end offsets (-1: none does). */
  static volatile long failCommitAtOffset = -1;

  static volatile TaskMode taskMode = TaskMode.OK;

  /** The orphan sweeps the supervisor asked for, and whether they fail. */
  static final List<Contracts.SweepInput> sweeps = new java.util.concurrent.CopyOnWriteArrayList<>();
  static volatile boolean sweepFails;
  /**
   * Sweeps from this one on (0-based; -1: none) do not return until {@link #sweepGate} opens: a slow sweep. The
   * test server stops workflow time while an activity runs, so meanwhile the test's time is real time.
   */
  static volatile int slowSweepsFrom = -1;
  static volatile java.util.concurrent.CountDownLatch sweepGate = new java.util.concurrent.CountDownLatch(0);

  /**
   * Each task reads 100 offsets per partition once told to stop, and commits them; or, per {@link #taskMode},
   * fails at once or hangs while publishing until cancelled (then reports a failure, as the real task does).
   */
  public static class FakeTask implements IndexingTaskWorkflow {
    private boolean stop;
    private Map<StreamPartition, Long> endOffsets;

    @Override
    public Contracts.TaskReport run(Contracts.TaskInput in) {
      // read through side effects: a replay (the worker may evict and replay) must see what the first run saw
      TaskMode mode = Workflow.sideEffect(TaskMode.class, () -> taskMode);
      long failCommitAt = Workflow.sideEffect(Long.class, () -> failCommitAtOffset);
      long earliest = Workflow.sideEffect(Long.class, () -> earliestOffset);
      SupervisorWorkflow supervisor = Workflow.newExternalWorkflowStub(SupervisorWorkflow.class,
          SupervisorWorkflow.workflowId(in.supervisorId()));
      if (in.startOffsets().values().stream().anyMatch(o -> o < earliest)) { // as the real task's consumer would
        Contracts.TaskReport failed = new Contracts.TaskReport(in.taskId(), Contracts.TaskReport.FAILED,
            in.startOffsets(), null, 0, null, null, Failures.OFFSET_OUT_OF_RANGE,
            "Offsets out of range in topic 't': " + in.startOffsets());
        Workflow.newDetachedCancellationScope(() -> supervisor.taskFinished(failed)).run();
        return failed;
      }
      if (mode == TaskMode.CRASH) { // the workflow itself fails, and never reports
        throw ApplicationFailure.newNonRetryableFailure("a bug in the task", "Bug");
      }
      if (mode == TaskMode.FAIL || mode == TaskMode.HANG) {
        try {
          if (mode == TaskMode.HANG) Workflow.await(() -> false);
          throw ApplicationFailure.newFailure("fake task failure", "FakeFailure");
        } catch (io.temporal.failure.CanceledFailure | ApplicationFailure e) {
          Contracts.TaskReport failed = new Contracts.TaskReport(in.taskId(), Contracts.TaskReport.FAILED,
              in.startOffsets(), null, 0, null, null, mode == TaskMode.HANG ? "Canceled" : "FakeFailure",
              e.getMessage());
          Workflow.newDetachedCancellationScope(() -> supervisor.taskFinished(failed)).run();
          return failed;
        }
      }
      placements.put(in.taskId(), String.valueOf(in.readQueue()));
      Workflow.await(() -> stop);
      Map<StreamPartition, Long> end = new TreeMap<>();
      if (in.replicated()) { // pause where this replica got to (the one on w2 read 7 more), then read to the end
        long more = "read@w2".equals(in.readQueue()) ? 7 : 0;
        Map<StreamPartition, Long> at = new TreeMap<>();
        in.startOffsets().forEach((p, o) -> at.put(p, o + 100 + more));
        supervisor.taskPublishing(new Contracts.TaskReport(in.taskId(), Contracts.TaskReport.PAUSED,
            in.startOffsets(), at, 0, null, null, null, null));
        Workflow.await(() -> endOffsets != null);
        end.putAll(endOffsets);
      } else {
        in.startOffsets().forEach((p, o) -> end.put(p, o + 100));
      }
      supervisor.taskPublishing(new Contracts.TaskReport(in.taskId(), Contracts.TaskReport.PUBLISHING,
          in.startOffsets(), end, 1, null, null, null, null));
      if (mode == TaskMode.DEAF) { // a cancellation does not reach this scope: it publishes until terminated
        Workflow.newDetachedCancellationScope(() -> Workflow.await(() -> false)).run();
      }
      Workflow.sleep(Duration.ofMinutes(2)); // pushing and committing take a while
      if (in.startOffsets().containsValue(failCommitAt)) {
        Contracts.TaskReport failed = new Contracts.TaskReport(in.taskId(), Contracts.TaskReport.FAILED,
            in.startOffsets(), null, 0, null, null, "InconsistentOffsets", "fake commit failure");
        supervisor.taskFinished(failed);
        return failed;
      }
      // through a side effect: a replay must not commit again
      Contracts.CommittedState head = Workflow.sideEffect(Contracts.CommittedState.class, () -> fakeCommit(in, end));
      while (head == null) { // a chained start whose predecessor has not committed yet, as the real log answers
        Workflow.sleep(Duration.ofSeconds(10));
        head = Workflow.sideEffect(Contracts.CommittedState.class, () -> fakeCommit(in, end));
      }
      if (head.seq() < 0) {
        Contracts.TaskReport failed = new Contracts.TaskReport(in.taskId(), Contracts.TaskReport.FAILED,
            in.startOffsets(), null, 0, null, null, "InconsistentOffsets", "fake commit log refused the offsets");
        supervisor.taskFinished(failed);
        return failed;
      }
      Contracts.TaskReport r = new Contracts.TaskReport(in.taskId(), Contracts.TaskReport.SUCCESS,
          in.startOffsets(), end, 1, new Contracts.RowStats(100, 0, 0, 0, 0), head, null, null);
      supervisor.taskFinished(r);
      return r;
    }

    @Override
    public void stopReading() {
      stop = true;
    }

    @Override
    public void paused(Map<StreamPartition, Long> positions) {
    }

    @Override
    public void setEndOffsets(Map<StreamPartition, Long> offsets) {
      endOffsets = offsets;
      stop = true;
    }

    @Override
    public Contracts.TaskControl control() {
      return new Contracts.TaskControl(stop, endOffsets);
    }

    @Override
    public Contracts.ReadProgress readResult() {
      return null;
    }

    @Override
    public List<Contracts.ParseError> parseExceptions() {
      return List.of();
    }
  }

  /** The read queue each fake task was given, by task id. */
  static final Map<String, String> placements = new java.util.concurrent.ConcurrentHashMap<>();
  /**
   * The fake commit log: committed offsets per partition, checked as the real one checks them (per partition, the
   * start must be the committed end, or 0 for a partition never committed; a chained partition whose predecessor
   * has not committed yet waits). Every refusal is a gap or an overlap, kept in {@link #violations}.
   */
  static final Map<StreamPartition, Long> logOffsets = new TreeMap<>();
  /** The stream the fake commit log records: the spec's topic, or its topicPattern. */
  static volatile String logTopic = "t";
  static long logSeq;
  static long logSegments;
  static long logEvents;
  static final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();

  static synchronized Contracts.CommittedState logHead() {
    return logSeq == 0 ? Contracts.CommittedState.empty()
        : new Contracts.CommittedState(logSeq, logTopic, new TreeMap<>(logOffsets), logSegments, logEvents);
  }

  /** Commits a fake task's range; null while a predecessor is pending; seq -1 if refused. */
  static synchronized Contracts.CommittedState fakeCommit(Contracts.TaskInput in, Map<StreamPartition, Long> end) {
    boolean covered = true; // another replica committed this very range: nothing to write, as the real log answers
    for (Map.Entry<StreamPartition, Long> e : end.entrySet()) {
      covered &= e.getValue().equals(logOffsets.get(e.getKey()));
    }
    if (covered && in.replicated()) return logHead();
    for (Map.Entry<StreamPartition, Long> e : in.startOffsets().entrySet()) {
      Long c = logOffsets.get(e.getKey());
      boolean chained = in.chainedPartitions() != null && in.chainedPartitions().contains(e.getKey());
      if (chained && (c == null || c < e.getValue())) return null;
      if (c == null ? e.getValue() != 0 : !c.equals(e.getValue())) {
        violations.add("task " + in.taskId() + " starts partition " + e.getKey() + " at " + e.getValue()
            + " but " + c + " is committed");
        return new Contracts.CommittedState(-1, "t", Map.of(), 0, 0);
      }
    }
    logOffsets.putAll(end);
    logSeq = Math.max(logSeq, 1999) + 1; // above the fake resets' seqs
    logSegments++;
    logEvents += 100L * end.size();
    return logHead();
  }

  static final AtomicBoolean kafkaUp = new AtomicBoolean(true);
  /** The fake topic's partitions; a test adds one to simulate a partition added at runtime. */
  static volatile List<StreamPartition> partitions = parts(0);
  /** Whether the fake topic stands still (for idleConfig); new data arrives when it is set to false. */
  static volatile boolean standingStill;
  /** The fake topic's latest offset in every partition. */
  static volatile long latestOffset = 1000;
  /** The fake topic's earliest offset in every partition (retention moves it). */
  static volatile long earliestOffset = 0;
  static final List<Contracts.ResetInput> resets = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** The fake topic's aggregate lag, as the autoscaler's samples see it. */
  static volatile long fakeLag;
  /** The fake watcher's lag samples between its attempts (the real one keeps them in memory too). */
  static volatile Contracts.WatchResult fakeSamples;
  /** The environment, for the fake watcher's clock: workflow time, which skips. */
  static volatile TestWorkflowEnvironment testEnv;

  /**
   * The stream watcher, faked for time skipping. The test server stops workflow time while an activity runs, so
   * where the real watcher blocks (polling Kafka every period, heartbeating), this one fails its attempt with a
   * retryable error: Temporal retries it after its backoff (up to 30 s of workflow time), during which time skips,
   * and a retried attempt adds no history event, just like the real watcher's quiet polling. It returns when the
   * real one would: at once where the real one would after a few periods.
   */
  public static class FakeStream implements StreamActivities {
    @Override
    public Contracts.StreamOffsets fetchStreamOffsets(Contracts.FetchOffsetsInput input) {
      if (!kafkaUp.get()) throw ApplicationFailure.newNonRetryableFailure("no broker", Failures.STREAM_UNAVAILABLE);
      Map<StreamPartition, Long> earliest = new TreeMap<>();
      Map<StreamPartition, Long> latest = new TreeMap<>();
      for (StreamPartition p : partitions) {
        earliest.put(p, earliestOffset);
        latest.put(p, latestOffset);
      }
      return new Contracts.StreamOffsets(partitions, earliest, latest);
    }

    @Override
    public Contracts.WatchResult watchStream(Contracts.WatchInput in) {
      int attempt = io.temporal.activity.Activity.getExecutionContext().getInfo().getAttempt();
      Contracts.StreamOffsets o;
      try {
        o = fetchStreamOffsets(new Contracts.FetchOffsetsInput(in.topic(), in.consumerProperties()));
      } catch (ApplicationFailure e) {
        return new Contracts.WatchResult(Contracts.WatchResult.FAILED, null, 0, attempt - 1, 1, e.getType(),
            e.getOriginalMessage());
      }
      long now = System.currentTimeMillis();
      String reason = null;
      int successes = attempt;
      if (!in.knownPartitions().containsAll(o.partitions())
          || (in.topicPattern() != null && !o.partitions().containsAll(in.knownPartitions()))) {
        reason = Contracts.WatchResult.PARTITIONS_CHANGED; // as the real watcher: a topicPattern's topic came or went
      } else if (in.returnAfterSuccesses() != Integer.MAX_VALUE) {
        reason = Contracts.WatchResult.SUCCEEDED;
        successes = in.returnAfterSuccesses();
      } else if (in.returnOnNewData() && !standingStill) {
        reason = Contracts.WatchResult.NEW_DATA;
      } else if (in.idleAfterMillis() > 0 && standingStill) {
        reason = Contracts.WatchResult.INACTIVE;
      }
      if (reason == null && in.autoScale() != null) {
        Contracts.WatchResult scale = autoScale(in.autoScale(), o, attempt);
        if (scale != null) return scale;
      }
      if (reason == null) throw ApplicationFailure.newFailure("nothing to report yet", "FakeWatcherPolling");
      return new Contracts.WatchResult(reason, o, now, successes, 0, null, null);
    }

    /**
     * The autoscaler's part, once per attempt: a sample of {@link #fakeLag} when one is due, and a check once one
     * may act (the real watcher checks on the grid; this one at its first attempt after). Like the real one, it
     * asks the supervisor by query whether it may act.
     */
    static Contracts.WatchResult autoScale(Contracts.AutoScaleWatch a, Contracts.StreamOffsets o, int attempt) {
      long now = testEnv.currentTimeMillis();
      SupervisorStatus st = testEnv.getWorkflowClient().newWorkflowStub(SupervisorWorkflow.class,
          SupervisorWorkflow.workflowId("ds")).status();
      boolean allowed = !st.suspended() && !"IDLE".equals(st.detailedState()) && st.publishingTasks().isEmpty()
          && !st.activeTasks().isEmpty() && st.pendingTaskCount() == 0;
      Contracts.WatchResult kept = fakeSamples;
      List<Long> samples = a.samples();
      long last = a.lastSampleMillis();
      if (kept != null && kept.lastLagSampleMillis() > last) {
        samples = kept.lagSamples();
        last = kept.lastLagSampleMillis();
      }
      if (!st.suspended() && now >= AutoScalerPolicy.nextSampleAt(a.supervisorStartedMillis(), last, a.config())) {
        samples = AutoScalerPolicy.addSample(samples, fakeLag, a.config());
        last = now;
      }
      fakeSamples = new Contracts.WatchResult(null, null, 0, 0, 0, null, null, samples, last, 0);
      if (!allowed || now < AutoScalerPolicy.nextCheckAt(a.supervisorStartedMillis(), a.lastActionMillis(),
          0, a.config())) {
        return null;
      }
      int desired = AutoScalerPolicy.desiredTaskCount(samples, a.taskCount(), o.partitions().size(), a.config());
      if (desired < 0 || desired == a.taskCount()) return null;
      fakeSamples = new Contracts.WatchResult(null, null, 0, 0, 0, null, null, List.of(), last, 0);
      return new Contracts.WatchResult(Contracts.WatchResult.SCALE, o, now, attempt, 0, null, null, samples, last,
          desired);
    }
  }

  public static class FakeCommits implements CommitActivities {
    @Override
    public Contracts.CommittedState loadCommitted(Contracts.LoadCommittedInput input) {
      return logHead();
    }

    @Override
    public Contracts.CommitResult commitSegments(Contracts.CommitInput input) {
      throw new UnsupportedOperationException("the fake task commits itself");
    }

    @Override
    public int cleanupPushed(Contracts.CleanupInput input) {
      return 0;
    }

    @Override
    public List<String> endedTasks(List<String> taskIds) {
      List<String> out = new java.util.ArrayList<>();
      for (String id : taskIds) {
        if (testEnv.getWorkflowClient().newUntypedWorkflowStub(id).describe().getStatus()
            != io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
          out.add(id);
        }
      }
      return out;
    }

    @Override
    public Contracts.SweepResult sweepOrphans(Contracts.SweepInput input) {
      sweeps.add(input);
      if (sweepFails) throw ApplicationFailure.newFailure("S3 is down", "IOException");
      if (slowSweepsFrom >= 0 && sweeps.size() > slowSweepsFrom) {
        try {
          if (!sweepGate.await(2, java.util.concurrent.TimeUnit.MINUTES)) throw new IllegalStateException("gate");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return new Contracts.SweepResult(0, input.nowMillis() - input.graceMillis());
    }

    @Override
    public Contracts.CommittedState resetOffsets(Contracts.ResetInput input) {
      synchronized (SupervisorWorkflowTest.class) {
        resets.add(input);
        logOffsets.putAll(input.offsets());
        logSeq = Math.max(logSeq, 1000) + 1;
        return logHead();
      }
    }
  }

  TestWorkflowEnvironment env;
  WorkflowClient client;

  @BeforeEach
  void setUp() {
    kafkaUp.set(true);
    partitions = parts(0);
    logTopic = "t";
    standingStill = false;
    latestOffset = 1000;
    earliestOffset = 0;
    taskMode = TaskMode.OK;
    failCommitAtOffset = -1;
    sweeps.clear();
    sweepFails = false;
    slowSweepsFrom = -1;
    sweepGate = new java.util.concurrent.CountDownLatch(1);
    synchronized (SupervisorWorkflowTest.class) {
      logOffsets.clear();
      logSeq = 0;
      logSegments = 0;
      logEvents = 0;
    }
    violations.clear();
    fakeLag = 0;
    fakeSamples = null;
    resets.clear();
    placements.clear();
    env = TestWorkflowEnvironment.newInstance();
    testEnv = env;
    Worker w = env.newWorker(SluiceOptions.CONTROL_QUEUE);
    w.registerWorkflowImplementationTypes(SluiceOptions.workflowOptions(), SupervisorWorkflowImpl.class,
        FakeTask.class);
    w.registerActivitiesImplementations(new FakeStream(), new FakeCommits(),
        (PlacementActivities) () -> List.of("read@w1", "read@w2"));
    env.start();
    client = env.getWorkflowClient();
  }

  /**
   * With {@code -Dsluice.recordHistories=<folder>} each scenario's supervisor history is saved there as
   * {@code supervisor-unit-<test>.json}; checked in under {@code tests/src/test/resources/histories}, the replay
   * test in {@code tests} replays them against the current code.
   */
  @AfterEach
  void tearDown(org.junit.jupiter.api.TestInfo info) throws java.io.IOException {
    sweepGate.countDown(); // first: a slow sweep's thread must not outlive its test
    String dir = System.getProperty("sluice.recordHistories", "");
    if (!dir.isBlank() && info.getTestMethod().isPresent()) {
      java.nio.file.Path out = java.nio.file.Path.of(dir);
      java.nio.file.Files.createDirectories(out);
      java.nio.file.Files.writeString(out.resolve("supervisor-unit-" + info.getTestMethod().get().getName() + ".json"),
          client.fetchHistory(SupervisorWorkflow.workflowId("ds")).toJson(true));
    }
    env.close();
  }

  /**
   * Steps workflow time a second at a time until {@code condition} holds (at most 100 steps). Time skipping returns
   * from a sleep before the worker has necessarily handled the last workflow task, so a state is asserted
   * eventually rather than at an exact instant.
   */
  void eventually(java.util.function.BooleanSupplier condition, java.util.function.Supplier<Object> describe) {
    for (int i = 0; i < 100; i++) {
      if (condition.getAsBoolean()) return;
      env.sleep(Duration.ofSeconds(1));
      // With no timer pending a skip returns at once, and a cold worker (the class's first test) may not have run
      // its workflow tasks yet: give it real time too, up to half a second per step of workflow time.
      for (int wait = 0; wait < 10 && !condition.getAsBoolean(); wait++) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
    throw new AssertionError("condition not reached; state: " + describe.get());
  }

  SupervisorWorkflow start(SupervisorSpec spec) {
    return start(spec, Contracts.SupervisorConfig.defaults());
  }

  SupervisorWorkflow start(SupervisorSpec spec, Contracts.SupervisorConfig config) {
    SupervisorWorkflow wf = client.newWorkflowStub(SupervisorWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(SupervisorWorkflow.workflowId(spec.id())).setTaskQueue(SluiceOptions.CONTROL_QUEUE).build());
    WorkflowClient.start(wf::run, new Contracts.SupervisorInput(spec, config, null));
    return wf;
  }

  /** The test spec with some ioConfig fields replaced, e.g. {@code "taskCount":2}. */
  static SupervisorSpec spec(String ioConfigFields) {
    return SpecParser.parse(SPEC.replace("\"period\":\"PT30S\"", "\"period\":\"PT30S\"," + ioConfigFields));
  }

  /** Waits until the supervisor runs one reading task, and returns the status. */
  SupervisorStatus oneTaskRunning(SupervisorWorkflow wf) {
    env.sleep(Duration.ofSeconds(10));
    eventually(() -> wf.status().activeTasks().size() == 1, wf::status);
    return wf.status();
  }

  @Test
  void tasksRollOverAtTaskDurationAndTheNextStartsWhereTheLastEnded() {
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    env.sleep(Duration.ofSeconds(10));
    eventually(() -> wf.status().activeTasks().size() == 1, wf::status);
    SupervisorStatus s = wf.status();
    assertEquals("RUNNING", s.detailedState());
    assertEquals(1, s.activeTasks().size());
    assertEquals(offs(0, 0L), s.activeTasks().get(0).startingOffsets());
    assertTrue(s.activeTasks().get(0).id().startsWith("index_kafka_ds_"));

    String first = s.activeTasks().get(0).id();
    env.sleep(Duration.ofHours(1));
    // no pause: the next task reads from where the first ended while the first is still publishing
    eventually(() -> wf.status().activeTasks().size() == 1 && wf.status().publishingTasks().size() == 1,
        wf::status);
    s = wf.status();
    assertEquals(first, s.publishingTasks().get(0).id());
    assertEquals(offs(0, 100L), s.activeTasks().get(0).startingOffsets(), "chained from the publisher's end");
    assertEquals(Map.of(), s.committedOffsets(), "not committed yet");

    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().committedOffsets().equals(offs(0, 100L)) && wf.status().activeTasks().size() == 1,
        wf::status);
    s = wf.status();
    assertEquals(offs(0, 100L), s.committedOffsets());
    assertEquals(1, s.activeTasks().size());
    assertEquals(offs(0, 100L), s.activeTasks().get(0).startingOffsets(), "next task starts at the end");
    assertEquals(1, s.publishedSegments());

    env.sleep(Duration.ofHours(1));
    eventually(() -> wf.status().committedOffsets().equals(offs(0, 200L)), wf::status);
  }

  /** The partitions each active task reads, as sets. */
  static java.util.Set<java.util.Set<StreamPartition>> activePartitionSets(SupervisorStatus s) {
    java.util.Set<java.util.Set<StreamPartition>> out = new java.util.HashSet<>();
    for (SupervisorStatus.TaskView t : s.activeTasks()) out.add(new java.util.TreeSet<>(t.startingOffsets().keySet()));
    return out;
  }

  /** A supervisor of {@code metrics-.*}, 2 tasks, over metrics-a (partitions 0, 1) and metrics-b (0). */
  private SupervisorWorkflow startTwoTopicPattern() {
    partitions = List.of(p("metrics-a", 0), p("metrics-a", 1), p("metrics-b", 0));
    logTopic = "metrics-.*";
    return start(SpecParser.parse(SPEC.replace("\"topic\":\"t\"", "\"topicPattern\":\"metrics-.*\"")
        .replace("\"period\":\"PT30S\"", "\"period\":\"PT30S\",\"taskCount\":2")));
  }

  @Test
  void aTopicPatternReadsEveryPartitionOfEveryMatchingTopicInDruidsTaskGroupsAndCommitsThemContinuously() {
    SupervisorWorkflow wf = startTwoTopicPattern();
    // Druid's groups for a multi-topic spec: Math.abs(31 * topic.hashCode() + partition) % taskCount
    Map<Integer, java.util.Set<StreamPartition>> groups = new TreeMap<>();
    for (StreamPartition sp : partitions) {
      groups.computeIfAbsent(Math.abs(31 * sp.topic().hashCode() + sp.partition()) % 2, g -> new java.util.TreeSet<>())
          .add(sp);
    }
    env.sleep(Duration.ofSeconds(10));
    eventually(() -> wf.status().activeTasks().size() == groups.size(), wf::status);
    SupervisorStatus s = wf.status();
    assertEquals("metrics-.*", s.topic(), "the status shows the pattern as the stream, as Druid does");
    assertEquals(3, s.partitions());
    assertEquals(new java.util.HashSet<>(groups.values()), activePartitionSets(s));
    for (SupervisorStatus.TaskView t : s.activeTasks()) {
      assertTrue(t.startingOffsets().values().stream().allMatch(o -> o == 0L), t.toString());
    }

    // two rollovers: each partition of both topics is committed from where it was last committed
    env.sleep(Duration.ofHours(1));
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().committedOffsets().equals(
        offs("metrics-a:0", 100L, "metrics-a:1", 100L, "metrics-b:0", 100L)), wf::status);
    // a topic created later that matches is found like a new partition, and read from its earliest offset by its
    // group's next task
    partitions = List.of(p("metrics-a", 0), p("metrics-a", 1), p("metrics-b", 0), p("metrics-c", 0));
    env.sleep(Duration.ofHours(1));
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().committedOffsets().equals(
        offs("metrics-a:0", 200L, "metrics-a:1", 200L, "metrics-b:0", 200L)), wf::status);
    s = wf.status();
    assertEquals(4, s.partitions());
    java.util.Set<StreamPartition> reading = new java.util.TreeSet<>();
    for (SupervisorStatus.TaskView t : s.activeTasks()) {
      int group = RunLoopPolicy.groupOf(t.startingOffsets().keySet().iterator().next(), 2);
      for (StreamPartition sp : t.startingOffsets().keySet()) {
        assertTrue(reading.add(sp), "one task per partition: " + s);
        assertEquals(group, RunLoopPolicy.groupOf(sp, 2), "a task reads one group: " + s);
      }
    }
    assertEquals(new java.util.TreeSet<>(partitions), reading, "every partition of every matching topic is read");
    assertTrue(s.activeTasks().stream().anyMatch(t -> Long.valueOf(0L).equals(t.startingOffsets().get(
        p("metrics-c", 0)))), s.toString());
    env.sleep(Duration.ofHours(1));
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().committedOffsets().equals(
        offs("metrics-a:0", 300L, "metrics-a:1", 300L, "metrics-b:0", 300L, "metrics-c:0", 100L)), wf::status);
    assertEquals(List.of(), violations, "no gap and no overlap in any (topic, partition)");
  }

  @Test
  void aTopicPatternTopicDeletedWhileRunningIsForgottenWhileTheOthersGoOnHealthy() {
    SupervisorWorkflow wf = startTwoTopicPattern();
    env.sleep(Duration.ofSeconds(10));
    eventually(() -> wf.status().activeTasks().size() == 2 && wf.status().partitions() == 3, wf::status);
    env.sleep(Duration.ofHours(1));
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().committedOffsets().equals(
        offs("metrics-a:0", 100L, "metrics-a:1", 100L, "metrics-b:0", 100L)), wf::status);

    // metrics-b is deleted: the next discovery no longer lists it, and the supervisor forgets its partition
    partitions = List.of(p("metrics-a", 0), p("metrics-a", 1));
    env.sleep(Duration.ofMinutes(1));
    eventually(() -> wf.status().partitions() == 2, wf::status);
    SupervisorStatus s = wf.status();
    assertEquals(offs("metrics-a:0", 1000L, "metrics-a:1", 1000L), s.latestOffsets(), s.toString());
    assertEquals(java.util.Set.of(p("metrics-a", 0), p("metrics-a", 1)), s.minimumLag().keySet(), s.toString());
    assertEquals("RUNNING", s.detailedState(), s.toString());

    // the task reading it when it went ends as usual; the next ones read metrics-a only, and metrics-b's committed
    // offset stays in the commit log
    env.sleep(Duration.ofHours(1));
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().committedOffsets().equals(
        offs("metrics-a:0", 200L, "metrics-a:1", 200L, "metrics-b:0", 200L)), wf::status);
    env.sleep(Duration.ofHours(1));
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().committedOffsets().equals(
        offs("metrics-a:0", 300L, "metrics-a:1", 300L, "metrics-b:0", 200L)), wf::status);
    s = wf.status();
    for (SupervisorStatus.TaskView t : s.activeTasks()) {
      assertTrue(!t.startingOffsets().containsKey(p("metrics-b", 0)), "a task for the deleted topic: " + s);
    }
    assertEquals("RUNNING", s.detailedState(), s.toString());
    assertTrue(s.healthy(), s.toString());
    assertEquals(List.of(), s.recentErrors(), "nothing failed");
    assertEquals(List.of(), violations, "no gap and no overlap in any (topic, partition)");
  }

  @Test
  void whenAPublisherFailsTheTaskChainedAfterItIsKilledAndReadingRestartsFromTheCommittedOffsets() {
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    failCommitAtOffset = 100; // the second task will fail its commit
    oneTaskRunning(wf);
    env.sleep(Duration.ofHours(1));
    eventually(() -> wf.status().activeTasks().size() == 1 && wf.status().publishingTasks().size() == 1,
        wf::status);
    String second = wf.status().activeTasks().get(0).id();
    env.sleep(Duration.ofMinutes(3)); // the first task commits 0..100
    eventually(() -> wf.status().committedOffsets().equals(offs(0, 100L)), wf::status);

    env.sleep(Duration.ofMinutes(58)); // the second stops reading at 200 (an hour after it started); a third chains
    // there, about a minute before the second's commit fails
    eventually(() -> wf.status().publishingTasks().stream().anyMatch(t -> t.id().equals(second))
        && wf.status().activeTasks().size() == 1, wf::status);
    String third = wf.status().activeTasks().get(0).id();
    assertEquals(offs(0, 200L), wf.status().activeTasks().get(0).startingOffsets());
    env.sleep(Duration.ofMinutes(3)); // the second's commit fails: the third must go, and a new one start
    eventually(() -> wf.status().activeTasks().size() == 1
        && !wf.status().activeTasks().get(0).id().equals(third), wf::status);
    SupervisorStatus s = wf.status();
    failCommitAtOffset = -1;
    assertEquals(offs(0, 100L), s.activeTasks().get(0).startingOffsets(), "from the committed offsets again");
    assertTrue(s.publishingTasks().isEmpty(), s.toString());
    assertEquals(offs(0, 100L), s.committedOffsets());
  }

  @Test
  void suspendPublishesAndStopsTasksUntilResume() {
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    env.sleep(Duration.ofSeconds(10));
    eventually(() -> wf.status().activeTasks().size() == 1, wf::status);
    String taskId = wf.status().activeTasks().get(0).id();
    wf.suspend();
    wf.suspend(); // idempotent
    env.sleep(Duration.ofMinutes(5));
    eventually(() -> wf.status().committedOffsets().equals(offs(0, 100L)),
        () -> wf.status() + "\ntask history: " + eventTypes(taskId) + "\nsupervisor history: "
            + eventTypes(SupervisorWorkflow.workflowId("ds")));
    SupervisorStatus s = wf.status();
    assertEquals("SUSPENDED", s.state());
    assertTrue(s.suspended());
    assertTrue(s.activeTasks().isEmpty() && s.publishingTasks().isEmpty(), "no task runs while suspended");
    assertEquals(offs(0, 100L), s.committedOffsets(), "the reading task published what it read");
    wf.resume();
    env.sleep(Duration.ofSeconds(40));
    eventually(() -> wf.status().activeTasks().size() == 1, wf::status);
    s = wf.status();
    assertEquals("RUNNING", s.detailedState());
    assertEquals(offs(0, 100L), s.activeTasks().get(0).startingOffsets(), "resumes from the committed offsets");
  }

  @Test
  void aSpecSubmittedSuspendedStartsNoTask() {
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC).withSuspended(true));
    env.sleep(Duration.ofMinutes(2));
    eventually(() -> "SUSPENDED".equals(wf.status().detailedState()), wf::status);
    assertTrue(wf.status().activeTasks().isEmpty());
  }

  @Test
  void terminateHandsOffAndEnds() {
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    env.sleep(Duration.ofSeconds(10));
    wf.terminate();
    wf.terminate(); // idempotent
    WorkflowStub.fromTyped(wf).getResult(Void.class);
    // the task it had was told to publish and did
  }

  @Test
  void unreachableStreamBecomesUnableToConnectThenLostContact() {
    kafkaUp.set(false);
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    env.sleep(Duration.ofSeconds(6));
    eventually(() -> "CONNECTING_TO_STREAM".equals(wf.status().detailedState()), wf::status); // below threshold
    env.sleep(Duration.ofMinutes(2));
    eventually(() -> "UNABLE_TO_CONNECT_TO_STREAM".equals(wf.status().detailedState()), wf::status);
    SupervisorStatus s = wf.status();
    assertEquals("UNHEALTHY_SUPERVISOR", s.state());
    assertTrue(s.recentErrors().get(s.recentErrors().size() - 1).streamException());

    kafkaUp.set(true);
    env.sleep(Duration.ofMinutes(2));
    eventually(() -> "RUNNING".equals(wf.status().detailedState()), wf::status); // after healthinessThreshold

    kafkaUp.set(false);
    env.sleep(Duration.ofMinutes(2));
    eventually(() -> "LOST_CONTACT_WITH_STREAM".equals(wf.status().detailedState()), wf::status);
  }

  @Test
  void aPublisherPastCompletionTimeoutIsCancelledAndReplaced() {
    taskMode = TaskMode.HANG;
    SupervisorWorkflow wf = start(spec("\"completionTimeout\":\"PT10M\""));
    String first = oneTaskRunning(wf).activeTasks().get(0).id();
    env.sleep(Duration.ofHours(1));
    eventually(() -> wf.status().publishingTasks().size() == 1, wf::status);
    taskMode = TaskMode.OK;
    env.sleep(Duration.ofMinutes(11));
    eventually(() -> wf.status().activeTasks().size() == 1 && !wf.status().activeTasks().get(0).id().equals(first),
        wf::status);
    SupervisorStatus s = wf.status();
    assertTrue(s.publishingTasks().isEmpty(), "the stuck publisher is gone");
    assertTrue(s.recentErrors().stream().anyMatch(e -> e.exceptionClass().equals("CompletionTimeout")),
        s.recentErrors().toString());
    assertEquals(offs(0, 0L), s.activeTasks().get(0).startingOffsets(), "it published nothing: start over");
  }

  @Test
  void tasksFailingRepeatedlyMakeUnhealthyTasksWithoutACrashLoop() {
    taskMode = TaskMode.FAIL;
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    env.sleep(Duration.ofSeconds(10));
    env.sleep(Duration.ofMinutes(2));
    eventually(() -> "UNHEALTHY_TASKS".equals(wf.status().detailedState()), wf::status);
    SupervisorStatus s = wf.status();
    assertEquals("UNHEALTHY_TASKS", s.state());
    assertTrue(!s.healthy());
    long failures = s.recentErrors().stream().filter(e -> e.exceptionClass().equals("FakeFailure")).count();
    assertTrue(failures >= 3 && failures <= 6, "one new task per period, not a crash loop: " + failures);

    taskMode = TaskMode.OK; // three tasks that succeed make it healthy again
    env.sleep(Duration.ofHours(4));
    eventually(() -> "RUNNING".equals(wf.status().detailedState()), wf::status);
    assertTrue(wf.status().healthy());
  }

  @Test
  void resetWhileSuspendedStartsFromTheEarliestOffsetsOnResume() {
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    oneTaskRunning(wf);
    wf.suspend();
    env.sleep(Duration.ofMinutes(1));
    eventually(() -> wf.status().committedOffsets().equals(offs(0, 100L)) && wf.status().publishingTasks().isEmpty(),
        wf::status);
    assertEquals("ds", wf.reset(new Contracts.ResetRequest(null, null)));
    env.sleep(Duration.ofSeconds(5));
    eventually(() -> wf.status().committedOffsets().equals(offs(0, 0L)), wf::status);
    assertEquals(1, resets.size());
    assertEquals(new Contracts.ResetInput("ds", "t", offs(0, 0L), "reset"), resets.get(0));
    assertEquals("SUSPENDED", wf.status().detailedState());
    assertTrue(wf.status().activeTasks().isEmpty(), "a reset does not start tasks while suspended");
    wf.resume();
    oneTaskRunning(wf);
    assertEquals(offs(0, 0L), wf.status().activeTasks().get(0).startingOffsets());
  }

  @Test
  void resetOffsetsKillsTheTaskAndRestartsFromTheGivenOffsets() {
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    String first = oneTaskRunning(wf).activeTasks().get(0).id();
    WorkflowUpdateException wrongStream = assertThrows(WorkflowUpdateException.class,
        () -> wf.reset(new Contracts.ResetRequest("other", offs(0, 5L))));
    assertTrue(rootMessage(wrongStream).contains("'other' is not this supervisor's topic 't'"),
        rootMessage(wrongStream));
    WorkflowUpdateException unknownPartition = assertThrows(WorkflowUpdateException.class,
        () -> wf.reset(new Contracts.ResetRequest("t", offs(7, 5L))));
    assertTrue(rootMessage(unknownPartition).contains("partition 7"), rootMessage(unknownPartition));
    assertThrows(WorkflowUpdateException.class, () -> wf.reset(new Contracts.ResetRequest("t", offs(0, -1L))));
    assertTrue(resets.isEmpty(), "refused requests change nothing");

    wf.reset(new Contracts.ResetRequest("t", offs(0, 500L)));
    wf.reset(new Contracts.ResetRequest("t", offs(0, 500L))); // idempotent
    env.sleep(Duration.ofSeconds(5));
    eventually(() -> wf.status().activeTasks().size() == 1
        && !wf.status().activeTasks().get(0).id().equals(first), wf::status);
    SupervisorStatus s = wf.status();
    assertEquals(offs(0, 500L), s.activeTasks().get(0).startingOffsets());
    assertEquals(offs(0, 500L), s.committedOffsets());
    assertTrue(s.publishingTasks().isEmpty(), "the old task was killed, not published");
  }

  @Test
  void offsetsLostToRetentionAreResetAutomaticallyWhenAsked() {
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC.replace("\"ioConfig\":",
        "\"tuningConfig\":{\"type\":\"kafka\",\"resetOffsetAutomatically\":true},\"ioConfig\":")));
    oneTaskRunning(wf);
    wf.suspend(); // the first task publishes 0-100
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().committedOffsets().equals(offs(0, 100L)) && wf.status().publishingTasks().isEmpty(),
        wf::status);
    earliestOffset = 400; // retention deletes offsets 100-399 while suspended
    wf.resume();
    env.sleep(Duration.ofSeconds(10));
    eventually(() -> wf.status().activeTasks().size() == 1
        && wf.status().activeTasks().get(0).startingOffsets().equals(offs(0, 400L)), wf::status);
    assertEquals(List.of(new Contracts.ResetInput("ds", "t", offs(0, 400L), "resetOffsetAutomatically")), resets);
    SupervisorStatus s = wf.status();
    assertEquals(offs(0, 400L), s.committedOffsets());
    SupervisorState.ErrorEvent event = s.recentErrors().stream()
        .filter(e -> e.exceptionClass().equals("OffsetsResetAutomatically")).findFirst().orElseThrow();
    assertTrue(event.message().contains("partition 0: offset 100 is no longer available in Kafka (earliest 400")
        && event.message().contains("300 offsets skipped"), event.message());
    assertTrue(s.healthy(), "an automatic reset is not a task failure: " + s);
    assertTrue(s.recentErrors().stream().noneMatch(e -> e.exceptionClass().equals(Failures.OFFSET_OUT_OF_RANGE)),
        s.toString());
  }

  @Test
  void offsetsLostToRetentionFailTheTaskWithoutResetOffsetAutomatically() {
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    oneTaskRunning(wf);
    wf.suspend();
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().committedOffsets().equals(offs(0, 100L)) && wf.status().publishingTasks().isEmpty(),
        wf::status);
    earliestOffset = 400;
    wf.resume();
    env.sleep(Duration.ofSeconds(10));
    eventually(() -> wf.status().recentErrors().stream()
        .anyMatch(e -> e.exceptionClass().equals(Failures.OFFSET_OUT_OF_RANGE)), wf::status);
    env.sleep(Duration.ofMinutes(2));
    eventually(() -> "UNHEALTHY_TASKS".equals(wf.status().detailedState()), wf::status);
    assertTrue(resets.isEmpty(), "nothing is reset without the operator");
    assertEquals(offs(0, 100L), wf.status().committedOffsets());
  }

  @Test
  void replicasRunOnDifferentWorkersAgreeOnTheirEndAndOnePublishes() {
    SupervisorWorkflow wf = start(spec("\"replicas\":2"));
    env.sleep(Duration.ofSeconds(10));
    eventually(() -> wf.status().activeTasks().size() == 2, wf::status);
    SupervisorStatus s = wf.status();
    assertEquals(s.activeTasks().get(0).startingOffsets(), s.activeTasks().get(1).startingOffsets());
    List<String> first = s.activeTasks().stream().map(SupervisorStatus.TaskView::id).toList();
    eventually(() -> placements.keySet().containsAll(first), () -> placements);
    assertEquals(java.util.Set.of("read@w1", "read@w2"),
        java.util.Set.of(placements.get(first.get(0)), placements.get(first.get(1))), "one replica per worker");

    env.sleep(Duration.ofHours(1)); // rollover: both pause (at 100 and 107), both read to 107, one publishes
    eventually(() -> wf.status().activeTasks().size() == 2
        && wf.status().activeTasks().stream().noneMatch(t -> first.contains(t.id())), wf::status);
    for (SupervisorStatus.TaskView t : wf.status().activeTasks()) {
      assertEquals(offs(0, 107L), t.startingOffsets(), "the next replicas start at the agreed end");
    }
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().committedOffsets().equals(offs(0, 107L)) && wf.status().publishingTasks().isEmpty(),
        wf::status);
    assertTrue(wf.status().healthy(), "the redundant replica was stopped, not failed: " + wf.status());
    assertTrue(wf.status().recentErrors().isEmpty(), wf.status().recentErrors().toString());
  }

  @Test
  void aSpecUpdateMidTaskHandsOffAndTheNewSpecGoesOnFromTheEndOffsetsWithoutAPause() {
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    String first = oneTaskRunning(wf).activeTasks().get(0).id();
    env.sleep(Duration.ofMinutes(10)); // mid-task
    wf.updateSpec(SpecParser.parse(SPEC.replace("\"taskDuration\":\"PT1H\"", "\"taskDuration\":\"PT2H\"")));
    wf.updateSpec(SpecParser.parse(SPEC.replace("\"taskDuration\":\"PT1H\"", "\"taskDuration\":\"PT2H\""))); // idempotent
    env.sleep(Duration.ofSeconds(5));
    eventually(() -> wf.status().activeTasks().size() == 1 && !wf.status().activeTasks().get(0).id().equals(first),
        wf::status);
    SupervisorStatus s = wf.status();
    assertEquals(offs(0, 100L), s.activeTasks().get(0).startingOffsets(), "the new task starts where the old ended");
    assertEquals(List.of(first), s.publishingTasks().stream().map(SupervisorStatus.TaskView::id).toList(),
        "while the old one still publishes: no pause in reading");
    assertEquals(7200, s.durationSeconds(), "the new spec is in force");
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().committedOffsets().equals(offs(0, 100L)) && wf.status().publishingTasks().isEmpty(),
        wf::status);
    assertEquals(1, wf.status().activeTasks().size());
  }

  @Test
  void handoffTaskGroupsPublishesEarly() {
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    String first = oneTaskRunning(wf).activeTasks().get(0).id();
    WorkflowUpdateException e = assertThrows(WorkflowUpdateException.class,
        () -> wf.handoffTaskGroups(List.of(3)));
    assertTrue(rootMessage(e).contains("task group 3 does not exist"), rootMessage(e));
    wf.handoffTaskGroups(List.of(0));
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().committedOffsets().equals(offs(0, 100L)) && wf.status().activeTasks().size() == 1,
        wf::status);
    assertTrue(!wf.status().activeTasks().get(0).id().equals(first), "a new task took over");
  }

  @Test
  void aPartitionAddedAtRuntimeGetsATaskFromTheEarliestOffset() {
    SupervisorWorkflow wf = start(spec("\"taskCount\":2"));
    oneTaskRunning(wf);
    partitions = parts(0, 1);
    env.sleep(Duration.ofMinutes(1));
    eventually(() -> wf.status().activeTasks().size() == 2, wf::status);
    SupervisorStatus s = wf.status();
    assertEquals(2, s.partitions());
    assertTrue(s.activeTasks().stream().anyMatch(t -> t.startingOffsets().equals(offs(1, 0L))), s.toString());
  }

  @Test
  void idleSupervisorStartsNoTaskUntilNewDataArrives() {
    latestOffset = 100; // the first task reads everything there is
    SupervisorWorkflow wf = start(spec("\"idleConfig\":{\"enabled\":true,\"inactiveAfterMillis\":60000}"));
    oneTaskRunning(wf);
    standingStill = true;
    env.sleep(Duration.ofHours(1));
    env.sleep(Duration.ofMinutes(3)); // the task publishes; with nothing new to read, none follows it
    eventually(() -> "IDLE".equals(wf.status().detailedState()), wf::status);
    SupervisorStatus s = wf.status();
    assertEquals("IDLE", s.state());
    assertEquals(offs(0, 100L), s.committedOffsets());
    assertTrue(s.activeTasks().isEmpty(), "no task while idle");
    env.sleep(Duration.ofMinutes(30));
    assertTrue(wf.status().activeTasks().isEmpty(), "still none: nothing new");

    latestOffset = 250;
    standingStill = false;
    env.sleep(Duration.ofMinutes(1));
    eventually(() -> wf.status().activeTasks().size() == 1, wf::status);
    assertEquals("RUNNING", wf.status().detailedState());
    assertEquals(offs(0, 100L), wf.status().activeTasks().get(0).startingOffsets());
  }

  /**
   * A small event limit makes the supervisor continue as new; the new run carries the committed offsets, the
   * running task and the health counters. (After continue-as-new this test only queries: the Java test server
   * keeps workflow time from skipping once an activity in retry backoff was cancelled, which is how the fake
   * watcher gets cancelled here.)
   */
  @Test
  void continueAsNewCarriesTheWholeState() throws InterruptedException {
    Contracts.SupervisorConfig small = new Contracts.SupervisorConfig(3, 3, 3, 3, 20, 40);
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC), small);
    String runId = WorkflowStub.fromTyped(wf).getExecution().getRunId();
    oneTaskRunning(wf);
    wf.suspend(); // the task publishes 100 offsets; then a new task starts from them: events enough to continue
    env.sleep(Duration.ofMinutes(1));
    eventually(() -> wf.status().committedOffsets().equals(offs(0, 100L)), wf::status);
    wf.resume();
    String newRunId = runId;
    for (int i = 0; i < 100 && newRunId.equals(runId); i++) {
      Thread.sleep(100);
      newRunId = client.newUntypedWorkflowStub(SupervisorWorkflow.workflowId("ds")).describe()
          .getExecution().getRunId();
    }
    assertTrue(!newRunId.equals(runId), "it continued as new");
    SupervisorWorkflow latest = client.newWorkflowStub(SupervisorWorkflow.class, SupervisorWorkflow.workflowId("ds"));
    SupervisorStatus s = latest.status();
    for (int i = 0; i < 100 && s.activeTasks().isEmpty(); i++) {
      Thread.sleep(100);
      s = latest.status();
    }
    assertEquals(offs(0, 100L), s.committedOffsets());
    assertEquals(1, s.publishedSegments());
    assertEquals(1, s.activeTasks().size(), s.toString());
    assertEquals(offs(0, 100L), s.activeTasks().get(0).startingOffsets());
    assertEquals(offs(0, 1000L), s.latestOffsets());
    assertTrue(s.healthy());
  }

  /** The recent errors' messages, one per line. */
  static String errors(SupervisorStatus s) {
    StringBuilder b = new StringBuilder();
    for (SupervisorState.ErrorEvent e : s.recentErrors()) b.append(e.exceptionClass()).append(": ").append(e.message()).append('\n');
    return b.toString();
  }

  @Test
  void aTaskTerminatedInTemporalIsFoundGoneAndItsGroupStartsAgainFromTheCommittedOffsets() {
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    String first = oneTaskRunning(wf).activeTasks().get(0).id();
    client.newUntypedWorkflowStub(first).terminate("an operator, in the Web UI");
    // It never reports. A real Temporal server tells the parent at once; the test server does not, so here the
    // supervisor finds it gone when it tells it to publish, at taskDuration. Before, the group waited for it
    // forever: past taskDuration, then past completionTimeout, whose cancel found it gone and did nothing more.
    env.sleep(Duration.ofHours(1));
    eventually(() -> wf.status().activeTasks().size() == 1 && !wf.status().activeTasks().get(0).id().equals(first)
        && wf.status().publishingTasks().isEmpty(), wf::status);
    SupervisorStatus s = wf.status();
    assertEquals(offs(0, 0L), s.activeTasks().get(0).startingOffsets(), "from the committed offsets: none yet");
    assertTrue(errors(s).contains("TaskGone: task " + first + " failed: it could not be told to publish"),
        errors(s));
    env.sleep(Duration.ofHours(1));
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().committedOffsets().equals(offs(0, 100L)), wf::status);
  }

  @Test
  void aTaskTerminatedWhilePublishingIsFoundGoneAfterItsCompletionTimeoutCancellation() {
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    String first = oneTaskRunning(wf).activeTasks().get(0).id();
    env.sleep(Duration.ofHours(1));
    eventually(() -> wf.status().publishingTasks().size() == 1, wf::status); // publishing for two minutes
    client.newUntypedWorkflowStub(first).terminate("an operator, in the Web UI");
    env.sleep(Duration.ofMinutes(31)); // completionTimeout: the cancellation does not fail, the task never reports
    eventually(() -> errors(wf.status()).contains("TaskGone: task " + first + " failed: its workflow ended "
        + "without a report"), wf::status);
    env.sleep(Duration.ofSeconds(30));
    eventually(() -> wf.status().publishingTasks().isEmpty() && wf.status().activeTasks().size() == 1
        && wf.status().activeTasks().get(0).startingOffsets().equals(offs(0, 0L)), wf::status);
  }

  @Test
  void aTaskWorkflowThatFailsWithoutReportingIsFoundGoneAtOnce() {
    taskMode = TaskMode.CRASH;
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    env.sleep(Duration.ofSeconds(10));
    eventually(() -> errors(wf.status()).contains("its workflow failed (a bug in the task) before it reported"),
        wf::status);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "TaskGone: task (\\S+) failed: its workflow failed \\(a bug in the task\\)").matcher(errors(wf.status()));
    assertTrue(m.find(), errors(wf.status()));
    String first = m.group(1);
    assertTrue(first.startsWith("index_kafka_ds_"), first);
    taskMode = TaskMode.OK;
    env.sleep(Duration.ofSeconds(30)); // a period later, a new task from the committed offsets
    eventually(() -> wf.status().activeTasks().size() == 1 && !wf.status().activeTasks().get(0).id().equals(first),
        wf::status);
    assertEquals(offs(0, 0L), wf.status().activeTasks().get(0).startingOffsets());
  }

  @Test
  void theSupervisorSweepsUnreferencedSegmentFilesEveryPeriodFromTheLastHorizonAndAFailedSweepIsOnlyLogged() {
    long grace = Duration.ofMinutes(5).toMillis();
    Contracts.SupervisorConfig config = new Contracts.SupervisorConfig(3, 3, 3, 3, 20, 10_000,
        Duration.ofMinutes(10).toMillis(), grace);
    sweepFails = true;
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC), config);
    oneTaskRunning(wf);
    env.sleep(Duration.ofMinutes(9));
    assertEquals(List.of(), sweeps, "the first sweep is a period after the start");
    env.sleep(Duration.ofMinutes(2));
    eventually(() -> sweeps.size() == 3, () -> sweeps); // its three attempts
    assertEquals("ds", sweeps.get(0).dataSource());
    assertEquals(grace, sweeps.get(0).graceMillis());
    assertEquals(0, sweeps.get(0).sinceMillis(), "the first sweep looks at every file");
    assertTrue(wf.status().healthy(), "housekeeping that fails does not make the supervisor unhealthy");
    assertEquals("RUNNING", wf.status().detailedState());
    sweepFails = false;
    env.sleep(Duration.ofMinutes(20)); // nothing else happens in these 20 minutes: the sweep's own deadline wakes it
    eventually(() -> sweeps.size() == 5, () -> sweeps);
    assertEquals(0, sweeps.get(3).sinceMillis(), "a failed sweep leaves the horizon where it was");
    assertEquals(sweeps.get(3).nowMillis() - grace, sweeps.get(4).sinceMillis(), "the last one's horizon");
    assertTrue(sweeps.get(4).nowMillis() - sweeps.get(3).nowMillis() >= Duration.ofMinutes(10).toMillis());
    assertEquals("RUNNING", wf.status().detailedState());

    // every 24th sweep started (the first, failed, had three attempts) looks a week further back
    env.sleep(Duration.ofHours(4));
    eventually(() -> sweeps.size() >= 27, () -> sweeps.size());
    long week = Duration.ofDays(7).toMillis();
    assertEquals(sweeps.get(24).nowMillis() - grace - week, sweeps.get(25).sinceMillis(), "a deep sweep");
    assertEquals(sweeps.get(25).nowMillis() - grace, sweeps.get(26).sinceMillis(), "then from the horizon again");
    assertEquals(sweeps.get(23).nowMillis() - grace, sweeps.get(24).sinceMillis());
  }

  /** How many times the supervisor's current run asked Temporal to cancel this task. */
  long cancelRequests(String taskId) {
    return client.fetchHistory(SupervisorWorkflow.workflowId("ds")).getEvents().stream()
        .filter(e -> e.hasRequestCancelExternalWorkflowExecutionInitiatedEventAttributes()
            && e.getRequestCancelExternalWorkflowExecutionInitiatedEventAttributes().getWorkflowExecution()
            .getWorkflowId().equals(taskId))
        .count();
  }

  /** How many times the supervisor's current run asked Temporal which tasks have ended. */
  long endedTasksAsked() {
    return client.fetchHistory(SupervisorWorkflow.workflowId("ds")).getEvents().stream()
        .filter(e -> e.hasActivityTaskScheduledEventAttributes()
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("EndedTasks"))
        .count();
  }

  @Test
  void aPublisherThatIgnoresItsCancellationIsAskedAboutEveryPeriodAndNeverCancelledTwice() {
    taskMode = TaskMode.DEAF;
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    String first = oneTaskRunning(wf).activeTasks().get(0).id();
    env.sleep(Duration.ofHours(1));
    eventually(() -> wf.status().publishingTasks().size() == 1, wf::status);
    // tasks started from here on behave (the one chained after it may have started deaf: the reset below kills it
    // while it reads, before deafness matters)
    taskMode = TaskMode.OK;
    env.sleep(Duration.ofMinutes(31)); // past completionTimeout (PT30M): cancelled, and it goes on publishing
    eventually(() -> cancelRequests(first) == 1, wf::status);
    // Temporal is asked about it a period (30 s) after the cancellation, then every period. The test server refuses
    // a second cancellation of a workflow, and the supervisor's workflow task that asked for it could never
    // complete: a resend stalled the supervisor for good (this test found it). So it asks, and waits.
    env.sleep(Duration.ofMinutes(2));
    eventually(() -> endedTasksAsked() >= 4, this::endedTasksAsked);
    SupervisorStatus s = wf.status();
    assertEquals(1, cancelRequests(first));
    assertTrue(s.publishingTasks().stream().anyMatch(t -> t.id().equals(first)), "still tracked: " + s);
    assertTrue(errors(s).contains("CompletionTimeout: task " + first), errors(s));
    assertTrue(!errors(s).contains("TaskGone"), "a task still running is not gone: " + errors(s));

    // a reset kills the tasks of its partitions: the one already cancelled is not cancelled again
    wf.reset(new Contracts.ResetRequest("t", offs(0, 300L)));
    env.sleep(Duration.ofSeconds(5));
    eventually(() -> wf.status().publishingTasks().isEmpty() && wf.status().activeTasks().size() == 1
        && wf.status().activeTasks().get(0).startingOffsets().equals(offs(0, 300L)), wf::status);
    assertEquals(1, cancelRequests(first), "one cancellation of the deaf task, whatever else happened");
    env.sleep(Duration.ofHours(1));
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().committedOffsets().equals(offs(0, 400L)), wf::status);
    assertTrue(wf.status().healthy(), wf.status().toString());
    assertEquals(List.of(), violations);
  }

  @Test
  void theLoopGoesOnWhileASweepRunsAndASweepLeftBehindAtContinueAsNewStartsAgainFromTheSameHorizon() {
    long grace = Duration.ofMinutes(5).toMillis();
    // a short period: once a sweep has been left behind at continue-as-new, the test server's clock runs in real time
    Contracts.SupervisorConfig config = new Contracts.SupervisorConfig(3, 3, 3, 3, 20, 150,
        Duration.ofSeconds(10).toMillis(), grace);
    slowSweepsFrom = 1; // the first sweep returns; the next ones wait for the gate
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC), config);
    oneTaskRunning(wf);
    eventually(() -> sweeps.size() == 2, () -> sweeps); // the second is under way, and slow
    long horizon = sweeps.get(0).nowMillis() - grace;
    assertEquals(horizon, sweeps.get(1).sinceMillis(), "from the first sweep's horizon");
    String runId = client.newUntypedWorkflowStub(SupervisorWorkflow.workflowId("ds")).describe().getExecution()
        .getRunId();

    // the loop goes on while the sweep runs: a suspension hands the task off
    wf.suspend();
    eventually(() -> "SUSPENDED".equals(wf.status().detailedState()) && wf.status().activeTasks().isEmpty()
        && wf.status().publishingTasks().size() == 1, wf::status);
    assertEquals(2, sweeps.size(), "while one is under way, the run starts no other");

    // signals until the history is long enough to continue as new, with the sweep still under way
    String newRunId = runId;
    for (int i = 0; i < 30 && newRunId.equals(runId); i++) {
      SupervisorWorkflow latest = client.newWorkflowStub(SupervisorWorkflow.class,
          SupervisorWorkflow.workflowId("ds"));
      if (i % 2 == 0) latest.resume(); else latest.suspend();
      env.sleep(Duration.ofSeconds(1));
      newRunId = client.newUntypedWorkflowStub(SupervisorWorkflow.workflowId("ds")).describe().getExecution()
          .getRunId();
    }
    assertTrue(!newRunId.equals(runId), "it continued as new");
    // the new run has no result from the sweep left behind, so it sweeps again from the same horizon
    eventually(() -> sweeps.size() == 3, () -> sweeps);
    assertEquals(horizon, sweeps.get(2).sinceMillis(), "the horizon the left-behind sweep started from");

    sweepGate.countDown(); // both slow sweeps return; the new run applies its own
    eventually(() -> sweeps.size() == 4, () -> sweeps); // a period later
    assertEquals(sweeps.get(2).nowMillis() - grace, sweeps.get(3).sinceMillis(), "the new run's sweep's horizon");
    SupervisorWorkflow latest = client.newWorkflowStub(SupervisorWorkflow.class, SupervisorWorkflow.workflowId("ds"));
    assertTrue(latest.status().healthy(), latest.status().toString());
  }

  /** Autoscaler: from 1 task, out by 2 at 5000 lag, in by 1 at 0 lag; samples every 30 s over 2 minutes. */
  static final String AUTOSCALER = "\"taskCount\":3,\"autoScalerConfig\":{\"enableTaskAutoScaler\":true,"
      + "\"taskCountMin\":1,\"taskCountMax\":4,\"scaleOutThreshold\":1000,\"scaleInThreshold\":100,"
      + "\"lagCollectionIntervalMillis\":30000,\"lagCollectionRangeMillis\":120000,"
      + "\"scaleActionStartDelayMillis\":60000,\"scaleActionPeriodMillis\":60000,"
      + "\"minTriggerScaleActionFrequencyMillis\":600000}";

  /** The partitions each active task reads, as sets. */
  static java.util.Set<java.util.Set<StreamPartition>> taskPartitions(SupervisorStatus s) {
    java.util.Set<java.util.Set<StreamPartition>> out = new java.util.HashSet<>();
    for (SupervisorStatus.TaskView t : s.activeTasks()) out.add(t.startingOffsets().keySet());
    return out;
  }

  @Test
  void theAutoscalerScalesOutThenInAndEveryPartitionContinuesWhereItEnded() {
    partitions = parts(0, 1, 2, 3);
    fakeLag = 5000;
    SupervisorWorkflow wf = start(spec(AUTOSCALER));
    SupervisorStatus s = oneTaskRunning(wf);
    assertEquals(1, s.taskCount(), "taskCountMin, not ioConfig's taskCount");
    assertEquals(offs(0, 0L, 1, 0L, 2, 0L, 3, 0L), s.activeTasks().get(0).startingOffsets());
    env.sleep(Duration.ofMinutes(1));
    assertEquals(1, wf.status().activeTasks().size(), "no action before start delay + range");

    // scale out: the task hands off at 100 and three task groups (partition % 3) continue from there
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().activeTasks().size() == 3, wf::status);
    s = wf.status();
    assertEquals(3, s.taskCount());
    assertEquals(java.util.Set.of(java.util.Set.copyOf(parts(0, 3)), java.util.Set.copyOf(parts(1)),
        java.util.Set.copyOf(parts(2))), taskPartitions(s));
    for (SupervisorStatus.TaskView t : s.activeTasks()) {
      assertTrue(t.startingOffsets().values().stream().allMatch(o -> o == 100L), s.toString());
    }
    assertEquals(1, s.scaleEvents().size());
    assertEquals(1, s.scaleEvents().get(0).fromTaskCount());
    assertEquals(3, s.scaleEvents().get(0).toTaskCount());
    assertTrue(s.scaleEvents().get(0).description().startsWith("scale out from 1 to 3 tasks"),
        s.scaleEvents().get(0).description());

    // scale in, no sooner than minTriggerScaleActionFrequencyMillis after: two groups (partition % 2) from 200
    fakeLag = 0;
    env.sleep(Duration.ofMinutes(8));
    assertEquals(3, wf.status().activeTasks().size(), "not within 10 minutes of the last action");
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().activeTasks().size() == 2, wf::status);
    fakeLag = 500; // between the thresholds: no further action
    s = wf.status();
    assertEquals(2, s.taskCount());
    assertEquals(java.util.Set.of(java.util.Set.copyOf(parts(0, 2)), java.util.Set.copyOf(parts(1, 3))),
        taskPartitions(s));
    for (SupervisorStatus.TaskView t : s.activeTasks()) {
      assertTrue(t.startingOffsets().values().stream().allMatch(o -> o == 200L), s.toString());
    }
    assertEquals(2, s.scaleEvents().size());
    assertTrue(s.scaleEvents().get(1).description().startsWith("scale in from 3 to 2 tasks"));

    // every range committed exactly once, in order, across both changes of membership
    env.sleep(Duration.ofHours(1));
    env.sleep(Duration.ofMinutes(3));
    eventually(() -> wf.status().committedOffsets().equals(offs(0, 300L, 1, 300L, 2, 300L, 3, 300L)), wf::status);
    assertEquals(List.of(), violations, "no gap, no overlap");
    s = wf.status();
    assertEquals(1 + 3 + 2, s.publishedSegments(), "one commit per task");
    assertEquals(2, s.activeTasks().size());
    assertEquals(2, s.scaleEvents().size());
  }

  /** With the autoscaler on (and nothing to scale), the watcher restarts on task changes stay within budget. */
  @Test
  void steadyStateHistoryWithTheAutoscalerStaysWithinBudget() {
    fakeLag = 500;
    start(spec(AUTOSCALER));
    env.sleep(Duration.ofMinutes(10));
    long before = client.fetchHistory("supervisor:ds").getEvents().size();
    env.sleep(Duration.ofHours(4));
    long after = client.fetchHistory("supervisor:ds").getEvents().size();
    double perHour = (after - before) / 4.0;
    System.out.printf("supervisor history with the autoscaler: %.1f events/hour (1 task group)%n", perHour);
    assertTrue(perHour <= 150, "about 150 events per hour per task group: " + perHour);
  }

  /** History events per hour at steady state: the stream watcher keeps the period's polling out of history. */
  @Test
  void steadyStateHistoryStaysWithinBudget() {
    start(SpecParser.parse(SPEC));
    env.sleep(Duration.ofMinutes(10));
    long before = client.fetchHistory("supervisor:ds").getEvents().size();
    env.sleep(Duration.ofHours(4));
    long after = client.fetchHistory("supervisor:ds").getEvents().size();
    double perHour = (after - before) / 4.0;
    System.out.printf("supervisor history: %.1f events/hour (1 task group, period PT30S, taskDuration PT1H)%n",
        perHour);
    assertTrue(perHour <= 150, "issue 5's budget is about 150 events per hour per task group: " + perHour);
    assertTrue(perHour >= 5, "four rollovers must show in the history: " + perHour);
  }

  private String eventTypes(String workflowId) {
    List<String> types = new java.util.ArrayList<>();
    for (var e : client.fetchHistory(workflowId).getEvents()) types.add(e.getEventType().name().replace("EVENT_TYPE_", ""));
    return types.toString();
  }

  private static String rootMessage(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null) c = c.getCause();
    return c.getMessage();
  }
}
