package io.sluice.workflows;

import io.temporal.activity.ActivityInterface;

/**
 * Reads the task's partitions from its start offsets until its task workflow says stop (polled by query), builds
 * segments and pushes them to deep storage. Heartbeats {@link Contracts.ReadProgress}. Does not commit.
 */
@ActivityInterface
public interface ReadActivities {
  Contracts.ReadResult readAndPush(Contracts.ReadInput input);
}
