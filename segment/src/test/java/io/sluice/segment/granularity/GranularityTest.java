package io.sluice.segment.granularity;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GranularityTest
{
  private static final ObjectMapper JSON = new ObjectMapper();

  private static long t(String iso)
  {
    return Instant.parse(iso).toEpochMilli();
  }

  private static void assertBucket(Granularity g, String at, String start, String end)
  {
    assertEquals(Instant.parse(start), Instant.ofEpochMilli(g.bucketStart(t(at))), g + " start of " + at);
    assertEquals(Instant.parse(end), Instant.ofEpochMilli(g.bucketEnd(t(at))), g + " end of " + at);
  }

  @Test
  void simpleGranularities()
  {
    String at = "2023-11-14T22:37:45.123Z";
    assertEquals(t(at), Granularity.NONE.bucketStart(t(at)));
    assertEquals(t(at) + 1, Granularity.NONE.bucketEnd(t(at)));
    assertBucket(Granularity.SECOND, at, "2023-11-14T22:37:45Z", "2023-11-14T22:37:46Z");
    assertBucket(Granularity.MINUTE, at, "2023-11-14T22:37:00Z", "2023-11-14T22:38:00Z");
    assertBucket(Granularity.FIVE_MINUTE, at, "2023-11-14T22:35:00Z", "2023-11-14T22:40:00Z");
    assertBucket(Granularity.TEN_MINUTE, at, "2023-11-14T22:30:00Z", "2023-11-14T22:40:00Z");
    assertBucket(Granularity.FIFTEEN_MINUTE, at, "2023-11-14T22:30:00Z", "2023-11-14T22:45:00Z");
    assertBucket(Granularity.THIRTY_MINUTE, at, "2023-11-14T22:30:00Z", "2023-11-14T23:00:00Z");
    assertBucket(Granularity.HOUR, at, "2023-11-14T22:00:00Z", "2023-11-14T23:00:00Z");
    assertBucket(Granularity.SIX_HOUR, at, "2023-11-14T18:00:00Z", "2023-11-15T00:00:00Z");
    assertBucket(Granularity.EIGHT_HOUR, at, "2023-11-14T16:00:00Z", "2023-11-15T00:00:00Z");
    assertBucket(Granularity.DAY, at, "2023-11-14T00:00:00Z", "2023-11-15T00:00:00Z");
    assertBucket(Granularity.WEEK, at, "2023-11-13T00:00:00Z", "2023-11-20T00:00:00Z");
    assertBucket(Granularity.MONTH, at, "2023-11-01T00:00:00Z", "2023-12-01T00:00:00Z");
    assertBucket(Granularity.QUARTER, at, "2023-10-01T00:00:00Z", "2024-01-01T00:00:00Z");
    assertBucket(Granularity.YEAR, at, "2023-01-01T00:00:00Z", "2024-01-01T00:00:00Z");
    assertEquals(Granularity.MIN_INSTANT, Granularity.ALL.bucketStart(t(at)));
    assertEquals(Granularity.MAX_INSTANT, Granularity.ALL.bucketEnd(t(at)));
    assertEquals(Long.MIN_VALUE / 2, Granularity.ALL.bucketStart(0));
    assertEquals(Long.MAX_VALUE / 2, Granularity.ALL.bucketEnd(0));
  }

  @Test
  void weekStartsMondayIso()
  {
    // 2024-01-01 is a Monday; 2023-12-31 a Sunday
    assertBucket(Granularity.WEEK, "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "2024-01-08T00:00:00Z");
    assertBucket(Granularity.WEEK, "2023-12-31T23:59:59.999Z", "2023-12-25T00:00:00Z", "2024-01-01T00:00:00Z");
    assertBucket(Granularity.WEEK, "1970-01-01T00:00:00Z", "1969-12-29T00:00:00Z", "1970-01-05T00:00:00Z");
    assertBucket(Granularity.WEEK, "1969-12-28T12:00:00Z", "1969-12-22T00:00:00Z", "1969-12-29T00:00:00Z");
  }

  @Test
  void monthQuarterYearBoundaries()
  {
    assertBucket(Granularity.MONTH, "2024-02-29T23:59:59.999Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z");
    assertBucket(Granularity.MONTH, "2024-03-01T00:00:00Z", "2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z");
    assertBucket(Granularity.MONTH, "2023-12-31T12:00:00Z", "2023-12-01T00:00:00Z", "2024-01-01T00:00:00Z");
    assertBucket(Granularity.MONTH, "1969-12-15T00:00:00Z", "1969-12-01T00:00:00Z", "1970-01-01T00:00:00Z");
    assertBucket(Granularity.QUARTER, "2024-03-31T23:59:59.999Z", "2024-01-01T00:00:00Z", "2024-04-01T00:00:00Z");
    assertBucket(Granularity.QUARTER, "2024-04-01T00:00:00Z", "2024-04-01T00:00:00Z", "2024-07-01T00:00:00Z");
    assertBucket(Granularity.QUARTER, "2024-08-15T00:00:00Z", "2024-07-01T00:00:00Z", "2024-10-01T00:00:00Z");
    assertBucket(Granularity.QUARTER, "1969-11-30T00:00:00Z", "1969-10-01T00:00:00Z", "1970-01-01T00:00:00Z");
    assertBucket(Granularity.YEAR, "2024-12-31T23:59:59.999Z", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z");
    assertBucket(Granularity.YEAR, "1969-07-20T20:17:00Z", "1969-01-01T00:00:00Z", "1970-01-01T00:00:00Z");
  }

  @Test
  void negativeTimesRoundDown()
  {
    assertBucket(Granularity.HOUR, "1969-12-31T23:59:59.999Z", "1969-12-31T23:00:00Z", "1970-01-01T00:00:00Z");
    assertBucket(Granularity.DAY, "1969-12-31T00:00:00.001Z", "1969-12-31T00:00:00Z", "1970-01-01T00:00:00Z");
    assertBucket(Granularity.SIX_HOUR, "1969-12-31T17:00:00Z", "1969-12-31T12:00:00Z", "1969-12-31T18:00:00Z");
  }

  @Test
  void ofIsCaseInsensitiveAndNamesBadValues()
  {
    assertSame(Granularity.HOUR, Granularity.of("hour"));
    assertSame(Granularity.FIFTEEN_MINUTE, Granularity.of("Fifteen_Minute"));
    assertSame(Granularity.NONE, Granularity.of("none"));
    assertSame(Granularity.ALL, Granularity.of("ALL"));
    assertSame(Granularity.QUARTER, Granularity.of("quarter"));
    for (String name : List.of("NONE", "SECOND", "MINUTE", "FIVE_MINUTE", "TEN_MINUTE", "FIFTEEN_MINUTE",
                               "THIRTY_MINUTE", "HOUR", "SIX_HOUR", "DAY", "WEEK", "MONTH", "QUARTER", "YEAR", "ALL")) {
      assertEquals(name, Granularity.of(name.toLowerCase()).jsonName());
    }
    assertEquals(Granularity.FIVE_MINUTE, Granularity.of("PT5M"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Granularity.of("fortnight"));
    assertTrue(e.getMessage().contains("fortnight"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Granularity.of(null));
    e = assertThrows(IllegalArgumentException.class, () -> Granularity.period("PT0S", null));
    assertTrue(e.getMessage().contains("PT0S"));
    e = assertThrows(IllegalArgumentException.class, () -> Granularity.period("5 minutes", null));
    assertTrue(e.getMessage().contains("5 minutes"));
    e = assertThrows(IllegalArgumentException.class, () -> Granularity.period("PT1H", "Mars/Olympus"));
    assertTrue(e.getMessage().contains("Mars/Olympus"));
  }

  @Test
  void standardPeriodsAreTheStandardInstances()
  {
    assertSame(Granularity.HOUR, Granularity.period("PT1H", null));
    assertSame(Granularity.HOUR, Granularity.period("PT1H", "UTC"));
    assertSame(Granularity.DAY, Granularity.period("P1D", "Etc/UTC"));
    assertSame(Granularity.QUARTER, Granularity.period("P3M", null));
    assertNotEquals(Granularity.DAY, Granularity.period("P1D", "America/Los_Angeles"));
    assertEquals(Granularity.period("PT7M", null), Granularity.period("pt7m", null));
  }

  @Test
  void metadataJson() throws Exception
  {
    assertEquals("\"MINUTE\"", JSON.writeValueAsString(Granularity.MINUTE.toMetadataJson()));
    assertEquals("\"HOUR\"", JSON.writeValueAsString(Granularity.period("PT1H", null).toMetadataJson()));
    assertEquals("{\"type\":\"none\"}", JSON.writeValueAsString(Granularity.NONE.toMetadataJson()));
    assertEquals("{\"type\":\"all\"}", JSON.writeValueAsString(Granularity.ALL.toMetadataJson()));
    assertEquals(
        "{\"type\":\"period\",\"period\":\"PT7M\",\"timeZone\":\"UTC\",\"origin\":null}",
        JSON.writeValueAsString(Granularity.period("PT7M", null).toMetadataJson())
    );
    assertEquals(
        "{\"type\":\"period\",\"period\":\"P1D\",\"timeZone\":\"America/Los_Angeles\",\"origin\":null}",
        JSON.writeValueAsString(Granularity.period("P1D", "America/Los_Angeles").toMetadataJson())
    );
    assertEquals("PT1H30M", Granularity.period("PT90M".replace("90M", "1H30M"), null).jsonName());
    assertEquals("PT1.500S", Granularity.period("PT1.5S", null).jsonName());
    assertEquals("P1Y2M3W4DT5H6M7S", Granularity.period("P1Y2M3W4DT5H6M7S", null).isoPeriod());
  }

  @Test
  void customPeriodsAlignFromTheEpoch()
  {
    Granularity sevenMinutes = Granularity.period("PT7M", null);
    // 2023-11-14T22:37:45Z is 28,333,357 whole minutes after the epoch; 28,333,357 mod 7 = 3
    assertBucket(sevenMinutes, "2023-11-14T22:37:45.123Z", "2023-11-14T22:34:00Z", "2023-11-14T22:41:00Z");
    Granularity twoDays = Granularity.period("P2D", null);
    assertBucket(twoDays, "1970-01-02T05:00:00Z", "1970-01-01T00:00:00Z", "1970-01-03T00:00:00Z");
    assertBucket(twoDays, "1970-01-03T05:00:00Z", "1970-01-03T00:00:00Z", "1970-01-05T00:00:00Z");
    Granularity ninetyMinutes = Granularity.period("PT1H30M", null);
    assertBucket(ninetyMinutes, "1970-01-01T02:00:00Z", "1970-01-01T01:30:00Z", "1970-01-01T03:00:00Z");
    // two weeks align on 1970-01-01, a Thursday, as Druid does
    Granularity twoWeeks = Granularity.period("P2W", null);
    assertBucket(twoWeeks, "1970-01-16T00:00:00Z", "1970-01-15T00:00:00Z", "1970-01-29T00:00:00Z");
    Granularity twoMonths = Granularity.period("P2M", null);
    assertBucket(twoMonths, "2023-12-10T00:00:00Z", "2023-11-01T00:00:00Z", "2024-01-01T00:00:00Z");
  }

  @Test
  void timeZones()
  {
    Granularity laDay = Granularity.period("P1D", "America/Los_Angeles");
    // winter: UTC-8
    assertBucket(laDay, "2024-01-15T12:00:00Z", "2024-01-15T08:00:00Z", "2024-01-16T08:00:00Z");
    // summer: UTC-7
    assertBucket(laDay, "2024-07-15T12:00:00Z", "2024-07-15T07:00:00Z", "2024-07-16T07:00:00Z");
    // 2024-03-10 has 23 hours, 2024-11-03 has 25
    assertBucket(laDay, "2024-03-10T12:00:00Z", "2024-03-10T08:00:00Z", "2024-03-11T07:00:00Z");
    assertBucket(laDay, "2024-11-03T12:00:00Z", "2024-11-03T07:00:00Z", "2024-11-04T08:00:00Z");

    Granularity kolkataHour = Granularity.period("PT1H", "Asia/Kolkata");
    assertBucket(kolkataHour, "2024-01-15T12:00:00Z", "2024-01-15T11:30:00Z", "2024-01-15T12:30:00Z");

    Granularity laMonth = Granularity.period("P1M", "America/Los_Angeles");
    assertBucket(laMonth, "2024-03-01T05:00:00Z", "2024-02-01T08:00:00Z", "2024-03-01T08:00:00Z");

    Granularity laWeek = Granularity.period("P1W", "America/Los_Angeles");
    // 2024-01-08 is a Monday
    assertBucket(laWeek, "2024-01-08T07:59:59Z", "2024-01-01T08:00:00Z", "2024-01-08T08:00:00Z");

    Granularity fixedDay = Granularity.period("P1D", "+05:30");
    assertBucket(fixedDay, "2024-01-15T20:00:00Z", "2024-01-15T18:30:00Z", "2024-01-16T18:30:00Z");
  }

  @Test
  void bucketsAreContiguousAndContainTheirTimes()
  {
    List<Granularity> all = List.of(
        Granularity.NONE, Granularity.SECOND, Granularity.MINUTE, Granularity.FIVE_MINUTE, Granularity.TEN_MINUTE,
        Granularity.FIFTEEN_MINUTE, Granularity.THIRTY_MINUTE, Granularity.HOUR, Granularity.SIX_HOUR,
        Granularity.EIGHT_HOUR, Granularity.DAY, Granularity.WEEK, Granularity.MONTH, Granularity.QUARTER,
        Granularity.YEAR, Granularity.ALL,
        Granularity.period("PT7M", null), Granularity.period("P3D", null), Granularity.period("PT1H30M", null),
        Granularity.period("P1M15D", null), Granularity.period("P1D", "America/Los_Angeles"),
        Granularity.period("PT6H", "America/Los_Angeles"), Granularity.period("PT1H", "Asia/Kolkata"),
        Granularity.period("P1W", "Europe/Berlin"), Granularity.period("P1Y", "Australia/Sydney"),
        Granularity.period("P1DT12H", "Europe/Berlin")
    );
    Random random = new Random(42);
    long from = t("1960-01-01T00:00:00Z");
    long to = t("2040-01-01T00:00:00Z");
    for (Granularity g : all) {
      // increasing times, as ingestion sees them (compound periods step from the last bucket)
      long[] times = new long[2000];
      for (int i = 0; i < times.length; i++) {
        times[i] = from + (long) (random.nextDouble() * (to - from));
      }
      java.util.Arrays.sort(times);
      for (long t : times) {
        long start = g.bucketStart(t);
        long end = g.bucketEnd(t);
        assertTrue(start <= t && t < end, g + " " + Instant.ofEpochMilli(t));
        assertEquals(start, g.bucketStart(start), g + " start is its own bucket");
        assertEquals(start, g.bucketStart(end - 1), g + " end - 1 is in the bucket");
        if (!g.equals(Granularity.ALL)) {
          assertEquals(end, g.bucketStart(end), g + " end starts the next bucket");
        }
      }
    }
  }
}
