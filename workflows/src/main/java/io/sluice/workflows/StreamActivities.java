package io.sluice.workflows;

import io.temporal.activity.ActivityInterface;

/** Talks to Kafka for the supervisor: partitions and offsets. */
@ActivityInterface
public interface StreamActivities {
  /** One fetch of partitions and earliest/latest offsets. Short-lived. */
  Contracts.StreamOffsets fetchStreamOffsets(Contracts.FetchOffsetsInput input);

  /**
   * The supervisor's periodic discovery, run inside one long activity that heartbeats every answer as a
   * {@link Contracts.StreamSnapshot} and returns only when the workflow has something to decide (see
   * {@link Contracts.WatchInput}). A fetch failure is a result, not an exception, so it costs no retries.
   */
  Contracts.WatchResult watchStream(Contracts.WatchInput input);
}
