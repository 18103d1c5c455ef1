package io.sluice.activities;

import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.CommitActivities;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class CommitActivitiesImpl implements CommitActivities {
  private static final Logger log = LoggerFactory.getLogger(CommitActivitiesImpl.class);

  private final CommitLog commitLog;
  private final BlobStore store;

  public CommitActivitiesImpl(CommitLog commitLog, BlobStore store) {
    this.commitLog = commitLog;
    this.store = store;
  }

  @Override
  public Contracts.CommittedState loadCommitted(Contracts.LoadCommittedInput input) {
    try {
      return commitLog.head(input.dataSource());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // retried per the options table
    }
  }

  @Override
  public Contracts.CommitResult commitSegments(Contracts.CommitInput input) {
    try {
      CommitLog.AppendResult r = commitLog.append(input);
      switch (r.outcome()) {
        case COMMITTED:
          log.info("task {} committed {} segments, offsets {} -> {} ({})", input.taskId(), input.segments().size(),
              input.startOffsets(), input.endOffsets(), r.detail());
          return new Contracts.CommitResult(false, r.head());
        case ALREADY_COMMITTED_BY_THIS_TASK:
          return new Contracts.CommitResult(false, r.head());
        case COVERED_BY_ANOTHER_COMMIT:
          // A replica or an earlier attempt won: our pushed files are referenced by nothing, so remove them.
          for (Contracts.PushedSegment s : input.segments()) store.delete(s.key());
          log.info("task {}: {}; removed its {} pushed files", input.taskId(), r.detail(), input.segments().size());
          return new Contracts.CommitResult(true, r.head());
        case PREVIOUS_PENDING:
          // retried with backoff (the options table); the supervisor kills this task if its predecessor fails
          throw ApplicationFailure.newFailure(r.detail(), Failures.PREVIOUS_COMMIT_PENDING);
        default:
          throw ApplicationFailure.newNonRetryableFailure(r.detail(), Failures.INCONSISTENT_OFFSETS);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public int cleanupPushed(Contracts.CleanupInput input) {
    try {
      Set<String> keep = input.keep() == null ? Set.of() : new HashSet<>(input.keep());
      int pushed = 0;
      int deleted = 0;
      for (String key : store.list(commitLog.layout().segmentPrefix(input.dataSource()), null)) {
        if (!CatalogLayout.pushedBy(key, input.taskId())) continue;
        pushed++;
        if (keep.contains(key)) continue;
        store.delete(key);
        deleted++;
      }
      if (deleted > 0) {
        log.info("task {}: deleted {} pushed segment files no commit can reference (of {} it pushed)",
            input.taskId(), deleted, pushed);
      }
      return deleted;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Contracts.CommittedState resetOffsets(Contracts.ResetInput input) {
    try {
      Contracts.CommittedState head = commitLog.reset(input);
      log.warn("supervisor {}: {} set the committed offsets of {} to {} (commit seq {})", input.dataSource(),
          input.reason(), input.topic(), input.offsets(), head.seq());
      return head;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
