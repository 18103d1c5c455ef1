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

  /**
   * The timestamp of a row: {@code fields.get(column)} parsed in this format, or {@code missing} when the column is
   * absent or null (a {@link ParseException} when there is no {@code missing} value either).
   */
  public long fromRow(java.util.Map<String, Object> fields, String column, Long missing) throws ParseException {
    Object ts = fields.get(column);
    if (ts == null) {
      if (missing == null) throw new ParseException("timestamp column '" + column + "' is missing");
      return missing;
    }
    try {
      return parse(ts);
    } catch (ArithmeticException e) {
      throw new ParseException("timestamp " + excerpt(String.valueOf(ts)) + " is out of range");
    }
  }

  static long iso(String s) throws ParseException {
    if (s.length() > 64) throw new ParseException("timestamp '" + excerpt(s) + "' is not ISO-8601");
    long fast = fastIso(s);
    if (fast != NOT_FAST) return fast;
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

  private static final long NOT_FAST = Long.MIN_VALUE;

  /**
   * The common shape {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:mm)} without allocating, or {@link #NOT_FAST} for
   * anything else (which then goes through java.time, so both accept and refuse the same strings).
   */
  static long fastIso(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return NOT_FAST;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) return NOT_FAST;
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59
        || second > 59) {
      return NOT_FAST;
    }
    int i = 19;
    int millis = 0;
    if (s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
      int len = i - start;
      if (len < 1 || len > 9) return NOT_FAST;
      for (int k = 0; k < 3; k++) millis = millis * 10 + (k < len ? s.charAt(start + k) - '0' : 0);
    }
    if (i >= n) return NOT_FAST;
    int offsetSeconds;
    char z = s.charAt(i);
    if (z == 'Z') {
      if (i + 1 != n) return NOT_FAST;
      offsetSeconds = 0;
    } else if ((z == '+' || z == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
      int oh = digits(s, i + 1, 2);
      int om = digits(s, i + 4, 2);
      if (oh < 0 || om < 0 || oh > 18 || om > 59 || (oh == 18 && om > 0)) return NOT_FAST;
      offsetSeconds = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
    } else {
      return NOT_FAST;
    }
    long days = epochDay(year, month, day);
    long seconds = days * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    return seconds * 1000L + millis;
  }

  private static int digits(String s, int from, int len) {
    int v = 0;
    for (int k = from; k < from + len; k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static int daysInMonth(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
  private static long epochDay(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }

  static String excerpt(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
