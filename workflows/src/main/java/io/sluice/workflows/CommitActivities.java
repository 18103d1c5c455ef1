package io.sluice.workflows;

import io.temporal.activity.ActivityInterface;

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
}
