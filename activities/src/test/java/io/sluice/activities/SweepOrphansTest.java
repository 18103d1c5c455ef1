package io.sluice.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.StreamPartition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The supervisor's sweep deletes exactly the segment files no commit references and none can any more. */
class SweepOrphansTest {
  static final long HOUR = Duration.ofHours(1).toMillis();
  static final long NOW = Instant.parse("2026-06-01T12:00:00Z").toEpochMilli();

  final InMemoryBlobStore store = new InMemoryBlobStore();
  final CatalogLayout layout = new CatalogLayout("druid/segments");
  final CommitLog log = new CommitLog(store, layout);
  /** Task workflows as Temporal would describe them; absent: unknown. */
  final Map<String, Long> closedAt = new HashMap<>();
  final List<String> asked = new java.util.ArrayList<>();
  final CommitActivitiesImpl activities = new CommitActivitiesImpl(log, store, task -> {
    asked.add(task);
    return closedAt.getOrDefault(task, TaskWorkflows.UNKNOWN);
  }, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
  long offset;

  /** A file pushed by {@code task} at {@code atMillis}. */
  String push(String task, String random, long atMillis) throws Exception {
    store.nowMillis = atMillis;
    String key = layout.segmentKey("ds", "2026-06-01T00:00:00.000Z", "2026-06-01T01:00:00.000Z", "v1", 0,
        CatalogLayout.uniquePath(task, random));
    store.put(key, new byte[] {1});
    return key;
  }

  /** A commit by {@code task} of {@code files}, at {@code atMillis} by the commit log's clock. */
  void commit(String task, long atMillis, String... files) throws Exception {
    List<Contracts.PushedSegment> segments = new java.util.ArrayList<>();
    for (String f : files) {
      segments.add(new Contracts.PushedSegment("id-" + f, f, Map.of("loadSpec", Map.of("type", "s3_zip", "key", f)),
          1));
    }
    StreamPartition p = new StreamPartition("t", 0);
    Contracts.CommitResult r = activities.commitSegments(new Contracts.CommitInput("ds", "t", task, "seq-" + task,
        Map.of(p, offset), Map.of(p, offset + 10), segments, Contracts.RowStats.zero(), false, List.of()));
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

  int sweep(long graceMillis) {
    return activities.sweepOrphans(new Contracts.SweepInput("ds", graceMillis));
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
    String closedRecently = push("task_f", "6", NOW - 4 * HOUR); // terminated 10 minutes ago: a commit may land
    closedAt.put("task_f", NOW - 600_000);
    String young = push("task_g", "7", NOW - 600_000);         // pushed 10 minutes ago by a task unknown here
    String laterCommit = push("task_h", "8", NOW - 2 * HOUR);  // committed by a later record
    closedAt.put("task_h", NOW - HOUR - 1);
    commit("task_h", NOW - HOUR - 2000, laterCommit);
    store.put("druid/segments/ds/2026-06-01T00:00:00.000Z_2026-06-01T01:00:00.000Z/v1/0/descriptor.json",
        new byte[] {2}); // not a pushed segment file

    assertEquals(3, sweep(HOUR));
    assertFalse(store.get(terminated).isPresent(), "a terminated task's file");
    assertFalse(store.get(unknown).isPresent(), "a file of a task Temporal no longer knows");
    assertFalse(store.get(commitFailed).isPresent(), "a file whose commit failed");
    for (String kept : List.of(committed, running, closedRecently, young, laterCommit)) {
      assertTrue(store.get(kept).isPresent(), kept);
    }
    assertFalse(asked.contains("task_g"), "a young file needs no question to Temporal");
    assertEquals(0, sweep(HOUR), "idempotent");
    assertEquals(2, store.list(layout.commitPrefix("ds"), null).size(), "the commit log is untouched");
  }

  @Test
  void readsTheCommitLogBackOnlyToTheOldestCandidateLessTheClockSkew() throws Exception {
    String ancient = push("task_a", "1", NOW - 30 * HOUR);
    commit("task_a", NOW - 30 * HOUR, ancient); // seq 1, whose record is then lost: reading it would fail
    String middle = push("task_m", "2", NOW - 10 * HOUR);
    commit("task_m", NOW - 10 * HOUR, middle); // seq 2
    String recent = push("task_b", "3", NOW - 90 * 60_000);
    commit("task_b", NOW - 89 * 60_000, recent); // seq 3
    String orphan = push("task_c", "4", NOW - 80 * 60_000);
    for (String t : List.of("task_a", "task_m")) closedAt.put(t, NOW - 10 * HOUR);
    for (String t : List.of("task_b", "task_c")) closedAt.put(t, NOW - 80 * 60_000);
    store.delete(ancient);
    store.delete(middle);
    store.delete(layout.commitKey("ds", 1));
    // the oldest candidate was pushed 90 minutes ago: records back to 150 minutes ago are read, and seq 2, older,
    // ends the walk before the missing seq 1
    assertEquals(1, sweep(HOUR));
    assertFalse(store.get(orphan).isPresent());
    assertTrue(store.get(recent).isPresent(), "referenced by seq 3");

    // a candidate older than seq 2: the walk reaches the missing record, and nothing is deleted on a guess
    String old = push("task_d", "5", NOW - 40 * HOUR);
    closedAt.put("task_d", NOW - 40 * HOUR);
    RuntimeException e = assertThrows(RuntimeException.class, () -> sweep(HOUR));
    assertTrue(e.getMessage().contains("has no record"), e.getMessage());
    assertTrue(store.get(old).isPresent());
  }

  @Test
  void aTemporalThatCannotBeAskedDeletesNothing() throws Exception {
    String orphan = push("task_a", "1", NOW - 3 * HOUR);
    CommitActivitiesImpl blind = new CommitActivitiesImpl(log, store, task -> {
      throw new IllegalStateException("Temporal unavailable");
    }, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    assertThrows(IllegalStateException.class, () -> blind.sweepOrphans(new Contracts.SweepInput("ds", HOUR)));
    assertTrue(store.get(orphan).isPresent());
  }
}
