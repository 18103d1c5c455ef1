package io.sluice.workflows;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** The dataSource's append-only commit log in deep storage: segments and offsets, committed as one record. */
@ActivityInterface
public interface CommitActivities {
  Contracts.CommittedState loadCommitted(Contracts.LoadCommittedInput input);

  /**
   * Appends one commit record with a conditional create, accepted only if its start offsets equal the last
   * committed end offsets (compare-and-set). Fails with {@link Failures#INCONSISTENT_OFFSETS} otherwise.
   */
  Contracts.CommitResult commitSegments(Contracts.CommitInput input);

  /**
   * Appends a reset record that sets the committed offsets of the given partitions (the other partitions keep
   * theirs). Tasks that started from the old offsets then fail their compare-and-set, so nothing they read is
   * committed twice.
   */
  Contracts.CommittedState resetOffsets(Contracts.ResetInput input);

  /**
   * Deletes the segment files a task's attempts pushed, except {@code keep}: those of attempts that died between
   * their push and the commit, or of a task that failed or was killed before committing. Run by the task when it
   * ends. Returns how many files were deleted.
   */
  int cleanupPushed(Contracts.CleanupInput input);

  /**
   * Deletes the dataSource's segment files that no commit references and none can any more: files pushed more than
   * the grace period ago by a task whose workflow is not running and closed more than the grace period ago (or is
   * unknown to Temporal). These are what a task's own cleanup cannot remove: the files of a task terminated in
   * Temporal, or of one whose commit failed. Run by the supervisor every {@code orphanSweepPeriod}, each time over
   * the files pushed since the last one's horizon.
   */
  Contracts.SweepResult sweepOrphans(Contracts.SweepInput input);

  /**
   * Of the given task ids, those whose workflow is no longer running (or is unknown to Temporal). The supervisor asks
   * about tasks it cancelled at completionTimeout that have not reported: a task terminated in Temporal never does.
   */
  List<String> endedTasks(List<String> taskIds);
}
