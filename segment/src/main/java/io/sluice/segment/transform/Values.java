package io.sluice.segment.transform;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The value model shared by expressions and filters. An expression value is {@code null}, a {@link Long}, a
 * {@link Double} or a {@link String}; input values are brought into that model by {@link #normalize}: other integral
 * numbers become longs, other numbers doubles, booleans the longs 1 and 0 (as Druid binds them), anything else its
 * string form. Multi-value fields (lists) are not supported in expressions: a list of one value reads as that value,
 * any other list as null; a nested object reads as null.
 */
final class Values {
  private Values() {}

  static Object normalize(Object v) {
    if (v == null || v instanceof String || v instanceof Long || v instanceof Double) return v;
    if (v instanceof java.util.List<?> list) return list.size() == 1 ? normalize(list.get(0)) : null;
    if (v instanceof java.util.Map<?, ?>) return null;
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
    if (v instanceof Boolean b) return b ? 1L : 0L;
    if (v instanceof BigInteger bi && bi.bitLength() < 64) return bi.longValue();
    if (v instanceof Number n) return n.doubleValue();
    return String.valueOf(v);
  }

  /**
   * The string form Druid gives a value: longs in decimal, doubles as {@link Double#toString(double)}, booleans as
   * {@code true}/{@code false} (filters read raw row values; expressions have already turned booleans into 1 and 0).
   */
  static String asString(Object v) {
    if (v == null) return null;
    if (v instanceof String s) return s;
    if (v instanceof Boolean b) return b.toString();
    Object n = normalize(v);
    return n == null ? null : String.valueOf(n);
  }

  /** A long, a double, or null when the value is null or a string that is not a number. */
  static Number asNumber(Object v) {
    v = normalize(v);
    if (v == null) return null;
    if (v instanceof Long || v instanceof Double) return (Number) v;
    String s = (String) v;
    if (s.isEmpty() || s.length() > 400) return null;
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      // not a long: try a double
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Double asDouble(Object v) {
    Number n = asNumber(v);
    return n == null ? null : n.doubleValue();
  }

  /**
   * Druid's truth: a number is true when it is greater than 0, a string when it is "true" (any case), null is
   * unknown (returned as null).
   */
  static Boolean truth(Object v) {
    v = normalize(v);
    if (v == null) return null;
    if (v instanceof Long l) return l > 0;
    if (v instanceof Double d) return d > 0;
    return Boolean.parseBoolean((String) v);
  }

  static Long ofBoolean(Boolean b) {
    return b == null ? null : b ? 1L : 0L;
  }

  /** Druid's numeric string ordering: numbers by value, before them unparseable strings in code point order. */
  static int compareNumeric(String a, String b) {
    BigDecimal x = decimal(a);
    BigDecimal y = decimal(b);
    if (x != null && y != null) return x.compareTo(y);
    if (x == null && y == null) return compareCodePoints(a, b);
    return x == null ? -1 : 1;
  }

  private static BigDecimal decimal(String s) {
    if (s.isEmpty() || s.length() > 400) return null;
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Druid's lexicographic ordering: by Unicode code point, which is the order of the UTF-8 bytes. */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) return Integer.compare(ca, cb);
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }
}
