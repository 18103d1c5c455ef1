package io.sluice.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.workflows.Contracts;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowMetersTest {
  private static Contracts.RowStats processed(long n) {
    return new Contracts.RowStats(n, n * 200, 0, n / 100, 0);
  }

  @Test
  void aSteadyRateShowsInEachWindowAsAnExponentialAverageWould() {
    RowMeters m = new RowMeters();
    long t = 0;
    for (long n = 0; t <= 600_000; t += 1_000, n += 1_000) m.update(processed(n), t); // 1,000 rows/s for 10 min
    Map<String, Map<String, Double>> avg = m.averages();
    assertEquals(1000, avg.get("1m").get("processed"), 1000 * Math.exp(-10) + 1);
    assertEquals(1000 * (1 - Math.exp(-10.0 / 5)), avg.get("5m").get("processed"), 15);
    assertEquals(1000 * (1 - Math.exp(-10.0 / 15)), avg.get("15m").get("processed"), 15);
    assertEquals(200_000, avg.get("1m").get("processedBytes"), 10);
    assertEquals(10, avg.get("1m").get("thrownAway"), 0.1);
    assertEquals(0, avg.get("15m").get("unparseable"));
  }

  @Test
  void ratesDecayWhenRowsStop() {
    RowMeters m = new RowMeters();
    m.update(processed(0), 0);
    m.update(processed(60_000), 60_000); // 1,000/s over the first minute, counted as one 12-tick step
    double before = m.averages().get("1m").get("processed");
    m.update(processed(60_000), 180_000); // two idle minutes
    assertEquals(before * Math.exp(-2), m.averages().get("1m").get("processed"), 1);
  }
}
