package io.sluice.activities;

import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.CommitActivities;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.Failures;
import io.sluice.workflows.SluiceOptions;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class CommitActivitiesImpl implements CommitActivities {
  private static final Logger log = LoggerFactory.getLogger(CommitActivitiesImpl.class);

  /**
   * How much older than a candidate file the sweep reads commit records, and how far before the last sweep's horizon
   * it looks at files: covers the skew between the store's clock (a file's last-modified time), the workers' (a
   * record's commit time) and Temporal's (the sweep's now).
   */
  static final long CLOCK_SKEW_MILLIS = 3_600_000;

  private final CommitLog commitLog;
  private final BlobStore store;
  private final TaskWorkflows tasks;
  private final java.util.function.LongSupplier commitDeadline;

  /** For tests of the commit log's activities: no Temporal to ask about tasks, commits without a deadline. */
  public CommitActivitiesImpl(CommitLog commitLog, BlobStore store) {
    this(commitLog, store, null, () -> Long.MAX_VALUE);
  }

  /**
   * @param tasks          what Temporal knows of task workflows (the sweep asks it)
   * @param commitDeadline the time past which the running commit attempt must not write its record; see
   *                       {@link #attemptDeadline()}
   */
  public CommitActivitiesImpl(CommitLog commitLog, BlobStore store, TaskWorkflows tasks,
      java.util.function.LongSupplier commitDeadline) {
    this.commitLog = commitLog;
    this.store = store;
    this.tasks = tasks;
    this.commitDeadline = commitDeadline;
  }

  /**
   * The running activity attempt's deadline by this worker's clock: now (called as the attempt starts) plus its
   * start-to-close timeout, less {@link SluiceOptions#COMMIT_DEADLINE_MARGIN}. The server started that timeout
   * before this code ran, so the deadline comes before the attempt times out there, whatever the clocks' skew. Only
   * inside an activity.
   */
  public static long attemptDeadline() {
    io.temporal.activity.ActivityInfo info = io.temporal.activity.Activity.getExecutionContext().getInfo();
    return System.currentTimeMillis() + info.getStartToCloseTimeout().toMillis()
        - SluiceOptions.COMMIT_DEADLINE_MARGIN.toMillis();
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
      CommitLog.AppendResult r = commitLog.append(input, commitDeadline.getAsLong());
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
  public Contracts.SweepResult sweepOrphans(Contracts.SweepInput input) {
    TaskWorkflows tasks = tasks();
    try {
      long now = input.nowMillis();
      long fileCutoff = now - input.graceMillis();
      long closedCutoff = now - Math.max(input.graceMillis(), SluiceOptions.MIN_CLOSED_BEFORE_SWEEP.toMillis());
      long windowStart = input.sinceMillis() <= 0 ? Long.MIN_VALUE : input.sinceMillis() - CLOCK_SKEW_MILLIS;
      // 1. segment files pushed since the last sweep's horizon and before the grace period
      List<BlobStore.Stored> candidates = new ArrayList<>();
      long oldest = Long.MAX_VALUE;
      for (BlobStore.Stored o : store.listStored(commitLog.layout().segmentPrefix(input.dataSource()))) {
        if (CatalogLayout.pushingTask(o.key()) == null) continue;
        if (o.lastModifiedMillis() >= windowStart && o.lastModifiedMillis() < fileCutoff) {
          candidates.add(o);
          oldest = Math.min(oldest, o.lastModifiedMillis());
        }
      }
      if (candidates.isEmpty()) return new Contracts.SweepResult(0, fileCutoff);
      // 2. what the commits reference: a file is committed after its push, so the records back to the oldest
      //    candidate's push (less the clock skew) hold every reference to a candidate
      Set<String> referenced = commitLog.referencedSince(input.dataSource(), oldest - CLOCK_SKEW_MILLIS);
      candidates.removeIf(o -> referenced.contains(o.key()));
      // 3. a task that runs, or closed within the grace period, may still commit its files
      Map<String, Long> closedAt = new TreeMap<>();
      long next = fileCutoff;
      int deleted = 0;
      for (BlobStore.Stored o : candidates) {
        String task = CatalogLayout.pushingTask(o.key());
        long closed = closedAt.computeIfAbsent(task, tasks::closedAtMillis);
        if (closed == TaskWorkflows.RUNNING || closed >= closedCutoff) {
          next = Math.min(next, o.lastModifiedMillis()); // the next sweep looks at it again
          continue;
        }
        store.delete(o.key());
        deleted++;
        log.info("supervisor {}: deleted segment file {}, pushed at {} by task {} (closed {}), which no commit "
            + "references", input.dataSource(), o.key(), java.time.Instant.ofEpochMilli(o.lastModifiedMillis()),
            task, closed == TaskWorkflows.UNKNOWN ? "unknown to Temporal"
                : "at " + java.time.Instant.ofEpochMilli(closed));
      }
      return new Contracts.SweepResult(deleted, next);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<String> endedTasks(List<String> taskIds) {
    TaskWorkflows tasks = tasks();
    List<String> out = new ArrayList<>();
    for (String id : taskIds) if (tasks.closedAtMillis(id) != TaskWorkflows.RUNNING) out.add(id);
    return out;
  }

  private TaskWorkflows tasks() {
    if (tasks == null) throw new IllegalStateException("this worker cannot ask Temporal about tasks");
    return tasks;
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
