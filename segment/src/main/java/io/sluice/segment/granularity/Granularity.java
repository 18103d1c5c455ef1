package io.sluice.segment.granularity;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneRules;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Druid granularity: how timestamps are truncated into buckets.
 *
 * <p>Three families, as in Druid ({@code org.apache.druid.java.util.common.granularity}):
 * <ul>
 *   <li>{@link #NONE}: every millisecond is its own bucket.</li>
 *   <li>{@link #ALL}: one bucket, {@code [MIN_INSTANT, MAX_INSTANT)} (Druid's {@code JodaUtils.ETERNITY}).</li>
 *   <li>period granularities: an ISO-8601 period (PT5M, P1D, P3M, ...) in a time zone (UTC by default), with the
 *       default origin: 1970-01-01T00:00 <em>local</em> time. The standard names (SECOND ... YEAR) are UTC periods.</li>
 * </ul>
 *
 * <p>Bucketing follows Druid's {@code PeriodGranularity.truncate} rules:
 * <ul>
 *   <li>a single-field period of one unit floors to the calendar unit in local time; P1W floors to Monday 00:00;</li>
 *   <li>a single-field period of n units aligns on multiples of n from the origin: years, months, weeks and days count
 *       in local calendar time, hours, minutes, seconds and millis count elapsed time;</li>
 *   <li>a compound period (PT1H30M) without years or months in a fixed-offset zone steps in fixed milliseconds from the
 *       origin; any other compound period steps from the origin by adding the period repeatedly.</li>
 * </ul>
 * Timestamps before the origin always round down (Druid has sign quirks there that this class does not copy).
 *
 * <p>Instances are immutable and thread-safe. Equal granularities compare equal; a period that equals a standard
 * granularity in UTC ({@code period("PT1H", null)}) returns that standard instance.
 */
public final class Granularity
{
  /** Druid's {@code JodaUtils.MIN_INSTANT}: the start of {@link #ALL}'s only bucket. */
  public static final long MIN_INSTANT = Long.MIN_VALUE / 2;
  /** Druid's {@code JodaUtils.MAX_INSTANT}: the (exclusive) end of {@link #ALL}'s only bucket. */
  public static final long MAX_INSTANT = Long.MAX_VALUE / 2;

  private static final long SECOND_MS = 1_000L;
  private static final long MINUTE_MS = 60 * SECOND_MS;
  private static final long HOUR_MS = 60 * MINUTE_MS;
  private static final long DAY_MS = 24 * HOUR_MS;
  private static final long WEEK_MS = 7 * DAY_MS;
  /** Epoch day of 1970-01-05, the first Monday after the epoch. */
  private static final long FIRST_MONDAY_EPOCH_DAY = 4;

  public static final Granularity NONE = new Granularity(Family.NONE, "NONE", null, ZoneOffset.UTC);
  public static final Granularity SECOND = standard("SECOND", "PT1S");
  public static final Granularity MINUTE = standard("MINUTE", "PT1M");
  public static final Granularity FIVE_MINUTE = standard("FIVE_MINUTE", "PT5M");
  public static final Granularity TEN_MINUTE = standard("TEN_MINUTE", "PT10M");
  public static final Granularity FIFTEEN_MINUTE = standard("FIFTEEN_MINUTE", "PT15M");
  public static final Granularity THIRTY_MINUTE = standard("THIRTY_MINUTE", "PT30M");
  public static final Granularity HOUR = standard("HOUR", "PT1H");
  public static final Granularity SIX_HOUR = standard("SIX_HOUR", "PT6H");
  /** Druid has it too (GranularityType.EIGHT_HOUR). */
  public static final Granularity EIGHT_HOUR = standard("EIGHT_HOUR", "PT8H");
  public static final Granularity DAY = standard("DAY", "P1D");
  public static final Granularity WEEK = standard("WEEK", "P1W");
  public static final Granularity MONTH = standard("MONTH", "P1M");
  public static final Granularity QUARTER = standard("QUARTER", "P3M");
  public static final Granularity YEAR = standard("YEAR", "P1Y");
  public static final Granularity ALL = new Granularity(Family.ALL, "ALL", null, ZoneOffset.UTC);

  private static final Map<String, Granularity> BY_NAME;

  static {
    Map<String, Granularity> m = new LinkedHashMap<>();
    for (Granularity g : new Granularity[]{
        NONE, SECOND, MINUTE, FIVE_MINUTE, TEN_MINUTE, FIFTEEN_MINUTE, THIRTY_MINUTE, HOUR, SIX_HOUR, EIGHT_HOUR,
        DAY, WEEK, MONTH, QUARTER, YEAR, ALL}) {
      m.put(g.standardName, g);
    }
    BY_NAME = Collections.unmodifiableMap(m);
  }

  private enum Family { NONE, ALL, PERIOD }

  /** How {@link #bucketStart} computes, chosen once in the constructor. */
  private enum Mode
  {
    /** {@code t - floorMod(t - anchor, step)}: pure elapsed-time arithmetic. */
    FIXED,
    /** One time unit (hour, minute, second) in a zone whose offset varies: floor {@code t + offset(t)}. */
    OFFSET_FLOOR,
    /** Days, weeks, months or years counted in local calendar time of a zone. */
    CALENDAR,
    /** Compound period stepped from the origin (Druid's truncateCompoundPeriod). */
    ITERATE,
    NONE,
    ALL
  }

  private final Family family;
  /** Non-null for the standard granularities (the name Druid writes). */
  private final String standardName;
  private final Period period;
  private final ZoneId zone;
  private final boolean utc;
  private final ZoneRules rules;
  /** Druid's default origin: 1970-01-01T00:00 local time, as an instant. Zero in UTC. */
  private final long origin;
  private final Mode mode;
  private final long step;
  private final long anchor;
  /** Cache of the last computed bucket for the slow modes: {start, end}. */
  private volatile long[] lastBucket;

  private Granularity(Family family, String standardName, Period period, ZoneId zone)
  {
    this.family = family;
    this.standardName = standardName;
    this.period = period;
    this.zone = zone;
    this.utc = zone.normalized().equals(ZoneOffset.UTC);
    this.rules = zone.getRules();
    if (family != Family.PERIOD) {
      this.origin = 0;
      this.mode = family == Family.NONE ? Mode.NONE : Mode.ALL;
      this.step = family == Family.NONE ? 1 : 0;
      this.anchor = 0;
      return;
    }
    // origin = 1970-01-01T00:00 in the zone (Druid: new DateTime(0, UTC).withZoneRetainFields(zone))
    this.origin = toInstant(LocalDateTime.of(1970, 1, 1, 0, 0));
    final boolean fixedZone = rules.isFixedOffset();
    final long fixedOffset = fixedZone ? rules.getOffset(Instant.EPOCH).getTotalSeconds() * SECOND_MS : 0;

    if (period.isCompound()) {
      if (period.years == 0 && period.months == 0 && fixedZone) {
        this.mode = Mode.FIXED;
        this.step = period.standardMillis();
        this.anchor = origin;
      } else {
        this.mode = Mode.ITERATE;
        this.step = 0;
        this.anchor = origin;
      }
      return;
    }
    if (period.years > 0 || period.months > 0) {
      this.mode = Mode.CALENDAR;
      this.step = 0;
      this.anchor = 0;
      return;
    }
    if (period.weeks > 0 || period.days > 0) {
      if (fixedZone) {
        // local calendar arithmetic in a fixed-offset zone is elapsed arithmetic shifted by the offset
        this.mode = Mode.FIXED;
        if (period.weeks == 1) {
          this.step = WEEK_MS;
          this.anchor = FIRST_MONDAY_EPOCH_DAY * DAY_MS - fixedOffset;
        } else {
          this.step = period.weeks > 0 ? period.weeks * WEEK_MS : period.days * DAY_MS;
          this.anchor = -fixedOffset;
        }
      } else {
        this.mode = Mode.CALENDAR;
        this.step = 0;
        this.anchor = 0;
      }
      return;
    }
    // hours, minutes, seconds or millis: a single field
    final long unit = period.hours > 0 ? HOUR_MS
                      : period.minutes > 0 ? MINUTE_MS
                      : period.seconds > 0 ? SECOND_MS : 1L;
    final int n = period.hours + period.minutes + period.seconds + period.millis;
    if (n == 1 && !fixedZone) {
      this.mode = Mode.OFFSET_FLOOR;
      this.step = unit;
      this.anchor = 0;
    } else if (n == 1) {
      this.mode = Mode.FIXED;
      this.step = unit;
      this.anchor = -fixedOffset;
    } else {
      this.mode = Mode.FIXED;
      this.step = unit * n;
      this.anchor = origin;
    }
  }

  private static Granularity standard(String name, String iso)
  {
    return new Granularity(Family.PERIOD, name, Period.parse(iso), ZoneOffset.UTC);
  }

  /**
   * A simple granularity by name, case-insensitive: NONE, SECOND, MINUTE, FIVE_MINUTE, TEN_MINUTE, FIFTEEN_MINUTE,
   * THIRTY_MINUTE, HOUR, SIX_HOUR, EIGHT_HOUR, DAY, WEEK, MONTH, QUARTER, YEAR, ALL. An ISO-8601 period such as
   * {@code PT5M} is also accepted and means that period in UTC.
   *
   * @throws IllegalArgumentException naming the value if it is neither
   */
  public static Granularity of(String name)
  {
    if (name == null) {
      throw new IllegalArgumentException("granularity must not be null");
    }
    Granularity g = BY_NAME.get(name.trim().toUpperCase(Locale.ROOT));
    if (g != null) {
      return g;
    }
    if (name.trim().toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        return period(name.trim(), null);
      }
      catch (IllegalArgumentException e) {
        // fall through to the generic message
      }
    }
    throw new IllegalArgumentException(
        "Unknown granularity [" + name + "]; expected one of " + BY_NAME.keySet() + " or an ISO-8601 period"
    );
  }

  /**
   * A period granularity with the default origin (1970-01-01T00:00 in the zone).
   *
   * @param isoPeriod      ISO-8601 period, e.g. {@code PT5M}, {@code P1D}, {@code PT1H30M}; must be positive
   * @param timeZoneOrNull a zone id such as {@code America/Los_Angeles} or {@code +05:30}; null means UTC
   * @throws IllegalArgumentException naming the bad value
   */
  public static Granularity period(String isoPeriod, String timeZoneOrNull)
  {
    final Period p = Period.parse(isoPeriod);
    final ZoneId zone;
    if (timeZoneOrNull == null) {
      zone = ZoneOffset.UTC;
    } else {
      try {
        zone = ZoneId.of(timeZoneOrNull);
      }
      catch (DateTimeException e) {
        throw new IllegalArgumentException("Unknown time zone [" + timeZoneOrNull + "]", e);
      }
    }
    if (zone.normalized().equals(ZoneOffset.UTC)) {
      for (Granularity g : BY_NAME.values()) {
        if (g.family == Family.PERIOD && g.period.equals(p)) {
          return g;
        }
      }
      return new Granularity(Family.PERIOD, null, p, ZoneOffset.UTC);
    }
    return new Granularity(Family.PERIOD, null, p, zone);
  }

  /** Start (inclusive) of the bucket that contains {@code millis}. */
  public long bucketStart(long millis)
  {
    switch (mode) {
      case NONE:
        return millis;
      case ALL:
        return MIN_INSTANT;
      case FIXED:
        return millis - Math.floorMod(millis - anchor, step);
      case OFFSET_FLOOR: {
        final long offset = offsetMillis(millis);
        return Math.floorDiv(millis + offset, step) * step - offset;
      }
      default:
        return slowBucket(millis)[0];
    }
  }

  /** End (exclusive) of the bucket that contains {@code millis}, which is also the start of the next bucket. */
  public long bucketEnd(long millis)
  {
    switch (mode) {
      case NONE:
        return millis + 1;
      case ALL:
        return MAX_INSTANT;
      case FIXED:
      case OFFSET_FLOOR:
        return bucketStart(millis) + step;
      default:
        return slowBucket(millis)[1];
    }
  }

  /** The name Druid uses for this granularity: "HOUR", "NONE", "ALL"; for other periods the ISO period. */
  public String jsonName()
  {
    return standardName != null ? standardName : period.toString();
  }

  /**
   * What Druid writes for this granularity in {@code metadata.drd} ({@code queryGranularity}) and specs: a string
   * such as {@code "MINUTE"} for the standard periods, {@code {"type":"none"}}, {@code {"type":"all"}}, or
   * {@code {"type":"period","period":"PT7M","timeZone":"UTC","origin":null}}.
   */
  public Object toMetadataJson()
  {
    if (family == Family.NONE) {
      return Map.of("type", "none");
    }
    if (family == Family.ALL) {
      return Map.of("type", "all");
    }
    if (standardName != null) {
      return standardName;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "period");
    m.put("period", period.toString());
    m.put("timeZone", timeZoneId());
    m.put("origin", null);
    return Collections.unmodifiableMap(m);
  }

  /** The ISO period, or null for NONE and ALL. */
  public String isoPeriod()
  {
    return period == null ? null : period.toString();
  }

  /** The zone id as Druid (Joda) names it: "UTC" for UTC. */
  public String timeZoneId()
  {
    return utc ? "UTC" : zone.getId();
  }

  public boolean isStandard()
  {
    return standardName != null;
  }

  private long[] slowBucket(long millis)
  {
    long[] cached = lastBucket;
    if (cached != null && millis >= cached[0] && millis < cached[1]) {
      return cached;
    }
    long[] bucket = mode == Mode.CALENDAR ? calendarBucket(millis) : iterateBucket(millis, cached);
    lastBucket = bucket;
    return bucket;
  }

  private long[] calendarBucket(long millis)
  {
    final long local = millis + offsetMillis(millis);
    final long epochDay = Math.floorDiv(local, DAY_MS);
    final LocalDate start;
    final LocalDate end;
    if (period.years > 0) {
      final LocalDate d = LocalDate.ofEpochDay(epochDay);
      final long y = Math.floorDiv(d.getYear() - 1970L, period.years) * period.years;
      start = LocalDate.of(Math.toIntExact(1970 + y), 1, 1);
      end = start.plusYears(period.years);
    } else if (period.months > 0) {
      final LocalDate d = LocalDate.ofEpochDay(epochDay);
      final long monthIndex = (d.getYear() - 1970L) * 12 + d.getMonthValue() - 1;
      final long m = Math.floorDiv(monthIndex, period.months) * period.months;
      start = LocalDate.of(1970, 1, 1).plusMonths(m);
      end = start.plusMonths(period.months);
    } else if (period.weeks == 1) {
      start = LocalDate.ofEpochDay(epochDay - Math.floorMod(epochDay - FIRST_MONDAY_EPOCH_DAY, 7));
      end = start.plusWeeks(1);
    } else {
      final long days = period.weeks > 0 ? 7L * period.weeks : period.days;
      start = LocalDate.ofEpochDay(Math.floorDiv(epochDay, days) * days);
      end = start.plusDays(days);
    }
    return new long[]{toInstant(start.atStartOfDay()), toInstant(end.atStartOfDay())};
  }

  /**
   * Steps from the origin (or from the last computed bucket, itself a step boundary, when {@code millis} is after it),
   * so a stream of increasing timestamps costs one step per bucket.
   */
  private long[] iterateBucket(long millis, long[] cached)
  {
    long current;
    if (millis >= origin) {
      long next = cached != null && cached[0] >= origin && millis >= cached[0] ? cached[0] : origin;
      do {
        current = next;
        next = addPeriod(current, 1);
      } while (millis >= next);
      return new long[]{current, next};
    }
    current = origin;
    long later;
    do {
      later = current;
      current = addPeriod(current, -1);
    } while (millis < current);
    // before the origin the boundaries are origin - k periods; the next one up is the bucket end
    return new long[]{current, later};
  }

  /** Joda's {@code chronology.add(period, instant, scalar)}: calendar fields in local time, time fields elapsed. */
  private long addPeriod(long instant, int scalar)
  {
    ZonedDateTime z = Instant.ofEpochMilli(instant).atZone(zone)
                             .plusYears((long) period.years * scalar)
                             .plusMonths((long) period.months * scalar)
                             .plusWeeks((long) period.weeks * scalar)
                             .plusDays((long) period.days * scalar);
    long timeMillis = period.timeMillis() * scalar;
    return z.toInstant().toEpochMilli() + timeMillis;
  }

  private long offsetMillis(long millis)
  {
    if (utc) {
      return 0;
    }
    return rules.getOffset(Instant.ofEpochMilli(millis)).getTotalSeconds() * SECOND_MS;
  }

  private long toInstant(LocalDateTime local)
  {
    if (utc) {
      return local.toEpochSecond(ZoneOffset.UTC) * SECOND_MS;
    }
    return ZonedDateTime.ofLocal(local, zone, null).toInstant().toEpochMilli();
  }

  @Override
  public boolean equals(Object o)
  {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Granularity)) {
      return false;
    }
    Granularity that = (Granularity) o;
    return family == that.family
           && Objects.equals(period, that.period)
           && Objects.equals(timeZoneId(), that.timeZoneId());
  }

  @Override
  public int hashCode()
  {
    return Objects.hash(family, period, timeZoneId());
  }

  @Override
  public String toString()
  {
    if (standardName != null) {
      return standardName;
    }
    return "{type=period, period=" + period + ", timeZone=" + timeZoneId() + ", origin=null}";
  }

  /** A positive ISO-8601 period, fields as in Joda's standard period type. */
  private static final class Period
  {
    private static final Pattern ISO = Pattern.compile(
        "P(?:(\\d+)Y)?(?:(\\d+)M)?(?:(\\d+)W)?(?:(\\d+)D)?"
        + "(?:T(?:(\\d+)H)?(?:(\\d+)M)?(?:(\\d+)(?:[.,](\\d{1,3}))?S)?)?"
    );

    final int years;
    final int months;
    final int weeks;
    final int days;
    final int hours;
    final int minutes;
    final int seconds;
    final int millis;

    private Period(int years, int months, int weeks, int days, int hours, int minutes, int seconds, int millis)
    {
      this.years = years;
      this.months = months;
      this.weeks = weeks;
      this.days = days;
      this.hours = hours;
      this.minutes = minutes;
      this.seconds = seconds;
      this.millis = millis;
    }

    static Period parse(String iso)
    {
      if (iso == null) {
        throw new IllegalArgumentException("period must not be null");
      }
      final String s = iso.trim().toUpperCase(Locale.ROOT);
      final Matcher m = ISO.matcher(s);
      if (!m.matches() || s.equals("P") || s.endsWith("T")) {
        throw new IllegalArgumentException("Invalid ISO-8601 period [" + iso + "]");
      }
      try {
        final String frac = m.group(8);
        final int ms = frac == null ? 0 : Integer.parseInt((frac + "00").substring(0, 3));
        final Period p = new Period(
            num(m.group(1)), num(m.group(2)), num(m.group(3)), num(m.group(4)),
            num(m.group(5)), num(m.group(6)), num(m.group(7)), ms
        );
        if (p.fieldCount() == 0) {
          throw new IllegalArgumentException("Zero period is not a granularity [" + iso + "]");
        }
        return p;
      }
      catch (NumberFormatException e) {
        throw new IllegalArgumentException("Invalid ISO-8601 period [" + iso + "]", e);
      }
    }

    private static int num(String g)
    {
      return g == null ? 0 : Integer.parseInt(g);
    }

    int fieldCount()
    {
      int n = 0;
      for (int v : new int[]{years, months, weeks, days, hours, minutes, seconds, millis}) {
        if (v > 0) {
          n++;
        }
      }
      return n;
    }

    boolean isCompound()
    {
      return fieldCount() > 1;
    }

    /** Hours, minutes, seconds and millis in milliseconds. */
    long timeMillis()
    {
      return hours * HOUR_MS + minutes * MINUTE_MS + seconds * SECOND_MS + millis;
    }

    /** Joda's toStandardDuration: weeks are 7 days, days 24 hours. Years and months must be zero. */
    long standardMillis()
    {
      return weeks * WEEK_MS + days * DAY_MS + timeMillis();
    }

    /** Joda's ISO format, e.g. P1Y2M3W4DT5H6M7.008S. */
    @Override
    public String toString()
    {
      StringBuilder b = new StringBuilder("P");
      append(b, years, 'Y');
      append(b, months, 'M');
      append(b, weeks, 'W');
      append(b, days, 'D');
      if (hours > 0 || minutes > 0 || seconds > 0 || millis > 0) {
        b.append('T');
        append(b, hours, 'H');
        append(b, minutes, 'M');
        if (millis > 0) {
          b.append(seconds).append('.').append(String.format(Locale.ROOT, "%03d", millis)).append('S');
        } else {
          append(b, seconds, 'S');
        }
      }
      return b.toString();
    }

    private static void append(StringBuilder b, int v, char unit)
    {
      if (v > 0) {
        b.append(v).append(unit);
      }
    }

    @Override
    public boolean equals(Object o)
    {
      if (!(o instanceof Period)) {
        return false;
      }
      Period p = (Period) o;
      return years == p.years && months == p.months && weeks == p.weeks && days == p.days
             && hours == p.hours && minutes == p.minutes && seconds == p.seconds && millis == p.millis;
    }

    @Override
    public int hashCode()
    {
      return Objects.hash(years, months, weeks, days, hours, minutes, seconds, millis);
    }
  }
}
