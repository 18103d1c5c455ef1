package io.sluice.segment.parse;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.format.SignStyle;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Druid's timestamp formats: {@code auto}, {@code iso}, {@code posix} (seconds), {@code millis}, {@code micro},
 * {@code nano}, {@code ruby} (seconds with a fraction, as Druid: a decimal number of seconds, truncated to the
 * millisecond) and Joda-Time patterns such as {@code yyyy-MM-dd HH:mm:ss} (see {@link #jodaFormatter}). The named
 * formats are case-insensitive, as in Druid.
 *
 * <p>For {@code ruby} and Joda patterns, surrounding double quotes are stripped from string values (Druid's
 * {@code ParserUtils.stripQuotes}); a JSON number given to a Joda pattern is read as milliseconds, as Druid does.
 */
public final class TimestampParser {
  /** The named formats, lower case; anything else is a Joda-Time pattern. */
  public static final Set<String> NAMED = Set.of("auto", "iso", "posix", "millis", "micro", "nano", "ruby");

  private final String format;
  /** Non-null for a Joda pattern. */
  private final DateTimeFormatter pattern;

  /**
   * @throws IllegalArgumentException if {@code format} is neither a named format nor a supported Joda pattern
   */
  public TimestampParser(String format) {
    String lower = format.toLowerCase(Locale.ROOT);
    if (NAMED.contains(lower)) {
      this.format = lower;
      this.pattern = null;
    } else {
      this.format = "joda";
      this.pattern = jodaFormatter(format);
    }
  }

  public long parse(Object value) throws ParseException {
    if (value == null) throw new ParseException("timestamp is missing");
    switch (format) {
      case "ruby":
        return ruby(value);
      case "joda":
        if (value instanceof Number n) return n.longValue();
        return joda(stripQuotes(String.valueOf(value)));
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
    if (ts == null || JsonRowParser.isNestedMarker(ts)) { // a nested value the parser skipped is not there
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

  private static long ruby(Object value) throws ParseException {
    double seconds;
    if (value instanceof Number n) {
      seconds = n.doubleValue();
    } else {
      String s = stripQuotes(String.valueOf(value));
      try {
        seconds = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        throw new ParseException("timestamp '" + excerpt(s) + "' is not a number of seconds");
      }
    }
    double millis = seconds * 1000;
    if (!Double.isFinite(millis) || Math.abs(millis) >= 0x1p62) {
      throw new ParseException("timestamp " + excerpt(String.valueOf(value)) + " is out of range");
    }
    return (long) millis; // truncates toward zero, as Druid's Double.longValue()
  }

  private long joda(String s) throws ParseException {
    if (s.length() > 256) throw new ParseException("timestamp '" + excerpt(s) + "' does not match the format");
    try {
      TemporalAccessor t = pattern.parse(s);
      return Instant.from(t).toEpochMilli();
    } catch (DateTimeException | ArithmeticException e) {
      throw new ParseException("timestamp '" + excerpt(s) + "' does not match the format: " + e.getMessage());
    }
  }

  /** Druid's ParserUtils.stripQuotes: one pair of surrounding double quotes, after trimming. */
  static String stripQuotes(String s) {
    String t = s.trim();
    if (t.length() >= 2 && t.charAt(0) == '"' && t.charAt(t.length() - 1) == '"') {
      return t.substring(1, t.length() - 1);
    }
    return t;
  }

  /**
   * A java.time formatter that parses like the Joda-Time pattern {@code pattern}, in UTC when the text has no zone.
   *
   * <p>Supported pattern letters (Joda's meaning):
   * <ul>
   *   <li>{@code y} year, {@code Y} year of era (read as the year); {@code yy} is a two-digit year in
   *       [this year - 80, this year + 19], as Joda's pivot (exactly two digits); otherwise 1 to 9 digits, or at
   *       most as many digits as letters when a numeric field follows;</li>
   *   <li>{@code M} month ({@code M}/{@code MM} a number, {@code MMM} a short English name, {@code MMMM} a full
   *       one), {@code d} day of month, {@code D} day of year, {@code E} day-of-week name ({@code EEEE} full;
   *       checked against the date);</li>
   *   <li>{@code H} hour 0-23, {@code k} hour 1-24, {@code K} hour 0-11, {@code h} hour 1-12, {@code a} AM/PM,
   *       {@code m} minute, {@code s} second, {@code S} fraction of second (as many digits as letters at most;
   *       kept to the millisecond);</li>
   *   <li>{@code Z}/{@code ZZ} a zone offset ({@code Z}, {@code +08}, {@code +0800} or {@code +08:00}),
   *       {@code ZZZ} a zone id ({@code America/Los_Angeles});</li>
   *   <li>{@code 'text'} quoted literal text, {@code ''} a single quote; any other non-letter is literal.</li>
   * </ul>
   * Numbers take 1 to 2 digits (3 for {@code D}) however many letters the pattern has, as Joda parses; names are
   * case-insensitive English. Fields missing from the pattern default as in Joda: 1970, January, the 1st, midnight.
   * Not supported, refused: {@code G} era, {@code C} century, {@code x} week year, {@code w} week of week year,
   * {@code e} day-of-week number, {@code z} zone name (Joda cannot parse it either), and letters Joda does not
   * define.
   *
   * @throws IllegalArgumentException naming the offending letter or quote
   */
  public static DateTimeFormatter jodaFormatter(String pattern) {
    if (pattern == null || pattern.isEmpty()) throw new IllegalArgumentException("the pattern is empty");
    if (pattern.length() > 200) throw new IllegalArgumentException("the pattern is longer than 200 characters");
    DateTimeFormatterBuilder b = new DateTimeFormatterBuilder().parseCaseInsensitive();
    Set<Character> letters = new HashSet<>();
    int n = pattern.length();
    int i = 0;
    while (i < n) {
      char c = pattern.charAt(i);
      if (c == '\'') {
        int end = i + 1;
        StringBuilder lit = new StringBuilder();
        while (true) {
          if (end >= n) throw new IllegalArgumentException("unterminated quote at position " + i);
          char q = pattern.charAt(end);
          if (q == '\'') {
            if (end + 1 < n && pattern.charAt(end + 1) == '\'') {
              lit.append('\'');
              end += 2;
              continue;
            }
            break;
          }
          lit.append(q);
          end++;
        }
        b.appendLiteral(end == i + 1 ? "'" : lit.toString());
        i = end + 1;
        continue;
      }
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
        b.appendLiteral(c);
        i++;
        continue;
      }
      int len = 1;
      while (i + len < n && pattern.charAt(i + len) == c) len++;
      boolean numericNext = i + len < n && isNumericToken(pattern, i + len);
      switch (c) {
        case 'y', 'Y' -> {
          if (len == 2) {
            b.appendValueReduced(ChronoField.YEAR, 2, 2, Year.now(ZoneOffset.UTC).getValue() - 80);
          } else {
            b.appendValue(ChronoField.YEAR, 1, numericNext ? Math.max(len, 1) : 9, SignStyle.NORMAL);
          }
        }
        case 'M' -> {
          if (len >= 4) b.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.FULL);
          else if (len == 3) b.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.SHORT);
          else b.appendValue(ChronoField.MONTH_OF_YEAR, 1, 2, SignStyle.NOT_NEGATIVE);
        }
        case 'd' -> number(b, ChronoField.DAY_OF_MONTH, len, 2);
        case 'D' -> number(b, ChronoField.DAY_OF_YEAR, len, 3);
        case 'E' -> b.appendText(ChronoField.DAY_OF_WEEK, len >= 4 ? TextStyle.FULL : TextStyle.SHORT);
        case 'H' -> number(b, ChronoField.HOUR_OF_DAY, len, 2);
        case 'k' -> number(b, ChronoField.CLOCK_HOUR_OF_DAY, len, 2);
        case 'K' -> number(b, ChronoField.HOUR_OF_AMPM, len, 2);
        case 'h' -> number(b, ChronoField.CLOCK_HOUR_OF_AMPM, len, 2);
        case 'a' -> b.appendText(ChronoField.AMPM_OF_DAY, TextStyle.SHORT);
        case 'm' -> number(b, ChronoField.MINUTE_OF_HOUR, len, 2);
        case 's' -> number(b, ChronoField.SECOND_OF_MINUTE, len, 2);
        case 'S' -> b.appendFraction(ChronoField.NANO_OF_SECOND, 1, Math.min(len, 9), false);
        case 'Z' -> {
          if (len >= 3) b.appendZoneId();
          else b.parseLenient().appendOffset("+HH", "Z").parseStrict();
        }
        case 'G', 'C', 'x', 'w', 'e', 'z' -> throw new IllegalArgumentException("pattern letter '" + c + "' ("
            + UNSUPPORTED.get(c) + ") is not supported");
        default -> throw new IllegalArgumentException("'" + c + "' is not a Joda-Time pattern letter (quote "
            + "literal text in single quotes)");
      }
      letters.add(c);
      i += len;
    }
    if (letters.isEmpty()) throw new IllegalArgumentException("the pattern has no date or time field");
    boolean hasYear = letters.contains('y') || letters.contains('Y');
    if (!hasYear) b.parseDefaulting(ChronoField.YEAR, 1970);
    if (!letters.contains('D')) {
      if (!letters.contains('M')) b.parseDefaulting(ChronoField.MONTH_OF_YEAR, 1);
      if (!letters.contains('d')) b.parseDefaulting(ChronoField.DAY_OF_MONTH, 1);
    }
    boolean hour24 = letters.contains('H') || letters.contains('k');
    boolean hour12 = letters.contains('K') || letters.contains('h');
    if (hour12 && !letters.contains('a')) b.parseDefaulting(ChronoField.AMPM_OF_DAY, 0);
    if (!hour24 && !hour12) {
      if (letters.contains('a')) b.parseDefaulting(ChronoField.HOUR_OF_AMPM, 0);
      else b.parseDefaulting(ChronoField.HOUR_OF_DAY, 0);
    }
    if (!letters.contains('m')) b.parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0);
    if (!letters.contains('s')) b.parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0);
    return b.toFormatter(Locale.ENGLISH).withResolverStyle(ResolverStyle.STRICT).withZone(ZoneOffset.UTC);
  }

  private static final java.util.Map<Character, String> UNSUPPORTED = java.util.Map.of(
      'G', "era", 'C', "century of era", 'x', "week year", 'w', "week of week year",
      'e', "day-of-week number", 'z', "time zone name; use Z, ZZ or ZZZ");

  private static void number(DateTimeFormatterBuilder b, ChronoField field, int len, int maxDigits) {
    b.appendValue(field, 1, Math.max(len, maxDigits), SignStyle.NOT_NEGATIVE);
  }

  /** Joda's isNumericToken: whether the letter run at {@code i} is parsed as a number. */
  private static boolean isNumericToken(String pattern, int i) {
    char c = pattern.charAt(i);
    int len = 1;
    while (i + len < pattern.length() && pattern.charAt(i + len) == c) len++;
    return switch (c) {
      case 'c', 'C', 'x', 'y', 'Y', 'd', 'h', 'H', 'm', 's', 'S', 'e', 'D', 'F', 'W', 'k', 'K' -> true;
      case 'M' -> len <= 2;
      default -> false;
    };
  }

  static String excerpt(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
