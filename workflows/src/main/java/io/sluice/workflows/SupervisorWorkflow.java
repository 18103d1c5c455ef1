package io.sluice.workflows;

import io.sluice.segment.spec.SupervisorSpec;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import java.util.List;
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

  /** Sent by a task workflow when reading has ended, with its end offsets: the next task of its group can start. */
  @SignalMethod
  void taskPublishing(Contracts.TaskReport report);

  /**
   * Druid's {@code reset} ({@code offsets} null) and {@code resetOffsets}: the affected tasks are killed, not
   * published, the committed offsets are set, and new tasks start from them. Accepted requests are carried out by
   * the run loop; the reply only says it was accepted. Idempotent.
   */
  @UpdateMethod
  String reset(Contracts.ResetRequest request);

  /** Refuses a reset that names another stream, unknown partitions or negative offsets (the API answers 400). */
  @UpdateValidatorMethod(updateName = "reset")
  void validateReset(Contracts.ResetRequest request);

  /** Druid's {@code taskGroups/handoff}: the reading tasks of these groups publish now. Idempotent. */
  @UpdateMethod
  String handoffTaskGroups(List<Integer> taskGroupIds);

  /** Refuses task groups that do not exist (the API answers 400). */
  @UpdateValidatorMethod(updateName = "handoffTaskGroups")
  void validateHandoffTaskGroups(List<Integer> taskGroupIds);

  @QueryMethod
  SupervisorStatus status();
}
