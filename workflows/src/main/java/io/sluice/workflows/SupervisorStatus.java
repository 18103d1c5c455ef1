package io.sluice.workflows;

import io.sluice.segment.spec.SupervisorSpec;
import java.util.List;
import java.util.Map;

/**
 * What the supervisor reports by query; the gateway renders it in Druid's status JSON shape. {@code taskCount} is
 * the task count in force (the autoscaler's choice when it runs), {@code pendingTaskCount} the one a scale action
 * under way moves to (0: none), {@code scaleEvents} the autoscaler's recent actions.
 */
public record SupervisorStatus(
    String dataSource,
    String topic,
    String state,
    String detailedState,
    boolean healthy,
    boolean suspended,
    int partitions,
    int replicas,
    long durationSeconds,
    List<TaskView> activeTasks,
    List<TaskView> publishingTasks,
    Map<StreamPartition, Long> latestOffsets,
    Map<StreamPartition, Long> committedOffsets,
    Map<StreamPartition, Long> minimumLag,
    long aggregateLag,
    long offsetsLastUpdatedMillis,
    List<SupervisorState.ErrorEvent> recentErrors,
    long publishedSegments,
    long committedEvents,
    long commitSeq,
    SupervisorSpec spec,
    int taskCount,
    int pendingTaskCount,
    List<SupervisorState.ScaleEvent> scaleEvents) {

  public record TaskView(String id, Map<StreamPartition, Long> startingOffsets, long startTimeMillis,
                         long remainingSeconds,
                         String type, int group) {}
}
