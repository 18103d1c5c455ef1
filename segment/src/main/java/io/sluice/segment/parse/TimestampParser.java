package io.sluice.segment.parse;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Druid's timestamp formats: auto, iso, posix (seconds), millis, micro, nano. */
public final class TimestampParser {
  private final String format;

  public TimestampParser(String format) {
    this.format = format;
  }

  public long parse(Object value) throws ParseException {
    if (value == null) throw new ParseException("timestamp is missing");
    switch (format) {
      case "millis":
        return asLong(value);
      case "posix":
        return Math.multiplyExact(asLong(value), 1000L);
      case "micro":
        return Math.floorDiv(asLong(value), 1000L);
      case "nano":
        return Math.floorDiv(asLong(value), 1_000_000L);
      case "iso":
        return iso(String.valueOf(value));
      case "auto":
        if (value instanceof Number n) return n.longValue();
        String s = String.valueOf(value);
        if (isInteger(s)) return Long.parseLong(s);
        return iso(s);
      default:
        throw new ParseException("unsupported timestamp format " + format);
    }
  }

  private static boolean isInteger(String s) {
    if (s.isEmpty() || s.length() > 19) return false;
    int i = s.charAt(0) == '-' ? 1 : 0;
    if (i == s.length()) return false;
    for (; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
    return true;
  }

  private static long asLong(Object value) throws ParseException {
    if (value instanceof Number n) return n.longValue();
    String s = String.valueOf(value);
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new ParseException("timestamp '" + excerpt(s) + "' is not a number");
    }
  }

  static long iso(String s) throws ParseException {
    if (s.length() > 64) throw new ParseException("timestamp '" + excerpt(s) + "' is not ISO-8601");
    try {
      return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // try the next shape
    }
    try {
      return Instant.parse(s).toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // try the next shape
    }
    try {
      return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // try the next shape
    }
    try {
      return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new ParseException("timestamp '" + excerpt(s) + "' is not ISO-8601");
    }
  }

  static String excerpt(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
