package io.sluice.segment.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.segment.parse.ParseException;
import io.sluice.segment.parse.TimestampParser;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ruby} and Joda-Time pattern timestamps, in the spec and in the parser. */
class TimestampFormatsTest {
  static long ms(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  static SupervisorSpec withFormat(String format) throws Exception {
    ObjectNode spec = SpecParserTest.sample();
    ((ObjectNode) spec.get("dataSchema").get("timestampSpec")).put("format", format);
    return SpecParser.parse(spec.toString());
  }

  @Test
  void rubyIsDecimalSecondsTruncatedToTheMillisecond() throws ParseException {
    TimestampParser ruby = new TimestampParser("ruby");
    assertEquals(1_700_000_000_123L, ruby.parse("1700000000.123456"));
    assertEquals(1_700_000_000_500L, ruby.parse(1_700_000_000.5));
    assertEquals(1_700_000_000_000L, ruby.parse(1_700_000_000L));
    assertEquals(1_700_000_000_250L, ruby.parse("\"1700000000.25\""));
    assertEquals(-1_500L, ruby.parse("-1.5"));
    assertThrows(ParseException.class, () -> ruby.parse("yesterday"));
    assertThrows(ParseException.class, () -> ruby.parse("NaN"));
    assertThrows(ParseException.class, () -> ruby.parse("1e300"));
  }

  static Stream<Arguments> joda() {
    return Stream.of(
        Arguments.of("yyyy-MM-dd HH:mm:ss", "2024-03-05 13:04:05", "2024-03-05T13:04:05Z"),
        Arguments.of("yyyy-MM-dd HH:mm:ss", "2024-3-5 1:4:5", "2024-03-05T01:04:05Z"),
        Arguments.of("yyyy-MM-dd HH:mm:ss.SSS", "2024-03-05 13:04:05.25", "2024-03-05T13:04:05.250Z"),
        Arguments.of("dd/MMM/yyyy:HH:mm:ss Z", "10/Oct/2000:13:55:36 -0700", "2000-10-10T20:55:36Z"),
        Arguments.of("dd/MMM/yyyy:HH:mm:ss Z", "10/oct/2000:13:55:36 +05:30", "2000-10-10T08:25:36Z"),
        Arguments.of("yyyy-MM-dd'T'HH:mm:ssZZ", "2024-03-05T13:04:05Z", "2024-03-05T13:04:05Z"),
        Arguments.of("yyyy-MM-dd HH:mm ZZZ", "2024-07-01 12:00 America/Los_Angeles", "2024-07-01T19:00:00Z"),
        Arguments.of("yyyyMMddHHmmss", "20240305130405", "2024-03-05T13:04:05Z"),
        Arguments.of("MM/dd/yyyy hh:mm a", "03/05/2024 01:04 PM", "2024-03-05T13:04:00Z"),
        Arguments.of("EEE, dd MMMM yyyy", "Tue, 05 March 2024", "2024-03-05T00:00:00Z"),
        Arguments.of("yyyy-DDD", "2024-065", "2024-03-05T00:00:00Z"),
        Arguments.of("HH:mm", "13:04", "1970-01-01T13:04:00Z"),
        Arguments.of("yyyy.MM.dd 'at' HH 'o''clock'", "2024.03.05 at 13 o'clock", "2024-03-05T13:00:00Z"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("joda")
  void jodaPatternsParseInUtcUnlessTheTextHasAZone(String pattern, String text, String expected) throws Exception {
    assertEquals(ms(expected), new TimestampParser(pattern).parse(text));
    assertEquals(ms(expected), new TimestampParser(pattern).parse("\"" + text + "\""));
    assertEquals(pattern, withFormat(pattern).dataSchema().timestampSpec().format());
  }

  @Test
  void jodaPatternsRefuseTextThatDoesNotMatch() throws ParseException {
    TimestampParser p = new TimestampParser("yyyy-MM-dd HH:mm:ss");
    assertThrows(ParseException.class, () -> p.parse("2024-02-30 00:00:00"));
    assertThrows(ParseException.class, () -> p.parse("2024-03-05T13:04:05Z"));
    assertThrows(ParseException.class, () -> p.parse("2024-03-05 13:04:05 trailing"));
    assertEquals(1234L, p.parse(1234L), "a JSON number is milliseconds, as in Druid");
  }

  @Test
  void twoDigitYearsPivotAsJoda() throws ParseException {
    int thisYear = java.time.Year.now(java.time.ZoneOffset.UTC).getValue();
    TimestampParser p = new TimestampParser("yy-MM-dd");
    int year = Instant.ofEpochMilli(p.parse("24-03-05")).atZone(java.time.ZoneOffset.UTC).getYear();
    assertEquals(24, year % 100);
    assertTrue(year >= thisYear - 80 && year <= thisYear + 19, String.valueOf(year));
  }

  @ParameterizedTest
  @ValueSource(strings = {"auto", "iso", "posix", "millis", "micro", "nano", "ruby"})
  void namedFormatsAreCaseInsensitiveAndNormalizedToLowerCase(String name) throws Exception {
    assertEquals(name, withFormat(name.toUpperCase()).dataSchema().timestampSpec().format());
    SupervisorSpec spec = withFormat(name);
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"unix", "yyyy-ww", "GGGG yyyy", "yyyy-MM-dd z", "xxxx", "'unterminated", "---",
      "yyyy-MM-dd eee", "qqq"})
  void invalidPatternsAreRefusedNamingTheField(String pattern) throws Exception {
    SpecException e = assertThrows(SpecException.class, () -> withFormat(pattern));
    assertEquals("dataSchema.timestampSpec.format", e.field(), e.getMessage());
    assertTrue(e.getMessage().contains("Joda"), e.getMessage());
  }

  @Test
  void aJodaSpecRoundTrips() throws Exception {
    SupervisorSpec spec = withFormat("dd/MMM/yyyy:HH:mm:ss Z");
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)));
  }
}
