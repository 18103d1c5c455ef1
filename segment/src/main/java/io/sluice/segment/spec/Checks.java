package io.sluice.segment.spec;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Validation helpers for the spec records' compact constructors. Each failure names the field. */
final class Checks {
  private Checks() {}

  static <T> T required(T value, String field) {
    if (value == null) throw new SpecException(field, "is required");
    if (value instanceof String s && s.isBlank()) throw new SpecException(field, "must not be empty");
    return value;
  }

  static int positive(Integer value, int dflt, String field) {
    int v = value == null ? dflt : value;
    if (v <= 0) throw new SpecException(field, "must be > 0, got " + v);
    return v;
  }

  static long positive(Long value, long dflt, String field) {
    long v = value == null ? dflt : value;
    if (v <= 0) throw new SpecException(field, "must be > 0, got " + v);
    return v;
  }

  static long nonNegative(Long value, long dflt, String field) {
    long v = value == null ? dflt : value;
    if (v < 0) throw new SpecException(field, "must be >= 0, got " + v);
    return v;
  }

  /** An ISO-8601 period such as PT1H or P1D (no months or years: they have no fixed length). */
  static String period(String value, String dflt, String field) {
    String v = value == null ? dflt : value;
    if (v == null) return null;
    try {
      Duration d = Duration.parse(v);
      if (d.isNegative()) throw new SpecException(field, "must not be negative, got " + v);
    } catch (DateTimeParseException e) {
      throw new SpecException(field, "is not an ISO-8601 period like PT1H or P1D: '" + v + "'");
    }
    return v;
  }

  static String dateTime(String value, String field) {
    if (value == null) return null;
    try {
      OffsetDateTime.parse(value);
    } catch (DateTimeParseException e) {
      try {
        Instant.parse(value);
      } catch (DateTimeParseException e2) {
        throw new SpecException(field, "is not an ISO-8601 date time like 2016-01-01T11:00Z: '" + value + "'");
      }
    }
    return value;
  }

  static long millis(String isoPeriod) {
    return Duration.parse(isoPeriod).toMillis();
  }
}
