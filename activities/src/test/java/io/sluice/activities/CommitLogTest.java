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
  static Contracts.CommitInput ranges(String task, Map<Integer, Long> start, Map<Integer, Long> end,
                                      List<Integer> chainedPartitions) {
    return new Contracts.CommitInput("ds", "t", task, "seq-" + task, start, end, List.of(),
        new Contracts.RowStats(1, 0, 0, 0, 0), !chainedPartitions.isEmpty(), chainedPartitions);
  }

  /**
   * A scale action changes which task reads which partition: the compare-and-set is per partition, so a successor
   * that took partitions from several predecessors waits for each of them, and one that took a share of one
   * predecessor's partitions waits for that one only.
   */
  @Test
  void chainingAcrossAScaleActionWaitsForEveryPredecessorOfItsPartitions() throws Exception {
    // scale out: t read 0..3 from 0 to 100; now d reads {0, 3} and e reads {1}, f {2}, each from 100
    Contracts.CommitInput t = ranges("t", Map.of(0, 0L, 1, 0L, 2, 0L, 3, 0L),
        Map.of(0, 100L, 1, 100L, 2, 100L, 3, 100L), List.of());
    Contracts.CommitInput d = ranges("d", Map.of(0, 100L, 3, 100L), Map.of(0, 200L, 3, 200L), List.of(0, 3));
    Contracts.CommitInput e = ranges("e", Map.of(1, 100L), Map.of(1, 200L), List.of(1));
    Contracts.CommitInput f = ranges("f", Map.of(2, 100L), Map.of(2, 200L), List.of(2));
    assertEquals(CommitLog.Outcome.PREVIOUS_PENDING, log.append(e).outcome(), "t has not committed yet");
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(t).outcome());
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(e).outcome());
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(d).outcome());

    // scale in: g reads {0, 2} from 200, chained on d (partition 0) and f (partition 2); h reads {1, 3}
    Contracts.CommitInput g = ranges("g", Map.of(0, 200L, 2, 200L), Map.of(0, 300L, 2, 300L), List.of(0, 2));
    Contracts.CommitInput h = ranges("h", Map.of(1, 200L, 3, 200L), Map.of(1, 300L, 3, 300L), List.of(1, 3));
    assertEquals(CommitLog.Outcome.PREVIOUS_PENDING, log.append(g).outcome(), "d committed, f not yet");
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(h).outcome(), "e and d both committed");
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(f).outcome());
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(g).outcome());
    assertEquals(Map.of(0, 300L, 1, 300L, 2, 300L, 3, 300L), log.head("ds").partitionOffsets());

    // a successor of a predecessor that failed (and re-read from the committed offsets) can never land
    Contracts.CommitInput stale = ranges("stale", Map.of(0, 250L), Map.of(0, 350L), List.of(0));
    assertEquals(CommitLog.Outcome.INCONSISTENT, log.append(stale).outcome());
  }
}
