package io.sluice.activities;

import static io.sluice.workflows.Parts.*;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.segment.spec.AutoScalerConfig;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.StreamPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The stream watcher's loop with a fake clock, fake fetches and fake task heartbeats: the autoscaler's part. */
class StreamWatcherTest {
  static final long T0 = 1_000_000;
  /** Start delay 60 s, samples every 30 s over 120 s, checks every 60 s, out at >= 1000 (30%), in at <= 500 (90%). */
  static final AutoScalerConfig CONFIG = new AutoScalerConfig(true, 4, 1, 600_000L, null, 30_000L, 120_000L, 1000L,
      0.3, 500L, 0.9, 60_000L, 60_000L, 1, 2);

  final AtomicLong clock = new AtomicLong(T0);
  final List<Long> fetchTimes = new ArrayList<>();
  Map<String, Map<StreamPartition, Long>> heartbeats = Map.of();
  /** What the supervisor's status query answers; null: no answer (the watcher goes by its input). */
  SupervisorProbe.View view;
  int probes;
  final StreamActivitiesImpl impl = new StreamActivitiesImpl(null, Map.of(), new SupervisorProbe() {
    @Override
    public View view(String supervisorWorkflowId) {
      probes++;
      return view;
    }

    @Override
    public Map<String, Map<StreamPartition, Long>> currentOffsets(java.util.Collection<String> taskIds) {
      Map<String, Map<StreamPartition, Long>> out = new TreeMap<>(heartbeats);
      out.keySet().retainAll(taskIds);
      return out;
    }
  }, clock::get);

  Contracts.StreamOffsets fetch() {
    fetchTimes.add(clock.get());
    Map<StreamPartition, Long> latest = new TreeMap<>();
    for (int p = 0; p < 4; p++) latest.put(p(p), 10_000L);
    return new Contracts.StreamOffsets(parts(0, 1, 2, 3), offs(0, 0L, 1, 0L, 2, 0L, 3, 0L), latest);
  }

  Contracts.WatchResult watch(Contracts.AutoScaleWatch auto, long maxWatchMillis) {
    Contracts.WatchInput in = new Contracts.WatchInput("t", Map.of(), 30_000, parts(0, 1, 2, 3), Map.of(),
        Integer.MAX_VALUE, false, 0, 0, maxWatchMillis, auto);
    return impl.watch("supervisor:ds", in, this::fetch, snapshot -> { }, (millis, beat) -> clock.addAndGet(millis));
  }

  static Contracts.AutoScaleWatch auto(int taskCount, boolean allowed, List<Long> samples, long lastSample) {
    Map<StreamPartition, Long> start = offs(0, 9_000L, 1, 9_000L, 2, 9_000L, 3, 9_000L);
    return new Contracts.AutoScaleWatch(CONFIG, taskCount, 4, allowed, T0, 0, samples, lastSample,
        Map.of("task-a", start), offs(0, 100L, 1, 100L, 2, 100L, 3, 100L));
  }

  @Test
  void samplesFromTheStartDelayAndScalesOutAtTheFirstCheck() {
    Contracts.WatchResult r = watch(auto(1, true, List.of(), 0), 3_600_000);
    assertEquals(Contracts.WatchResult.SCALE, r.reason());
    assertEquals(3, r.desiredTaskCount(), "1 + scaleOutStep 2");
    assertEquals(T0 + 180_000, clock.get(), "first check: start delay + range");
    // samples at 60, 90, 120, 150 and 180 s: lag against the task's start offsets, 4 x 1000
    assertEquals(List.of(4000L, 4000L, 4000L, 4000L, 4000L), r.lagSamples());
    assertEquals(T0 + 180_000, r.lastLagSampleMillis());
    assertEquals(List.of(T0, T0 + 30_000, T0 + 60_000, T0 + 90_000, T0 + 120_000, T0 + 150_000, T0 + 180_000),
        fetchTimes, "samples fall on the regular fetches when both are every 30 s");
  }

  @Test
  void heartbeatedOffsetsAreWhatTheTasksHaveRead() {
    heartbeats = Map.of("task-a", offs(0, 9_950L, 1, 9_950L, 2, 9_950L, 3, 9_950L));
    Contracts.WatchResult r = watch(auto(3, true, List.of(), 0), 3_600_000);
    assertEquals(Contracts.WatchResult.SCALE, r.reason());
    assertEquals(2, r.desiredTaskCount(), "lag 200 <= scaleInThreshold: 3 - scaleInStep 1");
    assertEquals(200L, r.lagSamples().get(0));
  }

  @Test
  void noActionWhileNotAllowedButSamplesComeBackAndAreKeptOnThisWorker() {
    Contracts.WatchResult first = watch(auto(1, false, List.of(), 0), 150_000);
    assertEquals(Contracts.WatchResult.MAX_WATCH, first.reason());
    assertEquals(0, first.desiredTaskCount());
    assertEquals(List.of(4000L, 4000L, 4000L, 4000L), first.lagSamples(), "at 60, 90, 120 and 150 s (max watch)");
    // a watcher given older samples (its predecessor was cancelled before it returned) continues from this
    // worker's: one more sample, at 180 s
    Contracts.WatchResult second = watch(auto(1, false, List.of(7L), T0 + 30_000), 30_000);
    assertEquals(List.of(4000L, 4000L, 4000L, 4000L, 4000L), second.lagSamples());
  }

  @Test
  void theSupervisorsAnswerWinsOverTheInput() {
    // the input (from when the watcher started) knows task-a; the supervisor now runs task-b, far ahead, and is
    // publishing something: lag is measured against task-b, and no action is taken
    heartbeats = Map.of("task-b", offs(0, 9_990L, 1, 9_990L, 2, 9_990L, 3, 9_990L));
    view = new SupervisorProbe.View(Map.of("task-b", offs(0, 9_500L, 1, 9_500L, 2, 9_500L, 3, 9_500L)),
        Map.of(), false, false);
    Contracts.WatchResult r = watch(auto(3, true, List.of(), 0), 400_000);
    assertEquals(Contracts.WatchResult.MAX_WATCH, r.reason(), "not allowed now: no action");
    assertEquals(40L, r.lagSamples().get(0));
    // 400 s: regular fetches every 30 s, the supervisor asked at samples (60 s on, every 30 s) and checks (180 s
    // on, every 60 s), which coincide with fetches: a skipped check waits for the next, no busy loop
    assertEquals(List.of(T0, T0 + 30_000, T0 + 60_000, T0 + 90_000, T0 + 120_000, T0 + 150_000, T0 + 180_000,
        T0 + 210_000, T0 + 240_000, T0 + 270_000, T0 + 300_000, T0 + 330_000, T0 + 360_000, T0 + 390_000,
        T0 + 420_000), fetchTimes);
    assertEquals(13, probes, "once per sample from 60 s to 420 s");
    // suspended: no samples
    view = new SupervisorProbe.View(Map.of(), Map.of(), false, true);
    Contracts.WatchResult suspended = watch(auto(3, true, List.of(), 0), 400_000);
    assertEquals(r.lagSamples(), suspended.lagSamples(), "none added while suspended");
  }

  @Test
  void atTheBoundTheCheckDoesNothing() {
    Contracts.WatchResult r = watch(auto(4, true, List.of(), 0), 400_000);
    assertEquals(5, r.lagSamples().size());
    assertEquals(Contracts.WatchResult.MAX_WATCH, r.reason(), "4 tasks for 4 partitions: no scale out");
  }

  @Test
  void withTheAutoscalerOffNothingChanges() {
    Contracts.WatchResult r = watch(null, 100_000);
    assertEquals(Contracts.WatchResult.MAX_WATCH, r.reason());
    assertNull(r.lagSamples());
    assertEquals(List.of(T0, T0 + 30_000, T0 + 60_000, T0 + 90_000, T0 + 120_000), fetchTimes);
    assertTrue(r.desiredTaskCount() == 0);
  }
}
