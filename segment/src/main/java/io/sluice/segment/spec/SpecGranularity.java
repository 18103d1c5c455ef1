package io.sluice.segment.spec;

import io.sluice.segment.granularity.Granularity;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A granularity as a spec writes it, in any of Druid's JSON forms, and its normalized form.
 *
 * <p>Accepted (as Druid's {@code Granularity} JSON):
 * <ul>
 *   <li>a name, case-insensitive: {@code "HOUR"}, {@code "five_minute"}, {@code "NONE"}, {@code "ALL"}… (an ISO
 *       period string such as {@code "PT5M"} is also accepted, in UTC);</li>
 *   <li>{@code {"type":"period","period":"PT5M","timeZone":"America/Los_Angeles","origin":null}} ({@code timeZone}
 *       optional, UTC by default; a non-null {@code origin} is refused: only Druid's default origin is supported);</li>
 *   <li>{@code {"type":"duration","duration":60000,"origin":null}}: fixed buckets of that many milliseconds from the
 *       epoch, mapped onto the equal UTC period granularity;</li>
 *   <li>{@code {"type":"all"}} and {@code {"type":"none"}}.</li>
 * </ul>
 *
 * <p>Normalized as Druid serializes granularities: the standard ones (and NONE, ALL) as their upper-case name, any
 * other period as {@code {"type":"period","period":…,"timeZone":…,"origin":null}}, a duration as
 * {@code {"type":"duration","duration":<long>,"origin":null}}.
 */
final class SpecGranularity {
  private static final Set<String> PERIOD_KEYS = Set.of("type", "period", "timeZone", "origin");
  private static final Set<String> DURATION_KEYS = Set.of("type", "duration", "origin");
  /** Durations are mapped onto a period in whole milliseconds; longer than this they would overflow it. */
  static final long MAX_DURATION_MILLIS = Integer.MAX_VALUE * 1000L;

  private SpecGranularity() {}

  /** The normalized form of {@code value} (a String or an unmodifiable Map); {@code field} names errors. */
  static Object normalize(Object value, String dflt, String field) {
    if (value == null) return dflt;
    if (value instanceof String s) {
      try {
        return toJson(Granularity.of(s));
      } catch (IllegalArgumentException e) {
        throw new SpecException(field, e.getMessage());
      }
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new SpecException(field, "must be a granularity name such as \"HOUR\" or an object such as "
          + "{\"type\":\"period\",\"period\":\"PT5M\",\"timeZone\":\"UTC\"}");
    }
    Object type = map.get("type");
    if (type == null) throw new SpecException(field + ".type", "is required (period, duration, all or none)");
    if (!(type instanceof String t)) throw new SpecException(field + ".type", "must be a string");
    switch (t) {
      case "all", "none" -> {
        onlyKeys(map, Set.of("type"), field, t);
        return t.toUpperCase(Locale.ROOT);
      }
      case "period" -> {
        onlyKeys(map, PERIOD_KEYS, field, t);
        noOrigin(map, field);
        Object period = map.get("period");
        if (period == null) throw new SpecException(field + ".period", "is required (an ISO-8601 period like PT5M)");
        if (!(period instanceof String p)) throw new SpecException(field + ".period", "must be a string like PT5M");
        Object zone = map.get("timeZone");
        if (zone != null && !(zone instanceof String)) {
          throw new SpecException(field + ".timeZone", "must be a string like America/Los_Angeles");
        }
        Granularity g;
        try {
          g = Granularity.period(p, (String) zone);
        } catch (IllegalArgumentException e) {
          String sub = e.getMessage() != null && e.getMessage().startsWith("Unknown time zone") ? ".timeZone" : ".period";
          throw new SpecException(field + sub, e.getMessage());
        }
        return toJson(g);
      }
      case "duration" -> {
        onlyKeys(map, DURATION_KEYS, field, t);
        noOrigin(map, field);
        long millis = durationMillis(map.get("duration"), field);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "duration");
        m.put("duration", millis);
        m.put("origin", null);
        return Collections.unmodifiableMap(m);
      }
      default -> throw new SpecException(field + ".type", "unknown granularity type '" + t
          + "'; use period, duration, all or none (or a name such as \"HOUR\")");
    }
  }

  /** The granularity of a normalized value. */
  static Granularity resolve(Object normalized) {
    if (normalized instanceof String s) return Granularity.of(s);
    Map<?, ?> m = (Map<?, ?>) normalized;
    if ("duration".equals(m.get("type"))) return Granularity.period(durationPeriod((Long) m.get("duration")), null);
    return Granularity.period((String) m.get("period"), (String) m.get("timeZone"));
  }

  private static Object toJson(Granularity g) {
    return g.isStandard() ? g.jsonName() : g.toMetadataJson();
  }

  private static long durationMillis(Object value, String field) {
    if (value == null) throw new SpecException(field + ".duration", "is required (milliseconds, e.g. 60000)");
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new SpecException(field + ".duration", "must be an integer number of milliseconds");
    }
    long millis = ((Number) value).longValue();
    if (millis <= 0) throw new SpecException(field + ".duration", "must be > 0, got " + millis);
    if (millis > MAX_DURATION_MILLIS) {
      throw new SpecException(field + ".duration", "must be at most " + MAX_DURATION_MILLIS + " ms; use a period "
          + "granularity such as {\"type\":\"period\",\"period\":\"P1Y\"} for longer buckets");
    }
    return millis;
  }

  /** {@code PT<seconds>.<millis>S}: in UTC, a period of that elapsed length buckets exactly as the duration. */
  static String durationPeriod(long millis) {
    long seconds = millis / 1000;
    long ms = millis % 1000;
    return ms == 0 ? "PT" + seconds + "S" : String.format(Locale.ROOT, "PT%d.%03dS", seconds, ms);
  }

  private static void onlyKeys(Map<?, ?> map, Set<String> allowed, String field, String type) {
    for (Object k : map.keySet()) {
      if (!allowed.contains(k)) {
        throw new SpecException(field + "." + k, "is not a field of a '" + type + "' granularity");
      }
    }
  }

  private static void noOrigin(Map<?, ?> map, String field) {
    if (map.get("origin") != null) {
      throw new SpecException(field + ".origin", "custom granularity origins are not supported yet; remove it "
          + "(buckets then start at 1970-01-01T00:00 in the time zone, Druid's default)");
    }
  }
}
