package io.sluice.activities;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;

/**
 * What Temporal knows of a task's workflow (its id is the task id): whether it may still act. The orphan sweep asks
 * before it deletes a task's files, since a running task may still commit them.
 */
public interface TaskWorkflows {
  /** {@link #closedAtMillis} of a workflow that is still running. */
  long RUNNING = Long.MAX_VALUE;
  /** {@link #closedAtMillis} of a workflow Temporal does not know: never started, or past its retention. */
  long UNKNOWN = -1;

  /**
   * When the task's workflow (its latest run) closed, in epoch millis; {@link #RUNNING} or {@link #UNKNOWN}. Throws
   * if Temporal cannot be asked, so that nothing is deleted on a guess.
   */
  long closedAtMillis(String taskId);

  /** Asks Temporal with a describe of the task's workflow. */
  static TaskWorkflows temporal(WorkflowClient client) {
    return taskId -> {
      try {
        WorkflowExecutionInfo info = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(client.getOptions().getNamespace())
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(taskId).build())
                .build()).getWorkflowExecutionInfo();
        if (info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) return RUNNING;
        if (!info.hasCloseTime()) return RUNNING; // closing: treat as still able to act
        return info.getCloseTime().getSeconds() * 1000 + info.getCloseTime().getNanos() / 1_000_000;
      } catch (StatusRuntimeException e) {
        // NOT_FOUND is also the answer for a namespace that does not exist: only a missing workflow is unknown
        String description = String.valueOf(e.getStatus().getDescription()).toLowerCase(java.util.Locale.ROOT);
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND && !description.contains("namespace")) return UNKNOWN;
        throw e;
      }
    };
  }
}
