package io.sluice.activities;

import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.CommitActivities;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.Failures;
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
   * How much older than a candidate file the sweep reads commit records: covers the skew between the store's clock
   * (a file's last-modified time) and the workers' (a record's commit time).
   */
  static final long CLOCK_SKEW_MILLIS = 3_600_000;

  private final CommitLog commitLog;
  private final BlobStore store;
  private final TaskWorkflows tasks;
  private final java.time.Clock clock;

  /** Without {@link TaskWorkflows}: {@link #sweepOrphans} refuses to run. For tests of the other activities. */
  public CommitActivitiesImpl(CommitLog commitLog, BlobStore store) {
    this(commitLog, store, null, java.time.Clock.systemUTC());
  }

  public CommitActivitiesImpl(CommitLog commitLog, BlobStore store, TaskWorkflows tasks, java.time.Clock clock) {
    this.commitLog = commitLog;
    this.store = store;
    this.tasks = tasks;
    this.clock = clock;
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
  public int sweepOrphans(Contracts.SweepInput input) {
    if (tasks == null) throw new IllegalStateException("this worker cannot ask Temporal about tasks");
    try {
      long cutoff = clock.millis() - input.graceMillis();
      // 1. segment files pushed before the grace period, by task
      Map<String, List<BlobStore.Stored>> candidates = new TreeMap<>();
      int files = 0;
      for (BlobStore.Stored o : store.listStored(commitLog.layout().segmentPrefix(input.dataSource()))) {
        String task = CatalogLayout.pushingTask(o.key());
        if (task == null) continue;
        files++;
        if (o.lastModifiedMillis() < cutoff) candidates.computeIfAbsent(task, t -> new ArrayList<>()).add(o);
      }
      // 2. a task that runs, or closed within the grace period, may still commit its files (a commit attempt in
      //    flight when it was terminated lands within the commit's timeout)
      Map<String, Long> closedAt = new TreeMap<>();
      for (String task : candidates.keySet()) closedAt.put(task, tasks.closedAtMillis(task));
      candidates.keySet().removeIf(task -> closedAt.get(task) == TaskWorkflows.RUNNING
          || closedAt.get(task) >= cutoff);
      if (candidates.isEmpty()) return 0;
      // 3. what the commits reference: a commit of a file comes after its push, so the records back to the oldest
      //    candidate's push (less the clock skew) hold every reference there can be
      long oldest = Long.MAX_VALUE;
      for (List<BlobStore.Stored> l : candidates.values()) {
        for (BlobStore.Stored o : l) oldest = Math.min(oldest, o.lastModifiedMillis());
      }
      Set<String> referenced = commitLog.referencedSince(input.dataSource(), oldest - CLOCK_SKEW_MILLIS);
      int deleted = 0;
      for (Map.Entry<String, List<BlobStore.Stored>> e : candidates.entrySet()) {
        for (BlobStore.Stored o : e.getValue()) {
          if (referenced.contains(o.key())) continue;
          store.delete(o.key());
          deleted++;
          log.info("supervisor {}: deleted segment file {}, pushed at {} by task {} (closed {}), which no commit "
              + "references", input.dataSource(), o.key(), java.time.Instant.ofEpochMilli(o.lastModifiedMillis()),
              e.getKey(), closedText(closedAt.get(e.getKey())));
        }
      }
      if (deleted > 0) {
        log.info("supervisor {}: the orphan sweep deleted {} of {} segment files", input.dataSource(), deleted,
            files);
      }
      return deleted;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<String> endedTasks(List<String> taskIds) {
    if (tasks == null) throw new IllegalStateException("this worker cannot ask Temporal about tasks");
    List<String> out = new ArrayList<>();
    for (String id : taskIds) if (tasks.closedAtMillis(id) != TaskWorkflows.RUNNING) out.add(id);
    return out;
  }

  private static String closedText(long closedAtMillis) {
    return closedAtMillis == TaskWorkflows.UNKNOWN ? "unknown to Temporal"
        : "at " + java.time.Instant.ofEpochMilli(closedAtMillis);
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
