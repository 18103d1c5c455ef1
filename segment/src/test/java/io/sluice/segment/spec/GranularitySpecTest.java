package io.sluice.segment.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.segment.granularity.Granularity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Granularities in every JSON form Druid accepts, and their normalized output. */
class GranularitySpecTest {
  static SupervisorSpec withGranularity(String field, String json) throws Exception {
    ObjectNode spec = SpecParserTest.sample();
    ((ObjectNode) spec.get("dataSchema").get("granularitySpec")).set(field, SpecParserTest.JSON.readTree(json));
    return SpecParser.parse(spec.toString());
  }

  static long ms(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void aPeriodObjectInATimeZoneBucketsInThatZone() throws Exception {
    SupervisorSpec spec = withGranularity("segmentGranularity",
        "{\"type\":\"period\",\"period\":\"P1D\",\"timeZone\":\"America/Los_Angeles\",\"origin\":null}");
    Granularity day = spec.dataSchema().granularitySpec().segment();
    // 2024-03-10 is the US spring-forward day: midnight local is 08:00Z, the next midnight 07:00Z
    assertEquals(ms("2024-03-10T08:00:00Z"), day.bucketStart(ms("2024-03-10T12:00:00Z")));
    assertEquals(ms("2024-03-11T07:00:00Z"), day.bucketEnd(ms("2024-03-10T12:00:00Z")));
    assertEquals(ms("2024-03-09T08:00:00Z"), day.bucketStart(ms("2024-03-10T07:59:59Z")));
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("type", "period");
    expected.put("period", "P1D");
    expected.put("timeZone", "America/Los_Angeles");
    expected.put("origin", null);
    assertEquals(expected, spec.dataSchema().granularitySpec().segmentGranularity());
    JsonNode out = SpecParserTest.JSON.readTree(SpecParser.toJson(spec)).get("dataSchema").get("granularitySpec");
    assertEquals(SpecParserTest.JSON.valueToTree(expected), out.get("segmentGranularity"));
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)));
  }

  @Test
  void aFiveMinutePeriodQueryGranularityInAZone() throws Exception {
    SupervisorSpec spec = withGranularity("queryGranularity",
        "{\"type\":\"period\",\"period\":\"PT5M\",\"timeZone\":\"Asia/Kolkata\"}");
    Granularity q = spec.dataSchema().granularitySpec().query();
    // +05:30: five-minute buckets line up with local clock minutes, which here equal UTC ones
    assertEquals(ms("2024-01-01T00:05:00Z"), q.bucketStart(ms("2024-01-01T00:07:30Z")));
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)));
  }

  static Stream<Arguments> normalized() {
    return Stream.of(
        Arguments.of("\"hour\"", "HOUR"),
        Arguments.of("\"HOUR\"", "HOUR"),
        Arguments.of("{\"type\":\"period\",\"period\":\"PT1H\"}", "HOUR"),
        Arguments.of("{\"type\":\"period\",\"period\":\"PT15M\",\"timeZone\":\"UTC\",\"origin\":null}",
            "FIFTEEN_MINUTE"),
        Arguments.of("{\"type\":\"all\"}", "ALL"),
        Arguments.of("{\"type\":\"none\"}", "NONE"),
        Arguments.of("\"PT7M\"", Map.of("type", "period", "period", "PT7M", "timeZone", "UTC")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("normalized")
  void simpleOnesNormalizeToStringsPeriodsToObjects(String json, Object expected) throws Exception {
    SupervisorSpec spec = withGranularity("segmentGranularity", json);
    Object actual = spec.dataSchema().granularitySpec().segmentGranularity();
    if (expected instanceof Map<?, ?> m) {
      Map<?, ?> a = (Map<?, ?>) actual;
      m.forEach((k, v) -> assertEquals(v, a.get(k), String.valueOf(k)));
      assertTrue(a.containsKey("origin") && a.get("origin") == null);
    } else {
      assertEquals(expected, actual);
    }
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)));
  }

  @Test
  void aDurationBucketsInFixedMillisecondsFromTheEpoch() throws Exception {
    SupervisorSpec spec = withGranularity("segmentGranularity", "{\"type\":\"duration\",\"duration\":90000}");
    Granularity g = spec.dataSchema().granularitySpec().segment();
    assertEquals(90_000L, g.bucketStart(100_000L));
    assertEquals(180_000L, g.bucketEnd(100_000L));
    assertEquals(-90_000L, g.bucketStart(-1L));
    assertEquals(Map.of("type", "duration", "duration", 90_000L),
        Map.of("type", ((Map<?, ?>) spec.dataSchema().granularitySpec().segmentGranularity()).get("type"),
            "duration", ((Map<?, ?>) spec.dataSchema().granularitySpec().segmentGranularity()).get("duration")));
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)));
    Granularity half = withGranularity("queryGranularity", "{\"type\":\"duration\",\"duration\":500}")
        .dataSchema().granularitySpec().query();
    assertEquals(1_500L, half.bucketStart(1_700L));
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("{\"type\":\"period\"}", "segmentGranularity.period"),
        Arguments.of("{\"type\":\"period\",\"period\":\"5 minutes\"}", "segmentGranularity.period"),
        Arguments.of("{\"type\":\"period\",\"period\":\"PT5M\",\"timeZone\":\"Mars/Olympus\"}",
            "segmentGranularity.timeZone"),
        Arguments.of("{\"type\":\"period\",\"period\":\"PT5M\",\"origin\":\"2020-01-01T00:07Z\"}",
            "segmentGranularity.origin"),
        Arguments.of("{\"type\":\"period\",\"period\":\"PT5M\",\"zone\":\"UTC\"}", "segmentGranularity.zone"),
        Arguments.of("{\"type\":\"duration\",\"duration\":0}", "segmentGranularity.duration"),
        Arguments.of("{\"type\":\"duration\",\"duration\":\"60000\"}", "segmentGranularity.duration"),
        Arguments.of("{\"type\":\"fortnight\"}", "segmentGranularity.type"),
        Arguments.of("{\"period\":\"PT1H\"}", "segmentGranularity.type"),
        Arguments.of("{\"type\":\"all\",\"period\":\"PT1H\"}", "segmentGranularity.period"),
        Arguments.of("42", "segmentGranularity"),
        Arguments.of("\"FORTNIGHT\"", "segmentGranularity"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidGranularitiesNameTheField(String json, String field) {
    SpecException e = assertThrows(SpecException.class, () -> withGranularity("segmentGranularity", json));
    assertEquals("dataSchema.granularitySpec." + field, e.field(), e.getMessage());
  }
}
