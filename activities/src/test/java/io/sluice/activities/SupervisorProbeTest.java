package io.sluice.activities;

import static io.sluice.workflows.Parts.*;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.segment.spec.SupervisorSpec;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.StreamPartition;
import io.sluice.workflows.SluiceOptions;
import io.sluice.workflows.SupervisorStatus;
import io.sluice.workflows.SupervisorWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The autoscaler's probe asks a running supervisor by query. */
class SupervisorProbeTest {
  static volatile List<SupervisorStatus.TaskView> publishing = List.of();

  /** A supervisor that only answers its status query: one reading task, and whatever {@link #publishing} says. */
  public static class StatusOnly implements SupervisorWorkflow {
    @Override
    public void run(Contracts.SupervisorInput input) {
      Workflow.await(() -> false);
    }

    @Override
    public SupervisorStatus status() {
      return new SupervisorStatus("ds", "t", "RUNNING", "RUNNING", true, false, 2, 1, 3600,
          List.of(new SupervisorStatus.TaskView("task-a", offs(0, 10L, 1, 20L), 0, 60, "ACTIVE", 0)), publishing,
          Map.of(), offs(0, 10L, 1, 20L), Map.of(), 0, 0, List.of(), 0, 0, 1, null, 1, 0, List.of());
    }

    @Override public void terminate() { }
    @Override public void suspend() { }
    @Override public void resume() { }
    @Override public void updateSpec(SupervisorSpec spec) { }
    @Override public void taskFinished(Contracts.TaskReport report) { }
    @Override public void taskPublishing(Contracts.TaskReport report) { }
    @Override public String reset(Contracts.ResetRequest request) { return "ds"; }
    @Override public void validateReset(Contracts.ResetRequest request) { }
    @Override public String handoffTaskGroups(List<Integer> taskGroupIds) { return "ds"; }
    @Override public void validateHandoffTaskGroups(List<Integer> taskGroupIds) { }
  }

  @Test
  void readsTheReadingTasksAndWhetherTheAutoscalerMayActFromTheStatusQuery() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      env.newWorker(SluiceOptions.CONTROL_QUEUE).registerWorkflowImplementationTypes(StatusOnly.class);
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      SupervisorWorkflow wf = client.newWorkflowStub(SupervisorWorkflow.class, WorkflowOptions.newBuilder()
          .setWorkflowId("supervisor:ds").setTaskQueue(SluiceOptions.CONTROL_QUEUE).build());
      WorkflowClient.start(wf::run, new Contracts.SupervisorInput(null, null, null));
      SupervisorProbe probe = SupervisorProbe.temporal(client);

      publishing = List.of();
      SupervisorProbe.View v = probe.view("supervisor:ds");
      assertEquals(Map.of("task-a", offs(0, 10L, 1, 20L)), v.readingTasks());
      assertEquals(offs(0, 10L, 1, 20L), v.readUpTo());
      assertTrue(v.actionAllowed());
      assertFalse(v.suspended());

      publishing = List.of(new SupervisorStatus.TaskView("task-0", offs(0, 0L), 0, 0, "PUBLISHING", 0));
      assertFalse(probe.view("supervisor:ds").actionAllowed(), "Druid skips while tasks are publishing");

      assertNull(probe.view("supervisor:nobody"), "no such supervisor: the watcher goes by its input");
      assertEquals(Map.of(), probe.currentOffsets(List.of("task-a")), "no reading activity heartbeats here");
    }
  }
}
