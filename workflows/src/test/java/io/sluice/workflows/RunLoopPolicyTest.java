package io.sluice.workflows;

import static io.sluice.workflows.Parts.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RunLoopPolicyTest {
  @Test
  void resetOffsetsOfATopicPatternNameTopicAndPartition() {
    List<StreamPartition> known = List.of(p("m-a", 0), p("m-b", 0));
    assertEquals(null, RunLoopPolicy.resetOffsetsProblem("m-.*", true, "m-.*", offs("m-a:0", 5L), known));
    assertTrue(RunLoopPolicy.resetOffsetsProblem("m-.*", true, null, offs(0, 5L), known)
        .contains("name partitions as topic:partition"));
    assertTrue(RunLoopPolicy.resetOffsetsProblem("m-.*", true, null, offs("x-a:0", 5L), List.of())
        .contains("does not match topicPattern"));
    assertTrue(RunLoopPolicy.resetOffsetsProblem("m-.*", true, null, offs("m-c:0", 5L), known)
        .contains("is not one of"));
    assertTrue(RunLoopPolicy.resetOffsetsProblem("m-.*", true, "m-a", offs("m-a:0", 5L), known)
        .contains("is not this supervisor's topicPattern"));
    assertTrue(RunLoopPolicy.resetOffsetsProblem("t", false, "t", offs("t:0", 5L), List.of())
        .contains("name partitions by number"));
  }

  @Test
  void aTopicPatternsPartitionsGroupByDruidsMultiTopicFormula() {
    StreamPartition a0 = StreamPartition.of("metrics-a", 0);
    StreamPartition a1 = StreamPartition.of("metrics-a", 1);
    StreamPartition b0 = StreamPartition.of("metrics-b", 0);
    for (int taskCount = 1; taskCount <= 5; taskCount++) {
      for (StreamPartition p : List.of(a0, a1, b0)) {
        // KafkaSupervisor.getTaskGroupIdForPartition for a multi-topic partition
        assertEquals(Math.abs(31 * p.topic().hashCode() + p.partition()) % taskCount,
            RunLoopPolicy.groupOf(p, taskCount), p + " of " + taskCount);
      }
    }
    // single topic: partition % taskCount, unchanged
    assertEquals(3 % 2, RunLoopPolicy.groupOf(StreamPartition.of(3), 2));
    // "metrics-a".hashCode() = h: the groups are (31h) % n and (31h + 1) % n
    int h = "metrics-a".hashCode();
    Map<Integer, List<StreamPartition>> groups = RunLoopPolicy.groups(List.of(a0, a1, b0), 3);
    List<StreamPartition> all = new java.util.ArrayList<>();
    groups.values().forEach(all::addAll);
    assertEquals(3, all.size());
    assertTrue(groups.get(Math.abs(31 * h) % 3).contains(a0));
    assertTrue(groups.get(Math.abs(31 * h + 1) % 3).contains(a1));
    // topics sort apart from each other; a topic's partitions by number
    assertEquals(List.of(a0, a1, b0, StreamPartition.of("metrics-b", 10)),
        RunLoopPolicy.knownPartitions(List.of(b0, a1), List.of(StreamPartition.of("metrics-b", 10), a0)));
  }

  @Test
  void partitionsGroupByModuloAndNeverExceedPartitionCount() {
    assertEquals(Map.of(0, parts(0, 2), 1, parts(1, 3)), RunLoopPolicy.groups(parts(0, 1, 2, 3), 2));
    assertEquals(2, RunLoopPolicy.groups(parts(0, 1), 5).size());
    assertEquals(Map.of(0, parts(0, 1, 2)), RunLoopPolicy.groups(parts(0, 1, 2), 1));
  }

  @Test
  void partitionsOnceSeenAreKept() {
    assertEquals(parts(0, 1, 2), RunLoopPolicy.knownPartitions(parts(0, 1), parts(2, 0)));
    assertEquals(parts(0, 1), RunLoopPolicy.knownPartitions(parts(0, 1), parts(0)));
  }

  @Test
  void aTopicPatternForgetsPartitionsNoLongerListedButASingleTopicNever() {
    StreamPartition a0 = StreamPartition.of("multi-a", 0);
    StreamPartition a1 = StreamPartition.of("multi-a", 1);
    StreamPartition b0 = StreamPartition.of("multi-b", 0);
    assertEquals(List.of(b0), RunLoopPolicy.vanished(List.of(a0, a1, b0), List.of(a0, a1), true), "b deleted");
    assertEquals(List.of(), RunLoopPolicy.vanished(List.of(a0, b0), List.of(a0, a1, b0), true), "one added");
    assertEquals(List.of(), RunLoopPolicy.vanished(parts(0, 1), parts(0), false),
        "a single topic keeps its partitions (a deleted one fails the discovery instead)");
    assertEquals(List.of(a0, a1), RunLoopPolicy.without(List.of(a0, b0, a1), List.of(b0)));
    assertEquals(Map.of(a0, 5L), RunLoopPolicy.without(Map.of(a0, 5L, b0, 7L), List.of(b0)));
  }

  @Test
  void startOffsetsPreferCommittedThenEarliestOrLatest() {
    Map<StreamPartition, Long> earliest = offs(0, 5L, 1, 0L);
    Map<StreamPartition, Long> latest = offs(0, 50L, 1, 70L);
    assertEquals(offs(0, 20L, 1, 0L),
        RunLoopPolicy.startOffsets(parts(0, 1), offs(0, 20L), true, earliest, latest, true));
    assertEquals(offs(0, 20L, 1, 70L),
        RunLoopPolicy.startOffsets(parts(0, 1), offs(0, 20L), true, earliest, latest, false));
    // offsets committed for another topic do not apply
    assertEquals(offs(0, 5L, 1, 0L),
        RunLoopPolicy.startOffsets(parts(0, 1), offs(0, 20L), false, earliest, latest, true));
  }

  @Test
  void partitionsAddedLaterStartFromTheirEarliestOffset() {
    assertEquals(List.of(), RunLoopPolicy.discoveredLater(List.of(), List.of(), parts(0, 1)), "first discovery");
    assertEquals(parts(2, 3), RunLoopPolicy.discoveredLater(List.of(), parts(0, 1), parts(0, 1, 2, 3)));
    assertEquals(parts(2, 3), RunLoopPolicy.discoveredLater(parts(2), parts(0, 1, 2), parts(3)));
    Map<StreamPartition, Long> earliest = offs(0, 5L, 1, 0L);
    Map<StreamPartition, Long> latest = offs(0, 50L, 1, 70L);
    // useEarliestOffset false: partition 0, there from the start, begins at latest; partition 1, added while the
    // supervisor ran, begins at earliest, so nothing produced into it before its discovery is skipped
    assertEquals(offs(0, 50L, 1, 0L),
        RunLoopPolicy.startOffsets(parts(0, 1), Map.of(), true, earliest, latest, false, parts(1)));
    assertEquals(offs(0, 50L, 1, 30L),
        RunLoopPolicy.startOffsets(parts(0, 1), offs(1, 30L), true, earliest, latest, false, parts(1)));
  }

  @Test
  void rolloverAndCompletionTimeout() {
    assertFalse(RunLoopPolicy.shouldStopReading(1000, 1999, 1000));
    assertTrue(RunLoopPolicy.shouldStopReading(1000, 2000, 1000));
    assertFalse(RunLoopPolicy.completionTimedOut(0, 1000, 1000));
    assertTrue(RunLoopPolicy.completionTimedOut(0, 1001, 1000));
  }

  @Test
  void healthNeedsThresholdsBothWays() {
    RunLoopPolicy.Health h = new RunLoopPolicy.Health(0, 0, false);
    h = h.next(true, 3, 3);
    h = h.next(true, 3, 3);
    assertFalse(h.unhealthy());
    h = h.next(true, 3, 3);
    assertTrue(h.unhealthy());
    h = h.next(false, 3, 3).next(false, 3, 3);
    assertTrue(h.unhealthy());
    h = h.next(false, 3, 3);
    assertFalse(h.unhealthy());
  }

  @Test
  void detailedStatesMapToDruidStates() {
    assertEquals("UNABLE_TO_CONNECT_TO_STREAM",
        RunLoopPolicy.detailedState(false, false, true, true, false, false, false, false, "CONNECTING_TO_STREAM"));
    assertEquals("LOST_CONTACT_WITH_STREAM",
        RunLoopPolicy.detailedState(false, false, true, true, true, false, false, true, "RUNNING"));
    assertEquals("UNHEALTHY_TASKS", RunLoopPolicy.detailedState(false, false, false, false, true, true, false, true, "RUNNING"));
    assertEquals("CREATING_TASKS", RunLoopPolicy.detailedState(false, false, false, false, true, false, false, false,
        "CREATING_TASKS"));
    assertEquals("SUSPENDED", RunLoopPolicy.detailedState(false, true, true, true, true, true, false, true, "RUNNING"),
        "a suspended supervisor shows SUSPENDED whatever its health");
    assertEquals("STOPPING", RunLoopPolicy.detailedState(true, true, false, false, true, false, false, true, "RUNNING"));
    assertEquals("UNHEALTHY_SUPERVISOR", RunLoopPolicy.stateOf("LOST_CONTACT_WITH_STREAM"));
    assertEquals("RUNNING", RunLoopPolicy.stateOf("DISCOVERING_INITIAL_TASKS"));
    assertEquals("PENDING", RunLoopPolicy.stateOf("PENDING"));
  }

  @Test
  void taskIdsLookLikeDruidsAndDependOnTheirWork() {
    String a = RunLoopPolicy.sequenceName("ds", "t", 0, offs(0, 0L), 1);
    String b = RunLoopPolicy.sequenceName("ds", "t", 0, offs(0, 10L), 1);
    assertNotEquals(a, b);
    assertTrue(a.matches("index_kafka_ds_[0-9a-f]{15}"), a);
    assertTrue(RunLoopPolicy.taskId(a, new Random(1)).matches("index_kafka_ds_[0-9a-f]{15}_[a-z]{8}"));
  }

  @Test
  void recentErrorsAreBounded() {
    List<SupervisorState.ErrorEvent> errors = List.of();
    for (int i = 0; i < 30; i++) {
      errors = RunLoopPolicy.addError(errors, new SupervisorState.ErrorEvent(i, "E", "m" + i, false), 5);
    }
    assertEquals(5, errors.size());
    assertEquals("m29", errors.get(4).message());
  }

  @Test
  void aNewTaskChainsOnlyThePartitionsAPublisherEndedAndTheRestStartFromBase() {
    SupervisorState.TaskEntry old = new SupervisorState.TaskEntry("t1", 0, "s", offs(0, 0L), 0);
    old.phase = "PUBLISHING";
    old.endOffsets = offs(0, 1000L);
    SupervisorState.TaskEntry newer = new SupervisorState.TaskEntry("t2", 0, "s", offs(0, 1000L), 1);
    newer.phase = "PUBLISHING";
    newer.endOffsets = offs(0, 1500L);
    RunLoopPolicy.Start s = RunLoopPolicy.chainedStart(parts(0, 2), offs(0, 900L, 2, 0L), List.of(old, newer));
    assertEquals(offs(0, 1500L, 2, 0L), s.offsets(), "the newest publisher's end; a new partition from base");
    assertEquals(List.of("t2"), s.chainedFrom());
    assertEquals(parts(0), s.chainedPartitions());
    assertEquals(List.of("t2"), RunLoopPolicy.chainedAfter("t1", List.of(old, chainedOn(newer, "t1"))));
    assertEquals(false, RunLoopPolicy.groupFree(0, List.of(new SupervisorState.TaskEntry("r", 0, "s", Map.of(), 0))),
        "a reading task keeps its group busy");
    assertEquals(true, RunLoopPolicy.groupFree(0, List.of(old, newer)), "publishers that reported their end do not");
  }

  @Test
  void replicasArePlacedOnDifferentWorkersAndAgreeOnTheMostAnyRead() {
    assertEquals(List.of("w1", "w2"), RunLoopPolicy.placeReplicas(List.of("w1", "w2", "w3"), 0, 2));
    assertEquals(List.of("w3", "w1"), RunLoopPolicy.placeReplicas(List.of("w1", "w2", "w3"), 1, 2),
        "the next group starts on the next workers");
    assertEquals(List.of("w1", "w1"), RunLoopPolicy.placeReplicas(List.of("w1"), 0, 2), "one worker: both on it");
    assertEquals(java.util.Arrays.asList(null, null), RunLoopPolicy.placeReplicas(List.of(), 0, 2),
        "no worker known: any worker");
    assertEquals(null, RunLoopPolicy.agreedEnd(java.util.Arrays.asList(null, null)));
    assertEquals(offs(0, 107L, 1, 50L),
        RunLoopPolicy.agreedEnd(java.util.Arrays.asList(offs(0, 100L, 1, 50L), null, offs(0, 107L, 1, 40L))));
  }

  @Test
  void automaticResetTouchesOnlyOffsetsOutsideWhatKafkaHolds() {
    Map<StreamPartition, Long> earliest = offs(0, 500L, 1, 0L, 2, 0L);
    Map<StreamPartition, Long> latest = offs(0, 900L, 1, 100L, 2, 10L);
    Map<StreamPartition, Long> resumeAt = new java.util.TreeMap<>(offs(0, 100L, 1, 50L, 2, 20L, 3, 5L));
    assertEquals(offs(0, 500L, 2, 0L), RunLoopPolicy.automaticReset(resumeAt, earliest, latest, true),
        "below the earliest, and past the latest (a re-created topic); a partition Kafka does not report is kept");
    assertEquals(offs(0, 900L, 2, 10L), RunLoopPolicy.automaticReset(resumeAt, earliest, latest, false));
  }

  private static SupervisorState.TaskEntry chainedOn(SupervisorState.TaskEntry t, String from) {
    t.chainedFrom = List.of(from);
    return t;
  }
  /**
   * After a scale action, a new task's partitions may come from several predecessors in other task groups: each
   * partition chains at the end of the newest task that read it, and failure of any of those predecessors kills it.
   */
  @Test
  void chainingFollowsPartitionsAcrossAChangeOfTaskCount() {
    SupervisorState.TaskEntry a = new SupervisorState.TaskEntry("a", 0, "s", offs(0, 0L, 2, 0L), 0);
    a.phase = "PUBLISHING";
    a.endOffsets = offs(0, 100L, 2, 100L);
    SupervisorState.TaskEntry b = new SupervisorState.TaskEntry("b", 1, "s", offs(1, 0L, 3, 0L), 0);
    b.phase = "PUBLISHING";
    b.endOffsets = offs(1, 100L, 3, 100L);
    List<SupervisorState.TaskEntry> tasks = new java.util.ArrayList<>(List.of(a, b));
    // scale out from 2 to 3: group 0 is {0, 3}, group 1 {1}, group 2 {2}
    Map<Integer, List<StreamPartition>> groups = RunLoopPolicy.groups(parts(0, 1, 2, 3), 3);
    assertEquals(Map.of(0, parts(0, 3), 1, parts(1), 2, parts(2)), groups);
    for (int g = 0; g < 3; g++) assertTrue(RunLoopPolicy.groupFree(g, tasks), "old groups all reported their end");
    RunLoopPolicy.Start g0 = RunLoopPolicy.chainedStart(groups.get(0), offs(0, 0L, 3, 0L), tasks);
    assertEquals(offs(0, 100L, 3, 100L), g0.offsets());
    assertEquals(List.of("a", "b"), g0.chainedFrom());
    assertEquals(parts(0, 3), g0.chainedPartitions());
    SupervisorState.TaskEntry c = new SupervisorState.TaskEntry("c", 0, "s", g0.offsets(), 1);
    c.chainedFrom = new java.util.ArrayList<>(g0.chainedFrom());
    tasks.add(c);
    assertEquals(List.of("c"), RunLoopPolicy.chainedAfter("b", tasks), "b failing takes c with it");
    assertEquals(List.of("c"), RunLoopPolicy.chainedAfter("a", tasks));
  }
}
