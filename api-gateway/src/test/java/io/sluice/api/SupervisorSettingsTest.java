package io.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The API's own supervisor settings: ISO-8601 durations, and a bad one named at startup. */
class SupervisorSettingsTest {
  @Test
  void durationsAreReadAsMillisAndABadOneNamesItsSetting() {
    assertEquals(3_600_000, SluiceApiConfiguration.Supervisor.millis("orphanSweepPeriod", "PT1H"));
    assertEquals(20_000, SluiceApiConfiguration.Supervisor.millis("orphanGracePeriod", "PT20S"));
    for (String bad : new String[] {"1 hour", "PT0S", "-PT1H", "P1M"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> SluiceApiConfiguration.Supervisor.millis("orphanGracePeriod", bad));
      assertEquals("supervisor.orphanGracePeriod must be a positive ISO-8601 duration such as PT1H; got '" + bad
          + "'", e.getMessage());
    }
  }
}
