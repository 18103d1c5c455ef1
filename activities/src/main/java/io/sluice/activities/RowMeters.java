package io.sluice.activities;

import io.sluice.workflows.Contracts;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Moving averages of a task's row counters, as Druid's row stats report them: for each of the 1, 5 and 15 minute
 * windows, an exponentially weighted rate per second of {@code processed}, {@code processedBytes},
 * {@code processedWithError}, {@code thrownAway} and {@code unparseable}, updated in 5-second ticks (the same
 * decay as the load averages Druid's Dropwizard meters use). Not thread-safe: the reading thread owns it.
 */
final class RowMeters {
  static final long TICK_MILLIS = 5_000;
  private static final String[] WINDOWS = {"1m", "5m", "15m"};
  private static final double[] ALPHAS = {alpha(1), alpha(5), alpha(15)};
  private static final String[] COUNTERS = {"processed", "processedBytes", "processedWithError", "thrownAway",
      "unparseable"};

  private final double[][] rates = new double[WINDOWS.length][COUNTERS.length];
  private final long[] last = new long[COUNTERS.length];
  private long lastTick;
  private boolean started;

  private static double alpha(int minutes) {
    return 1 - Math.exp(-TICK_MILLIS / 60_000.0 / minutes);
  }

  /** Folds in the counters as of {@code nowMillis}: one decay step per whole tick since the last one. */
  void update(Contracts.RowStats stats, long nowMillis) {
    long[] now = {stats.processed(), stats.processedBytes(), stats.processedWithError(), stats.thrownAway(),
        stats.unparseable()};
    if (!started) {
      started = true;
      lastTick = nowMillis;
      System.arraycopy(now, 0, last, 0, now.length);
      return;
    }
    long ticks = (nowMillis - lastTick) / TICK_MILLIS;
    if (ticks <= 0) return;
    for (int c = 0; c < COUNTERS.length; c++) {
      double perSecond = (now[c] - last[c]) / (ticks * TICK_MILLIS / 1000.0);
      for (int w = 0; w < WINDOWS.length; w++) {
        for (long t = 0; t < Math.min(ticks, 1000); t++) rates[w][c] += ALPHAS[w] * (perSecond - rates[w][c]);
      }
      last[c] = now[c];
    }
    lastTick += ticks * TICK_MILLIS;
  }

  /** {@code {"1m": {"processed": 123.4, ...}, "5m": {...}, "15m": {...}}}. */
  Map<String, Map<String, Double>> averages() {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (int w = 0; w < WINDOWS.length; w++) {
      Map<String, Double> m = new LinkedHashMap<>();
      for (int c = 0; c < COUNTERS.length; c++) m.put(COUNTERS[c], rates[w][c]);
      out.put(WINDOWS[w], m);
    }
    return out;
  }
}
