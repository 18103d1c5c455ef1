package io.sluice.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.StreamPartition;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The supervisor's sweep deletes exactly the segment files no commit references and none can any more. */
class SweepOrphansTest {
  static final long MINUTE = 60_000;
  static final long HOUR = Duration.ofHours(1).toMillis();
  static final long NOW = Instant.parse("2026-06-01T12:00:00Z").toEpochMilli();

  /** Counts reads of commit records. */
  final AtomicInteger recordReads = new AtomicInteger();
  final InMemoryBlobStore store = new InMemoryBlobStore() {
    @Override
    public Optional<byte[]> get(String key) {
      if (key.contains("/_sluice/commits/")) recordReads.incrementAndGet();
      return super.get(key);
    }
  };
  final CatalogLayout layout = new CatalogLayout("druid/segments");
  final CommitLog log = new CommitLog(store, layout);
  /** Task workflows as Temporal would describe them; absent: unknown. */
  final Map<String, Long> closedAt = new HashMap<>();
  final List<String> asked = new java.util.ArrayList<>();
  final CommitActivitiesImpl activities = new CommitActivitiesImpl(log, store, task -> {
    asked.add(task);
    return closedAt.getOrDefault(task, TaskWorkflows.UNKNOWN);
  }, () -> Long.MAX_VALUE);
  long offset;

  /** A file pushed by {@code task} at {@code atMillis}. */
  String push(String task, String random, long atMillis) throws Exception {
    store.nowMillis = atMillis;
    String key = layout.segmentKey("ds", "2026-06-01T00:00:00.000Z", "2026-06-01T01:00:00.000Z", "v1", 0,
        CatalogLayout.uniquePath(task, random));
    store.put(key, new byte[] {1});
    return key;
  }

  static Contracts.CommitInput commitInput(String task, long from, String... files) {
    List<Contracts.PushedSegment> segments = new java.util.ArrayList<>();
    for (String f : files) {
      segments.add(new Contracts.PushedSegment("id-" + f, f, Map.of("loadSpec", Map.of("type", "s3_zip", "key", f)),
          1));
    }
    StreamPartition p = new StreamPartition("t", 0);
    return new Contracts.CommitInput("ds", "t", task, "seq-" + task, Map.of(p, from), Map.of(p, from + 10), segments,
        Contracts.RowStats.zero(), false, List.of());
  }

  /** A commit by {@code task} of {@code files}, at {@code atMillis} by the commit log's clock. */
  void commit(String task, long atMillis, String... files) throws Exception {
    Contracts.CommitResult r = activities.commitSegments(commitInput(task, offset, files));
    assertFalse(r.alreadyCommitted());
    offset += 10;
    // the record's commit time is the worker's clock; rewrite it to the time the scenario says
    String key = layout.commitKey("ds", r.head().seq());
    CommitRecord rec = log.read(key).orElseThrow();
    store.objects.put(key, CommitLog.MAPPER.writeValueAsBytes(new CommitRecord(rec.formatVersion(), rec.seq(),
        rec.dataSource(), rec.topic(), rec.taskId(), rec.sequenceName(), atMillis, rec.startOffsets(),
        rec.endOffsets(), rec.partitionOffsets(), rec.segments(), rec.rowStats(), rec.totalSegments(),
        rec.totalEvents(), rec.kind())));
  }

  Contracts.SweepResult sweep(long graceMillis, long sinceMillis) {
    recordReads.set(0);
    return activities.sweepOrphans(new Contracts.SweepInput("ds", graceMillis, NOW, sinceMillis));
  }

  @Test
  void deletesOnlyOldFilesOfClosedTasksThatNoCommitReferences() throws Exception {
    String committed = push("task_a", "1", NOW - 5 * HOUR);
    commit("task_a", NOW - 5 * HOUR + 1000, committed);
    closedAt.put("task_a", NOW - 5 * HOUR);
    String terminated = push("task_b", "2", NOW - 3 * HOUR); // terminated in Temporal after its push
    closedAt.put("task_b", NOW - 3 * HOUR);
    String unknown = push("task_c", "3", NOW - 3 * HOUR);     // its workflow is past retention
    String commitFailed = push("task_d", "4", NOW - 2 * HOUR); // handed to a commit that failed
    closedAt.put("task_d", NOW - 2 * HOUR);
    String running = push("task_e", "5", NOW - 4 * HOUR);     // a task still waiting to commit
    closedAt.put("task_e", TaskWorkflows.RUNNING);
    String closedRecently = push("task_f", "6", NOW - 4 * HOUR + MINUTE); // terminated 10 minutes ago
    closedAt.put("task_f", NOW - 10 * MINUTE);
    String young = push("task_g", "7", NOW - 10 * MINUTE);     // pushed 10 minutes ago by a task unknown here
    String laterCommit = push("task_h", "8", NOW - 2 * HOUR);  // committed by a later record
    closedAt.put("task_h", NOW - HOUR - 1);
    commit("task_h", NOW - HOUR - 2000, laterCommit);
    store.put("druid/segments/ds/2026-06-01T00:00:00.000Z_2026-06-01T01:00:00.000Z/v1/0/descriptor.json",
        new byte[] {2}); // not a pushed segment file

    Contracts.SweepResult r = sweep(HOUR, 0);
    assertEquals(3, r.deleted());
    assertFalse(store.get(terminated).isPresent(), "a terminated task's file");
    assertFalse(store.get(unknown).isPresent(), "a file of a task Temporal no longer knows");
    assertFalse(store.get(commitFailed).isPresent(), "a file whose commit failed");
    for (String kept : List.of(committed, running, closedRecently, young, laterCommit)) {
      assertTrue(store.get(kept).isPresent(), kept);
    }
    assertEquals(NOW - 4 * HOUR, r.nextSinceMillis(), "the oldest file kept for its task looks at it again");
    assertFalse(asked.contains("task_g"), "a young file needs no question to Temporal");
    assertFalse(asked.contains("task_a"), "nor does a referenced one");
    assertEquals(0, sweep(HOUR, r.nextSinceMillis()).deleted(), "idempotent");
    assertEquals(2, store.list(layout.commitPrefix("ds"), null).size(), "the commit log is untouched");

    closedAt.put("task_e", NOW - 2 * HOUR); // it ended without committing
    closedAt.put("task_f", NOW - 2 * HOUR);
    assertEquals(2, sweep(HOUR, r.nextSinceMillis()).deleted(), "files kept last time are looked at again");
    assertFalse(store.get(running).isPresent());
    assertFalse(store.get(closedRecently).isPresent());
  }

  @Test
  void aTaskClosedLessThanACommitTimeoutAgoKeepsItsFilesWhateverTheGrace() throws Exception {
    String closedTwoMinutesAgo = push("task_a", "1", NOW - 10 * MINUTE);
    closedAt.put("task_a", NOW - 2 * MINUTE); // a commit attempt of it may still land
    String closedFourMinutesAgo = push("task_b", "2", NOW - 10 * MINUTE);
    closedAt.put("task_b", NOW - 4 * MINUTE);
    assertEquals(1, sweep(20_000, 0).deleted());
    assertTrue(store.get(closedTwoMinutesAgo).isPresent());
    assertFalse(store.get(closedFourMinutesAgo).isPresent());
  }

  @Test
  void aSweepFromTheLastHorizonReadsOnlyTheCommitsSinceIt() throws Exception {
    for (int k = 21; k >= 2; k--) { // a commit an hour, each of its own file
      String task = "task_" + k;
      commit(task, NOW - k * HOUR + 1000, push(task, "f", NOW - k * HOUR));
      closedAt.put(task, NOW - k * HOUR + 2000);
    }
    Contracts.SweepResult first = sweep(HOUR, 0);
    assertEquals(0, first.deleted());
    assertEquals(NOW - HOUR, first.nextSinceMillis());
    assertTrue(recordReads.get() >= 20, "the first sweep reads the whole log: " + recordReads.get());

    String orphan = push("task_x", "o", NOW - 90 * MINUTE);
    closedAt.put("task_x", NOW - 90 * MINUTE);
    String oldOrphan = push("task_y", "o", NOW - 5 * HOUR); // pushed long before the horizon (less the skew)
    closedAt.put("task_y", NOW - 5 * HOUR);
    store.nowMillis = NOW;
    assertEquals(1, sweep(HOUR, first.nextSinceMillis()).deleted());
    assertFalse(store.get(orphan).isPresent());
    assertTrue(recordReads.get() <= 4, "records since the oldest candidate, less the skew: " + recordReads.get());
    assertTrue(store.get(oldOrphan).isPresent(), "outside the window");
    // such a file can appear after a sweep: a multipart upload's last-modified time is when it began
    assertEquals(1, sweep(HOUR, first.nextSinceMillis() - 7 * 24 * HOUR).deleted(), "a deep sweep finds it");
  }

  @Test
  void aMissingCommitRecordInTheWalkDeletesNothing() throws Exception {
    String a = push("task_a", "1", NOW - 3 * HOUR);
    commit("task_a", NOW - 3 * HOUR, a);
    String b = push("task_b", "2", NOW - 2 * HOUR);
    commit("task_b", NOW - 2 * HOUR, b);
    String orphan = push("task_c", "3", NOW - 3 * HOUR);
    for (String t : List.of("task_a", "task_b", "task_c")) closedAt.put(t, NOW - 2 * HOUR);
    store.delete(layout.commitKey("ds", 1)); // lost: a's file now looks unreferenced, but the log is incomplete
    RuntimeException e = assertThrows(RuntimeException.class, () -> sweep(HOUR, 0));
    assertTrue(e.getMessage().contains("has no record"), e.getMessage());
    assertTrue(store.get(a).isPresent());
    assertTrue(store.get(orphan).isPresent());
  }

  @Test
  void aTemporalThatCannotBeAskedDeletesNothing() throws Exception {
    String orphan = push("task_a", "1", NOW - 3 * HOUR);
    CommitActivitiesImpl blind = new CommitActivitiesImpl(log, store, task -> {
      throw new IllegalStateException("Temporal unavailable");
    }, () -> Long.MAX_VALUE);
    assertThrows(IllegalStateException.class,
        () -> blind.sweepOrphans(new Contracts.SweepInput("ds", HOUR, NOW, 0)));
    assertTrue(store.get(orphan).isPresent());
  }

  @Test
  void aCommitAttemptPastItsDeadlineWritesNoRecord() throws Exception {
    String file = push("task_a", "1", NOW - HOUR);
    CommitActivitiesImpl late = new CommitActivitiesImpl(log, store, task -> TaskWorkflows.RUNNING,
        () -> System.currentTimeMillis() - 1);
    RuntimeException e = assertThrows(RuntimeException.class, () -> late.commitSegments(commitInput("task_a", 0, file)));
    assertTrue(e.getMessage().contains("past its deadline"), e.getMessage());
    assertEquals(List.of(), store.list(layout.commitPrefix("ds"), null), "nothing committed");
    CommitActivitiesImpl inTime = new CommitActivitiesImpl(log, store, task -> TaskWorkflows.RUNNING,
        () -> System.currentTimeMillis() + MINUTE);
    assertFalse(inTime.commitSegments(commitInput("task_a", 0, file)).alreadyCommitted());
    assertEquals(1, store.list(layout.commitPrefix("ds"), null).size());
  }
}
