package io.sluice.workflows;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Where reading tasks can be placed: the worker processes alive now, so replicas can go to different ones. */
@ActivityInterface
public interface PlacementActivities {
  /**
   * The read task queues of the worker processes alive now ({@link SluiceOptions#workerReadQueue}), in a stable
   * order; empty if none registered.
   */
  List<String> liveReadQueues();
}
