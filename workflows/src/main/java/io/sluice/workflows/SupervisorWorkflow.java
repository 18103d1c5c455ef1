package io.sluice.workflows;

import io.sluice.segment.spec.SupervisorSpec;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One supervisor per dataSource, workflow id {@code supervisor:<dataSource>}. */
@WorkflowInterface
public interface SupervisorWorkflow {
  String ID_PREFIX = "supervisor:";

  static String workflowId(String supervisorId) {
    return ID_PREFIX + supervisorId;
  }

  @WorkflowMethod
  void run(Contracts.SupervisorInput input);

  /** Stop reading, publish, then end. Idempotent. */
  @SignalMethod
  void terminate();

  /** Reading tasks stop and publish what they read; no task runs until {@link #resume}. Idempotent. */
  @SignalMethod
  void suspend();

  /** Tasks start again from the committed offsets. Idempotent. */
  @SignalMethod
  void resume();

  /** A new spec for the same dataSource: tasks hand off, and new tasks use it. */
  @SignalMethod
  void updateSpec(SupervisorSpec spec);

  /** Sent by a task workflow when it ends (once per task, never per record). */
  @SignalMethod
  void taskFinished(Contracts.TaskReport report);

  @QueryMethod
  SupervisorStatus status();
}
