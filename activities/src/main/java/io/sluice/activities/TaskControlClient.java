package io.sluice.activities;

import io.sluice.workflows.StreamPartition;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.IndexingTaskWorkflow;
import io.temporal.client.WorkflowClient;
import java.util.Map;

/**
 * How a reading activity talks to its task workflow: it asks for control state (stop; a replica's end offsets)
 * about once a second, and a replica told to stop says where it paused.
 */
@FunctionalInterface
public interface TaskControlClient {
  Contracts.TaskControl control(String taskWorkflowId);

  /** A replica has paused at {@code positions}. */
  default void paused(String taskWorkflowId, Map<StreamPartition, Long> positions) {}

  /** Asks the task workflow by query, and tells it by signal. */
  static TaskControlClient temporal(WorkflowClient client) {
    return new TaskControlClient() {
      @Override
      public Contracts.TaskControl control(String id) {
        return client.newWorkflowStub(IndexingTaskWorkflow.class, id).control();
      }

      @Override
      public void paused(String id, Map<StreamPartition, Long> positions) {
        client.newWorkflowStub(IndexingTaskWorkflow.class, id).paused(positions);
      }
    };
  }
}
