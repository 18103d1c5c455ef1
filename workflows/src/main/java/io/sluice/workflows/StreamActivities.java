package io.sluice.workflows;

import io.temporal.activity.ActivityInterface;

/** Talks to Kafka for the supervisor: partitions and offsets. Short-lived. */
@ActivityInterface
public interface StreamActivities {
  Contracts.StreamOffsets fetchStreamOffsets(Contracts.FetchOffsetsInput input);
}
