package io.sluice.activities;

import io.sluice.workflows.StreamPartition;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.SupervisorStatus;
import io.sluice.workflows.SupervisorWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the autoscaler's lag samples and checks need to know about a supervisor now, asked of Temporal: its reading
 * tasks (by the supervisor's status query) and where each has read to (its reading activity's latest heartbeat,
 * the {@link Contracts.ReadProgress} the gateway shows as live lag). Asking keeps the stream watcher running across
 * task rollovers instead of restarting it with each new task list.
 */
public interface SupervisorProbe {
  /**
   * The supervisor as it is now. {@code readingTasks}: task id to start offsets; {@code readUpTo}: committed
   * offsets; {@code actionAllowed}: every task reading, none publishing, no scale action under way, not suspended,
   * idle or stopping; {@code suspended}: no lag is collected.
   */
  record View(Map<String, Map<StreamPartition, Long>> readingTasks, Map<StreamPartition, Long> readUpTo,
              boolean actionAllowed,
              boolean suspended) {}

  /** The supervisor's view, or null if it cannot be had now (the watcher then goes by its input). */
  View view(String supervisorWorkflowId);

  /** Current offsets of those tasks that have heartbeated; a task with none yet (or gone) is left out. */
  Map<String, Map<StreamPartition, Long>> currentOffsets(Collection<String> taskIds);

  /** Knows nothing: the watcher goes by its input, and lag is measured from where the tasks started. */
  static SupervisorProbe none() {
    return new SupervisorProbe() {
      @Override
      public View view(String supervisorWorkflowId) {
        return null;
      }

      @Override
      public Map<String, Map<StreamPartition, Long>> currentOffsets(Collection<String> taskIds) {
        return Map.of();
      }
    };
  }

  /** The view from a {@link SupervisorStatus}. */
  static View viewOf(SupervisorStatus s) {
    Map<String, Map<StreamPartition, Long>> reading = new TreeMap<>();
    for (SupervisorStatus.TaskView t : s.activeTasks()) reading.put(t.id(), t.startingOffsets());
    boolean allowed = !s.suspended() && !"IDLE".equals(s.detailedState()) && !"STOPPING".equals(s.detailedState())
        && s.publishingTasks().isEmpty() && !s.activeTasks().isEmpty() && s.pendingTaskCount() == 0;
    return new View(reading, s.committedOffsets(), allowed, s.suspended());
  }

  /** Asks Temporal: a status query to the supervisor, a describe of each reading task. */
  static SupervisorProbe temporal(WorkflowClient client) {
    return new SupervisorProbe() {
      @Override
      public View view(String supervisorWorkflowId) {
        try {
          return viewOf(client.newWorkflowStub(SupervisorWorkflow.class, supervisorWorkflowId).status());
        } catch (RuntimeException e) {
          return null;
        }
      }

      @Override
      public Map<String, Map<StreamPartition, Long>> currentOffsets(Collection<String> taskIds) {
        Map<String, Map<StreamPartition, Long>> out = new LinkedHashMap<>();
        for (String id : taskIds) {
          try {
            for (PendingActivityInfo a : client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
                DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id).build())
                    .build()).getPendingActivitiesList()) {
              if (a.hasHeartbeatDetails() && a.getActivityType().getName().equals("ReadAndPush")) {
                Contracts.ReadProgress p = client.getOptions().getDataConverter().fromPayloads(0,
                    Optional.of(a.getHeartbeatDetails()), Contracts.ReadProgress.class,
                    Contracts.ReadProgress.class);
                if (p != null && p.currentOffsets() != null) out.put(id, p.currentOffsets());
              }
            }
          } catch (RuntimeException e) {
            // a task that is gone or unreachable counts from where it started
          }
        }
        return out;
      }
    };
  }
}
