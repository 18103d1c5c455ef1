package io.sluice.workflows;

import static io.sluice.workflows.Parts.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.segment.spec.AutoScalerConfig;
import io.sluice.segment.spec.SpecParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AutoScalerPolicyTest {
  /** min 1, max 6; out at lag >= 1000 in 30% of samples by 2; in at lag <= 100 in 90% by 1. */
  static AutoScalerConfig config() {
    return new AutoScalerConfig(true, 6, 1, 600_000L, null, 30_000L, 300_000L, 1000L, 0.3, 100L, 0.9, 60_000L,
        60_000L, 1, 2);
  }

  @Test
  void keepsRangeOverIntervalPlusOneSamplesAndNoNegativeOnes() {
    AutoScalerConfig c = config();
    assertEquals(11, AutoScalerPolicy.slots(c));
    List<Long> s = List.of();
    for (long i = 0; i < 15; i++) s = AutoScalerPolicy.addSample(s, i, c);
    assertEquals(List.of(4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L), s, "the newest 11");
    assertEquals(List.of(0L), AutoScalerPolicy.addSample(List.of(), -5, c));
  }

  @Test
  void scalesOutWhenTheShareOfHighSamplesReachesTheFraction() {
    AutoScalerConfig c = config();
    // 3 of 10 at or above 1000: exactly 30%
    List<Long> lags = List.of(1000L, 5000L, 1000L, 500L, 500L, 500L, 500L, 500L, 500L, 500L);
    assertEquals(3, AutoScalerPolicy.desiredTaskCount(lags, 1, 12, c));
    // 2 of 10: below
    List<Long> fewer = List.of(999L, 5000L, 1000L, 500L, 500L, 500L, 500L, 500L, 500L, 500L);
    assertEquals(-1, AutoScalerPolicy.desiredTaskCount(fewer, 1, 12, c));
  }

  @Test
  void scalesInWhenAlmostAllSamplesAreLow() {
    AutoScalerConfig c = config();
    List<Long> nineOfTen = List.of(0L, 100L, 5L, 5L, 5L, 5L, 5L, 5L, 5L, 101L);
    assertEquals(3, AutoScalerPolicy.desiredTaskCount(nineOfTen, 4, 12, c));
    List<Long> eightOfTen = List.of(0L, 100L, 5L, 5L, 5L, 5L, 5L, 5L, 101L, 101L);
    assertEquals(-1, AutoScalerPolicy.desiredTaskCount(eightOfTen, 4, 12, c));
  }

  @Test
  void scaleOutWinsOverScaleIn() {
    AutoScalerConfig both = new AutoScalerConfig(true, 6, 1, 600_000L, null, 30_000L, 300_000L, 1000L, 0.3, 100L,
        0.5, 60_000L, 60_000L, 1, 2);
    List<Long> lags = List.of(5000L, 5000L, 5000L, 0L, 0L, 0L, 0L, 0L, 0L, 0L);
    assertEquals(4, AutoScalerPolicy.desiredTaskCount(lags, 2, 12, both));
  }

  @Test
  void clampsToTheBoundsAndThePartitionCount() {
    AutoScalerConfig c = config();
    List<Long> high = List.of(5000L);
    List<Long> low = List.of(0L);
    assertEquals(6, AutoScalerPolicy.desiredTaskCount(high, 5, 12, c), "one short of max: step clamped");
    assertEquals(-1, AutoScalerPolicy.desiredTaskCount(high, 6, 12, c), "at max: nothing");
    assertEquals(4, AutoScalerPolicy.desiredTaskCount(high, 2, 4, c), "no more tasks than partitions");
    assertEquals(-1, AutoScalerPolicy.desiredTaskCount(high, 4, 4, c), "every partition has its task");
    assertEquals(-1, AutoScalerPolicy.desiredTaskCount(low, 1, 12, c), "at min: nothing");
    AutoScalerConfig bigStep = new AutoScalerConfig(true, 6, 2, 600_000L, null, 30_000L, 300_000L, 1000L, 0.3, 100L,
        0.9, 60_000L, 60_000L, 5, 2);
    assertEquals(2, AutoScalerPolicy.desiredTaskCount(low, 4, 12, bigStep), "step clamped at min");
    assertEquals(-1, AutoScalerPolicy.desiredTaskCount(List.of(), 3, 12, c), "no samples: nothing");
    assertEquals(1, AutoScalerPolicy.maxTaskCount(c, 1));
    assertEquals(2, AutoScalerPolicy.maxTaskCount(bigStep, 1), "never below taskCountMin");
    assertEquals(6, AutoScalerPolicy.maxTaskCount(c, 0), "partitions unknown");
  }

  @Test
  void samplesStartAfterTheStartDelayOnTheirGrid() {
    AutoScalerConfig c = config(); // start delay 60 s, interval 30 s
    assertEquals(61_000, AutoScalerPolicy.nextSampleAt(1_000, 0, c));
    assertEquals(91_000, AutoScalerPolicy.nextSampleAt(1_000, 61_000, c));
    assertEquals(121_000, AutoScalerPolicy.nextSampleAt(1_000, 95_000, c), "a late sample keeps the grid");
  }

  @Test
  void checksWaitForTheStartDelayPlusRangeAndTheMinimumFrequency() {
    AutoScalerConfig c = config(); // start delay 60 s, range 300 s, period 60 s, min frequency 600 s
    assertEquals(361_000, AutoScalerPolicy.nextCheckAt(1_000, 0, 0, c), "no action before delay + range");
    assertEquals(421_000, AutoScalerPolicy.nextCheckAt(1_000, 0, 361_001, c), "then every period");
    assertEquals(1_021_000, AutoScalerPolicy.nextCheckAt(1_000, 400_000, 400_001, c),
        "at least minTriggerScaleActionFrequencyMillis after the last action, on the grid");
    assertEquals(5, AutoScalerPolicy.nextOnGrid(5, 10, -3));
    assertEquals(15, AutoScalerPolicy.nextOnGrid(5, 10, 6));
    assertEquals(15, AutoScalerPolicy.nextOnGrid(5, 10, 15));
  }

  @Test
  void aggregateLagUsesTheFurthestKnownPositionPerPartition() {
    Map<StreamPartition, Long> latest = offs(0, 1000L, 1, 500L, 2, 100L);
    Map<StreamPartition, Long> readUpTo = offs(0, 100L, 1, 100L, 2, 200L);
    // task A started partition 0 at 300 and has read to 900; partition 1 has no task position
    long lag = AutoScalerPolicy.aggregateLag(latest, readUpTo, List.of(offs(0, 300L), offs(0, 900L)));
    assertEquals(100 + 400 + 0, lag, "partition 2's negative lag counts as 0");
  }

  @Test
  void theStartingTaskCountIsTaskCountMinWhenEnabled() {
    String spec = SupervisorWorkflowTest.SPEC.replace("\"period\":\"PT30S\"", "\"period\":\"PT30S\",\"taskCount\":5,"
        + "\"autoScalerConfig\":{\"enableTaskAutoScaler\":%s,\"taskCountMin\":2,\"taskCountMax\":4}");
    assertEquals(2, AutoScalerPolicy.initialTaskCount(SpecParser.parse(spec.formatted("true")).ioConfig()));
    assertEquals(5, AutoScalerPolicy.initialTaskCount(SpecParser.parse(spec.formatted("false")).ioConfig()));
  }
}
