package io.sluice.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.Contracts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CommitLogTest {
  final InMemoryBlobStore store = new InMemoryBlobStore();
  final CatalogLayout layout = new CatalogLayout("druid/segments");
  final CommitLog log = new CommitLog(store, layout);

  static Contracts.CommitInput commit(String task, long start, long end) {
    return new Contracts.CommitInput("ds", "t", task, "seq-" + task, Map.of(0, start), Map.of(0, end),
        List.of(new Contracts.PushedSegment("id-" + task, "druid/segments/ds/x/" + task + "/index.zip",
            Map.of("identifier", "id-" + task), 10)),
        new Contracts.RowStats(end - start, 0, 0, 0, 0));
  }

  @Test
  void commitsChainOnlyFromTheCommittedEndOffsets() throws Exception {
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(commit("a", 0, 100)).outcome());
    CommitLog.AppendResult second = log.append(commit("b", 100, 250));
    assertEquals(CommitLog.Outcome.COMMITTED, second.outcome());
    assertEquals(2, second.head().seq());
    assertEquals(Map.of(0, 250L), second.head().partitionOffsets());
    assertEquals(2, second.head().totalSegments());
    assertEquals(250, second.head().totalEvents());

    CommitLog.AppendResult gap = log.append(commit("c", 300, 400));
    assertEquals(CommitLog.Outcome.INCONSISTENT, gap.outcome());
    assertTrue(gap.detail().contains("Reset the supervisor"), gap.detail());
    CommitLog.AppendResult overlap = log.append(commit("d", 200, 400));
    assertEquals(CommitLog.Outcome.INCONSISTENT, overlap.outcome());
    assertEquals(2, log.all("ds").size(), "nothing was written by refused commits");
  }

  @Test
  void aResetSetsOffsetsAndTasksFromTheOldOffsetsCannotCommit() throws Exception {
    log.append(commit("a", 0, 100));
    Contracts.CommittedState head = log.reset(new Contracts.ResetInput("ds", "t", Map.of(0, 500L, 1, 7L), "reset"));
    assertEquals(2, head.seq());
    assertEquals(Map.of(0, 500L, 1, 7L), head.partitionOffsets());
    assertEquals(1, head.totalSegments(), "a reset publishes nothing");
    assertEquals(CommitRecord.RESET, log.all("ds").get(1).kind());
    assertEquals(CommitRecord.COMMIT, log.all("ds").get(0).kind());
    assertEquals(head, log.head("ds"));

    // a task killed by the reset, still holding what it read from 100, never lands
    assertEquals(CommitLog.Outcome.COVERED_BY_ANOTHER_COMMIT, log.append(commit("stale", 100, 300)).outcome());
    assertEquals(CommitLog.Outcome.INCONSISTENT, log.append(commit("stale2", 100, 900)).outcome());
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(commit("next", 500, 600)).outcome());
    assertEquals(Map.of(0, 600L, 1, 7L), log.head("ds").partitionOffsets());

    log.reset(new Contracts.ResetInput("ds", "t", Map.of(0, 0L), "resetOffsets")); // rewind
    assertEquals(CommitLog.Outcome.INCONSISTENT, log.append(commit("old", 600, 700)).outcome());
    assertEquals(Map.of(0, 0L, 1, 7L), log.head("ds").partitionOffsets());
  }

  static Contracts.CommitInput chained(String task, long start, long end) {
    Contracts.CommitInput c = commit(task, start, end);
    return new Contracts.CommitInput(c.dataSource(), c.topic(), c.taskId(), c.sequenceName(), c.startOffsets(),
        c.endOffsets(), c.segments(), c.rowStats(), true, List.of(0));
  }

  @Test
  void onlyThePartitionsThatChainedWaitAPartitionNewToTheTaskStartsAnywhere() throws Exception {
    log.append(commit("a", 0, 100)); // partition 0 committed to 100; partition 2 appears later, never committed
    Contracts.CommitInput twoPartitions = new Contracts.CommitInput("ds", "t", "b", "seq-b",
        Map.of(0, 100L, 2, 0L), Map.of(0, 150L, 2, 40L), List.of(), new Contracts.RowStats(90, 0, 0, 0, 0), true,
        List.of(0));
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(twoPartitions).outcome(),
        "partition 2 started from its earliest offset, not from a predecessor: nothing to wait for");
    assertEquals(Map.of(0, 150L, 2, 40L), log.head("ds").partitionOffsets());
  }

  @Test
  void aChainedCommitWaitsForItsPredecessorInsteadOfSkippingIt() throws Exception {
    // the next task started at 100 while the first (0..100) was still publishing, and finished first
    assertEquals(CommitLog.Outcome.PREVIOUS_PENDING, log.append(chained("b", 100, 250)).outcome(),
        "never committed: a chained start must not be taken as 'start anywhere'");
    assertTrue(log.all("ds").isEmpty());
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(commit("a", 0, 100)).outcome());
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(chained("b", 100, 250)).outcome());
    assertEquals(CommitLog.Outcome.PREVIOUS_PENDING, log.append(chained("d", 400, 500)).outcome(), "c is pending");
    assertEquals(CommitLog.Outcome.INCONSISTENT, log.append(chained("e", 200, 300)).outcome(), "overlaps b");
    assertEquals(Map.of(0, 250L), log.head("ds").partitionOffsets());
  }

  @Test
  void aRetriedCommitIsRecognisedAndAReplicaCoveredRangeIsNot() throws Exception {
    log.append(commit("a", 0, 100));
    assertEquals(CommitLog.Outcome.ALREADY_COMMITTED_BY_THIS_TASK, log.append(commit("a", 0, 100)).outcome());
    assertEquals(CommitLog.Outcome.COVERED_BY_ANOTHER_COMMIT, log.append(commit("replica", 0, 100)).outcome());
    assertEquals(CommitLog.Outcome.COVERED_BY_ANOTHER_COMMIT, log.append(commit("slow", 0, 60)).outcome());
    assertEquals(1, log.all("ds").size());
  }

  @Test
  void racingWritersClaimEachSequenceNumberOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<CommitLog.AppendResult>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String task = "r" + i;
      results.add(pool.submit(() -> new CommitLog(store, layout).append(commit(task, 0, 100))));
    }
    int committed = 0;
    for (Future<CommitLog.AppendResult> f : results) {
      if (f.get().outcome() == CommitLog.Outcome.COMMITTED) committed++;
    }
    pool.shutdown();
    assertEquals(1, committed, "exactly one of the racing replicas commits");
    assertEquals(1, log.all("ds").size());
  }

  @Test
  void anotherTopicStartsAfresh() throws Exception {
    log.append(commit("a", 0, 100));
    Contracts.CommitInput other = new Contracts.CommitInput("ds", "t2", "x", "s", Map.of(0, 5L), Map.of(0, 9L),
        List.of(), new Contracts.RowStats(4, 0, 0, 0, 0));
    CommitLog.AppendResult r = log.append(other);
    assertEquals(CommitLog.Outcome.COMMITTED, r.outcome());
    assertEquals("t2", r.head().topic());
    assertEquals(Map.of(0, 9L), r.head().partitionOffsets());
    assertFalse(log.head("ds").partitionOffsets().containsKey(1));
  }
}
