package io.sluice.workflows;

import io.sluice.segment.spec.AutoScalerConfig;
import io.sluice.segment.spec.KafkaIoConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Druid's lag-based task autoscaler, as pure functions: no Temporal, no clock, no I/O. The stream watcher samples
 * lag and asks {@link #desiredTaskCount} at each check; the workflow carries the samples and the last action time
 * across watcher runs and continue-as-new.
 *
 * <p>As in Druid's {@code LagBasedAutoScaler}: a sample is the aggregate lag (the sum over partitions of latest
 * offset minus the tasks' current offset, never negative), one every {@code lagCollectionIntervalMillis} from
 * {@code scaleActionStartDelayMillis} after the supervisor started, keeping the newest
 * {@code lagCollectionRangeMillis / lagCollectionIntervalMillis + 1}. Checks run every
 * {@code scaleActionPeriodMillis} from {@code scaleActionStartDelayMillis + lagCollectionRangeMillis}, and never
 * within {@code minTriggerScaleActionFrequencyMillis} of the last action. Scaling out wins over scaling in.
 */
public final class AutoScalerPolicy {
  private AutoScalerPolicy() {}

  /** The task count a supervisor starts with: {@code taskCountMin} when the autoscaler runs, else taskCount. */
  public static int initialTaskCount(KafkaIoConfig io) {
    return AutoScalerConfig.enabled(io.autoScalerConfig()) ? io.autoScalerConfig().taskCountMin() : io.taskCount();
  }

  /** How many samples are kept: Druid's queue of {@code range / interval + 1}. */
  public static int slots(AutoScalerConfig c) {
    return (int) Math.min(100_000, c.lagCollectionRangeMillis() / c.lagCollectionIntervalMillis() + 1);
  }

  /** Adds a sample (a negative lag counts as 0), keeping the newest {@link #slots}. */
  public static List<Long> addSample(List<Long> samples, long aggregateLag, AutoScalerConfig c) {
    List<Long> out = new ArrayList<>(samples);
    out.add(Math.max(0, aggregateLag));
    while (out.size() > slots(c)) out.remove(0);
    return out;
  }

  /**
   * The aggregate lag: per partition, latest minus the furthest known position (what the reading tasks reported
   * reading, else where they started, else what earlier tasks read up to), never negative; summed.
   */
  public static long aggregateLag(Map<StreamPartition, Long> latest, Map<StreamPartition, Long> readUpTo,
                                  Iterable<Map<StreamPartition, Long>> taskPositions) {
    Map<StreamPartition, Long> current = new TreeMap<>(readUpTo);
    for (Map<StreamPartition, Long> positions : taskPositions) {
      positions.forEach((p, o) -> current.merge(p, o, Math::max));
    }
    return RunLoopPolicy.aggregateLag(RunLoopPolicy.lag(latest, current));
  }

  /**
   * The most tasks that can read: {@code taskCountMax}, but no more than there are partitions (the documented "If
   * taskCountMax > {numKafkaPartitions}, … taskCountMax would be ignored"), and never below {@code taskCountMin}.
   * Druid compares with the count of task groups there are, which stops at the partition count too.
   */
  public static int maxTaskCount(AutoScalerConfig c, int partitions) {
    int max = partitions > 0 ? Math.min(c.taskCountMax(), partitions) : c.taskCountMax();
    return Math.max(c.taskCountMin(), max);
  }

  /**
   * Druid's {@code computeDesiredTaskCount}: the share of samples at or above {@code scaleOutThreshold}, if at
   * least {@code triggerScaleOutFractionThreshold}, scales out by {@code scaleOutStep} (up to the maximum);
   * otherwise the share at or below {@code scaleInThreshold}, if at least {@code triggerScaleInFractionThreshold},
   * scales in by {@code scaleInStep} (down to {@code taskCountMin}). Returns -1 for no action: no samples, neither
   * share high enough, or already at the bound.
   */
  public static int desiredTaskCount(List<Long> samples, int current, int partitions, AutoScalerConfig c) {
    if (samples.isEmpty() || current < 1) return -1;
    int beyond = 0;
    int within = 0;
    for (long lag : samples) {
      if (lag >= c.scaleOutThreshold()) beyond++;
      if (lag <= c.scaleInThreshold()) within++;
    }
    double beyondShare = beyond / (double) samples.size();
    double withinShare = within / (double) samples.size();
    int max = maxTaskCount(c, partitions);
    if (beyondShare >= c.triggerScaleOutFractionThreshold()) {
      if (current >= max) return -1;
      return Math.min(current + c.scaleOutStep(), max);
    }
    if (withinShare >= c.triggerScaleInFractionThreshold()) {
      if (current <= c.taskCountMin()) return -1;
      return Math.max(current - c.scaleInStep(), c.taskCountMin());
    }
    return -1;
  }

  /** The first time at or after {@code notBefore} on the grid {@code start + k * step} (k >= 0). */
  public static long nextOnGrid(long start, long step, long notBefore) {
    if (notBefore <= start) return start;
    long k = (notBefore - start + step - 1) / step;
    return start + k * step;
  }

  /**
   * When the next sample is due: on the grid that starts {@code scaleActionStartDelayMillis} after the supervisor
   * started, every {@code lagCollectionIntervalMillis}, after the last sample ({@code lastSampleMillis}, 0: none).
   */
  public static long nextSampleAt(long supervisorStartedMillis, long lastSampleMillis, AutoScalerConfig c) {
    return nextOnGrid(supervisorStartedMillis + c.scaleActionStartDelayMillis(), c.lagCollectionIntervalMillis(),
        lastSampleMillis == 0 ? 0 : lastSampleMillis + 1);
  }

  /**
   * When the next check may act: on the grid that starts {@code scaleActionStartDelayMillis +
   * lagCollectionRangeMillis} after the supervisor started, every {@code scaleActionPeriodMillis}, not before
   * {@code notBefore} and not within {@code minTriggerScaleActionFrequencyMillis} of the last action (0: none).
   */
  public static long nextCheckAt(long supervisorStartedMillis, long lastActionMillis, long notBefore,
                                 AutoScalerConfig c) {
    long earliest = notBefore;
    if (lastActionMillis > 0) earliest = Math.max(earliest, lastActionMillis + c.minTriggerScaleActionFrequencyMillis());
    return nextOnGrid(supervisorStartedMillis + c.scaleActionStartDelayMillis() + c.lagCollectionRangeMillis(),
        c.scaleActionPeriodMillis(), earliest);
  }

  /** A scale action for the status and the Web UI: "scale out from 1 to 3 tasks (…)". */
  public static String describe(int from, int to, List<Long> samples, AutoScalerConfig c) {
    long max = 0;
    for (long l : samples) max = Math.max(max, l);
    return String.format("scale %s from %d to %d tasks: %d lag samples, newest %d, highest %d "
            + "(scaleOutThreshold %d, scaleInThreshold %d)", to > from ? "out" : "in", from, to, samples.size(),
        samples.isEmpty() ? 0 : samples.get(samples.size() - 1), max, c.scaleOutThreshold(), c.scaleInThreshold());
  }
}
