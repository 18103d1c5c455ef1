package io.sluice.activities;

import static io.sluice.workflows.Parts.*;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.StreamPartition;
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
    return new Contracts.CommitInput("ds", "t", task, "seq-" + task, offs(0, start), offs(0, end),
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
    assertEquals(offs(0, 250L), second.head().partitionOffsets());
    assertEquals(2, second.head().totalSegments());
    assertEquals(250, second.head().totalEvents());

    CommitLog.AppendResult gap = log.append(commit("c", 300, 400));
    assertEquals(CommitLog.Outcome.INCONSISTENT, gap.outcome());
    assertTrue(gap.detail().contains("Reset the supervisor"), gap.detail());
    CommitLog.AppendResult overlap = log.append(commit("d", 200, 400));
    assertEquals(CommitLog.Outcome.INCONSISTENT, overlap.outcome());
    assertEquals(2, log.all("ds").size(), "nothing was written by refused commits");
  }

  static Contracts.CommitInput multi(String task, Map<StreamPartition, Long> start, Map<StreamPartition, Long> end) {
    return new Contracts.CommitInput("ds", "metrics-.*", task, "seq-" + task, start, end, List.of(),
        new Contracts.RowStats(1, 0, 0, 0, 0));
  }

  @Test
  void aTopicPatternsPartitionsAreComparedPerTopicAndPartitionAndStoredAsTopicColonPartition() throws Exception {
    assertEquals(CommitLog.Outcome.COMMITTED,
        log.append(multi("a", offs("metrics-a:0", 0L, "metrics-b:0", 0L), offs("metrics-a:0", 10L, "metrics-b:0", 20L)))
            .outcome());
    // the same partition number of another topic is another partition
    assertEquals(CommitLog.Outcome.INCONSISTENT,
        log.append(multi("b", offs("metrics-a:0", 20L), offs("metrics-a:0", 30L))).outcome());
    assertEquals(CommitLog.Outcome.COMMITTED,
        log.append(multi("c", offs("metrics-b:0", 20L, "metrics-c:0", 0L), offs("metrics-b:0", 25L, "metrics-c:0", 5L)))
            .outcome());
    assertEquals(offs("metrics-a:0", 10L, "metrics-b:0", 25L, "metrics-c:0", 5L), log.head("ds").partitionOffsets());
    String stored = new String(store.objects.get(layout.commitKey("ds", 2)), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(stored.contains("\"partitionOffsets\":{\"metrics-a:0\":10,\"metrics-b:0\":25,\"metrics-c:0\":5}"),
        stored);
    assertTrue(stored.contains("\"topic\":\"metrics-.*\""), stored);
    // a single-topic log keeps its former form: plain partition numbers
    log.append(new Contracts.CommitInput("ds2", "t", "s", "seq-s", offs(0, 0L), offs(0, 4L), List.of(),
        new Contracts.RowStats(4, 0, 0, 0, 0)));
    String single = new String(store.objects.get(layout.commitKey("ds2", 1)), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(single.contains("\"partitionOffsets\":{\"0\":4}"), single);
  }

  @Test
  void aResetSetsOffsetsAndTasksFromTheOldOffsetsCannotCommit() throws Exception {
    log.append(commit("a", 0, 100));
    Contracts.CommittedState head = log.reset(new Contracts.ResetInput("ds", "t", offs(0, 500L, 1, 7L), "reset"));
    assertEquals(2, head.seq());
    assertEquals(offs(0, 500L, 1, 7L), head.partitionOffsets());
    assertEquals(1, head.totalSegments(), "a reset publishes nothing");
    assertEquals(CommitRecord.RESET, log.all("ds").get(1).kind());
    assertEquals(CommitRecord.COMMIT, log.all("ds").get(0).kind());
    assertEquals(head, log.head("ds"));

    // a task killed by the reset, still holding what it read from 100, never lands
    assertEquals(CommitLog.Outcome.COVERED_BY_ANOTHER_COMMIT, log.append(commit("stale", 100, 300)).outcome());
    assertEquals(CommitLog.Outcome.INCONSISTENT, log.append(commit("stale2", 100, 900)).outcome());
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(commit("next", 500, 600)).outcome());
    assertEquals(offs(0, 600L, 1, 7L), log.head("ds").partitionOffsets());

    log.reset(new Contracts.ResetInput("ds", "t", offs(0, 0L), "resetOffsets")); // rewind
    assertEquals(CommitLog.Outcome.INCONSISTENT, log.append(commit("old", 600, 700)).outcome());
    assertEquals(offs(0, 0L, 1, 7L), log.head("ds").partitionOffsets());
  }

  static Contracts.CommitInput chained(String task, long start, long end) {
    Contracts.CommitInput c = commit(task, start, end);
    return new Contracts.CommitInput(c.dataSource(), c.topic(), c.taskId(), c.sequenceName(), c.startOffsets(),
        c.endOffsets(), c.segments(), c.rowStats(), true, parts(0));
  }

  @Test
  void onlyThePartitionsThatChainedWaitAPartitionNewToTheTaskStartsAnywhere() throws Exception {
    log.append(commit("a", 0, 100)); // partition 0 committed to 100; partition 2 appears later, never committed
    Contracts.CommitInput twoPartitions = new Contracts.CommitInput("ds", "t", "b", "seq-b",
        offs(0, 100L, 2, 0L), offs(0, 150L, 2, 40L), List.of(), new Contracts.RowStats(90, 0, 0, 0, 0), true,
        parts(0));
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(twoPartitions).outcome(),
        "partition 2 started from its earliest offset, not from a predecessor: nothing to wait for");
    assertEquals(offs(0, 150L, 2, 40L), log.head("ds").partitionOffsets());
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
    assertEquals(offs(0, 250L), log.head("ds").partitionOffsets());
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
    Contracts.CommitInput other = new Contracts.CommitInput("ds", "t2", "x", "s", offs(0, 5L), offs(0, 9L),
        List.of(), new Contracts.RowStats(4, 0, 0, 0, 0));
    CommitLog.AppendResult r = log.append(other);
    assertEquals(CommitLog.Outcome.COMMITTED, r.outcome());
    assertEquals("t2", r.head().topic());
    assertEquals(offs(0, 9L), r.head().partitionOffsets());
    assertFalse(log.head("ds").partitionOffsets().containsKey(1));
  }
  static Contracts.CommitInput ranges(String task, Map<StreamPartition, Long> start, Map<StreamPartition, Long> end,
                                      List<StreamPartition> chainedPartitions) {
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
    Contracts.CommitInput t = ranges("t", offs(0, 0L, 1, 0L, 2, 0L, 3, 0L),
        offs(0, 100L, 1, 100L, 2, 100L, 3, 100L), List.of());
    Contracts.CommitInput d = ranges("d", offs(0, 100L, 3, 100L), offs(0, 200L, 3, 200L), parts(0, 3));
    Contracts.CommitInput e = ranges("e", offs(1, 100L), offs(1, 200L), parts(1));
    Contracts.CommitInput f = ranges("f", offs(2, 100L), offs(2, 200L), parts(2));
    assertEquals(CommitLog.Outcome.PREVIOUS_PENDING, log.append(e).outcome(), "t has not committed yet");
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(t).outcome());
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(e).outcome());
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(d).outcome());

    // scale in: g reads {0, 2} from 200, chained on d (partition 0) and f (partition 2); h reads {1, 3}
    Contracts.CommitInput g = ranges("g", offs(0, 200L, 2, 200L), offs(0, 300L, 2, 300L), parts(0, 2));
    Contracts.CommitInput h = ranges("h", offs(1, 200L, 3, 200L), offs(1, 300L, 3, 300L), parts(1, 3));
    assertEquals(CommitLog.Outcome.PREVIOUS_PENDING, log.append(g).outcome(), "d committed, f not yet");
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(h).outcome(), "e and d both committed");
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(f).outcome());
    assertEquals(CommitLog.Outcome.COMMITTED, log.append(g).outcome());
    assertEquals(offs(0, 300L, 1, 300L, 2, 300L, 3, 300L), log.head("ds").partitionOffsets());

    // a successor of a predecessor that failed (and re-read from the committed offsets) can never land
    Contracts.CommitInput stale = ranges("stale", offs(0, 250L), offs(0, 350L), parts(0));
    assertEquals(CommitLog.Outcome.INCONSISTENT, log.append(stale).outcome());
  }
}
