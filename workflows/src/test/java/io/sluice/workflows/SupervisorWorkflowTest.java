package io.sluice.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.segment.spec.SpecParser;
import io.sluice.segment.spec.SupervisorSpec;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
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
class SupervisorWorkflowTest {
  static final String SPEC = """
      {"type":"kafka","dataSchema":{"dataSource":"ds","metricsSpec":[{"type":"count","name":"count"}],
        "granularitySpec":{"segmentGranularity":"HOUR"}},
       "ioConfig":{"topic":"t","inputFormat":{"type":"json"},"consumerProperties":{"bootstrap.servers":"k:9092"},
        "useEarliestOffset":true,"taskDuration":"PT1H","startDelay":"PT5S","period":"PT30S"}}""";

  /** Each task reads 100 offsets per partition once told to stop, and commits them. */
  public static class FakeTask implements IndexingTaskWorkflow {
    private boolean stop;

    @Override
    public Contracts.TaskReport run(Contracts.TaskInput in) {
      Workflow.await(() -> stop);
      Map<Integer, Long> end = new TreeMap<>();
      in.startOffsets().forEach((p, o) -> end.put(p, o + 100));
      long seq = in.startOffsets().values().iterator().next() / 100 + 1;
      Contracts.TaskReport r = new Contracts.TaskReport(in.taskId(), Contracts.TaskReport.SUCCESS,
          in.startOffsets(), end, 1, new Contracts.RowStats(100, 0, 0, 0, 0),
          new Contracts.CommittedState(seq, "t", end, seq, seq * 100), null, null);
      Workflow.newExternalWorkflowStub(SupervisorWorkflow.class, SupervisorWorkflow.workflowId(in.supervisorId()))
          .taskFinished(r);
      return r;
    }

    @Override
    public void stopReading() {
      stop = true;
    }

    @Override
    public Contracts.TaskControl control() {
      return new Contracts.TaskControl(stop);
    }

    @Override
    public Contracts.ReadProgress readResult() {
      return null;
    }
  }

  static final AtomicBoolean kafkaUp = new AtomicBoolean(true);

  public static class FakeStream implements StreamActivities {
    @Override
    public Contracts.StreamOffsets fetchStreamOffsets(Contracts.FetchOffsetsInput input) {
      if (!kafkaUp.get()) throw ApplicationFailure.newNonRetryableFailure("no broker", Failures.STREAM_UNAVAILABLE);
      return new Contracts.StreamOffsets(List.of(0), Map.of(0, 0L), Map.of(0, 1000L));
    }
  }

  public static class FakeCommits implements CommitActivities {
    @Override
    public Contracts.CommittedState loadCommitted(Contracts.LoadCommittedInput input) {
      return Contracts.CommittedState.empty();
    }

    @Override
    public Contracts.CommitResult commitSegments(Contracts.CommitInput input) {
      throw new UnsupportedOperationException("the fake task commits itself");
    }
  }

  TestWorkflowEnvironment env;
  WorkflowClient client;

  @BeforeEach
  void setUp() {
    kafkaUp.set(true);
    env = TestWorkflowEnvironment.newInstance();
    Worker w = env.newWorker(SluiceOptions.CONTROL_QUEUE);
    w.registerWorkflowImplementationTypes(SluiceOptions.workflowOptions(), SupervisorWorkflowImpl.class,
        FakeTask.class);
    w.registerActivitiesImplementations(new FakeStream(), new FakeCommits());
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  /**
   * Steps workflow time a second at a time until {@code condition} holds (at most 60 steps). Time skipping returns
   * from a sleep before the worker has necessarily handled the last workflow task, so a state is asserted
   * eventually rather than at an exact instant.
   */
  void eventually(java.util.function.BooleanSupplier condition, java.util.function.Supplier<Object> describe) {
    for (int i = 0; i < 60; i++) {
      if (condition.getAsBoolean()) return;
      env.sleep(Duration.ofSeconds(1));
    }
    throw new AssertionError("condition not reached; state: " + describe.get());
  }

  SupervisorWorkflow start(SupervisorSpec spec) {
    SupervisorWorkflow wf = client.newWorkflowStub(SupervisorWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(SupervisorWorkflow.workflowId(spec.id())).setTaskQueue(SluiceOptions.CONTROL_QUEUE).build());
    WorkflowClient.start(wf::run, new Contracts.SupervisorInput(spec, Contracts.SupervisorConfig.defaults(), null));
    return wf;
  }

  @Test
  void tasksRollOverAtTaskDurationAndTheNextStartsFromCommittedOffsets() {
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    env.sleep(Duration.ofSeconds(10));
    eventually(() -> wf.status().activeTasks().size() == 1, wf::status);
    SupervisorStatus s = wf.status();
    assertEquals("RUNNING", s.detailedState());
    assertEquals(1, s.activeTasks().size());
    assertEquals(Map.of(0, 0L), s.activeTasks().get(0).startingOffsets());
    assertTrue(s.activeTasks().get(0).id().startsWith("index_kafka_ds_"));

    env.sleep(Duration.ofHours(1));
    eventually(() -> wf.status().committedOffsets().equals(Map.of(0, 100L)) && wf.status().activeTasks().size() == 1,
        wf::status);
    s = wf.status();
    assertEquals(Map.of(0, 100L), s.committedOffsets());
    assertEquals(1, s.activeTasks().size());
    assertEquals(Map.of(0, 100L), s.activeTasks().get(0).startingOffsets(), "next task starts at the end");
    assertEquals(1, s.publishedSegments());

    env.sleep(Duration.ofHours(1));
    eventually(() -> wf.status().committedOffsets().equals(Map.of(0, 200L)), wf::status);
  }

  @Test
  void suspendPublishesAndStopsTasksUntilResume() {
    SupervisorWorkflow wf = start(SpecParser.parse(SPEC));
    env.sleep(Duration.ofSeconds(10));
    eventually(() -> wf.status().activeTasks().size() == 1, wf::status);
    wf.suspend();
    wf.suspend(); // idempotent
    env.sleep(Duration.ofMinutes(5));
    eventually(() -> wf.status().committedOffsets().equals(Map.of(0, 100L)), wf::status);
    SupervisorStatus s = wf.status();
    assertEquals("SUSPENDED", s.state());
    assertTrue(s.suspended());
    assertTrue(s.activeTasks().isEmpty() && s.publishingTasks().isEmpty(), "no task runs while suspended");
    assertEquals(Map.of(0, 100L), s.committedOffsets(), "the reading task published what it read");
    wf.resume();
    env.sleep(Duration.ofSeconds(40));
    eventually(() -> wf.status().activeTasks().size() == 1, wf::status);
    s = wf.status();
    assertEquals("RUNNING", s.detailedState());
    assertEquals(Map.of(0, 100L), s.activeTasks().get(0).startingOffsets(), "resumes from the committed offsets");
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
}
