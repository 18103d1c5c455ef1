package io.sluice.activities;

import io.sluice.workflows.IndexingTaskWorkflow;
import io.temporal.client.WorkflowClient;

/** How a reading activity learns that its task workflow wants it to stop reading. Polled every few seconds. */
@FunctionalInterface
public interface TaskControlClient {
  boolean stopRequested(String taskWorkflowId);

  /** Asks the task workflow by query. */
  static TaskControlClient temporal(WorkflowClient client) {
    return id -> client.newWorkflowStub(IndexingTaskWorkflow.class, id).control().stopReading();
  }
}
