package io.sluice.segment.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSONPath subset a {@code flattenSpec} {@code path} field may use. Grammar:
 *
 * <pre>
 * path    := '$' step*
 * step    := '.' name | '[' quoted ']' | '[' index ']'
 * name    := one or more characters other than . [ ] ' " * ( ) ? @ , : space and control characters
 * quoted  := "'" (any character but ' and \, or \' or \\)* "'"   (double quotes work the same way)
 * index   := a non-negative decimal integer below 2^31
 * </pre>
 *
 * <p>So {@code $.a.b}, {@code $['a b'][0].c} and {@code $} work; deep scan ({@code ..}), wildcards, filters,
 * slices, unions, negative indexes and functions are refused by {@link #compile} with a message that says so.
 * Evaluation returns null (Druid's missing value) when a step does not match: a name on a non-object, an index on a
 * non-array or out of range.
 */
public final class JsonPath {
  /** Steps per expression; a bound on per-row work. */
  public static final int MAX_STEPS = 64;

  private final String expr;
  private final Object[] steps; // String names and Integer indexes

  private JsonPath(String expr, Object[] steps) {
    this.expr = expr;
    this.steps = steps;
  }

  /** Compiles {@code expr}, or throws {@link IllegalArgumentException} with a message naming what is unsupported. */
  public static JsonPath compile(String expr) {
    if (expr == null || expr.isEmpty()) throw new IllegalArgumentException("must not be empty");
    if (expr.charAt(0) != '$') {
      throw unsupported(expr, "it must start with '$' (for example $.a.b)");
    }
    List<Object> steps = new ArrayList<>();
    int i = 1;
    int n = expr.length();
    while (i < n) {
      if (steps.size() >= MAX_STEPS) throw unsupported(expr, "it has more than " + MAX_STEPS + " steps");
      char c = expr.charAt(i);
      if (c == '.') {
        if (i + 1 < n && expr.charAt(i + 1) == '.') throw unsupported(expr, "deep scan '..' is not supported");
        int start = ++i;
        while (i < n && isNameChar(expr.charAt(i))) i++;
        if (i == start) {
          if (i < n && expr.charAt(i) == '*') throw unsupported(expr, "wildcards '*' are not supported");
          throw unsupported(expr, "a name is expected after '.' at position " + start);
        }
        if (i < n && expr.charAt(i) != '.' && expr.charAt(i) != '[') {
          throw unsupported(expr, "'" + expr.charAt(i) + "' at position " + i + " is not supported");
        }
        steps.add(expr.substring(start, i));
      } else if (c == '[') {
        i++;
        if (i >= n) throw unsupported(expr, "it ends inside '['");
        char q = expr.charAt(i);
        if (q == '\'' || q == '"') {
          StringBuilder sb = new StringBuilder();
          i++;
          boolean closed = false;
          while (i < n) {
            char d = expr.charAt(i);
            if (d == '\\' && i + 1 < n && (expr.charAt(i + 1) == q || expr.charAt(i + 1) == '\\')) {
              sb.append(expr.charAt(i + 1));
              i += 2;
            } else if (d == q) {
              closed = true;
              i++;
              break;
            } else {
              sb.append(d);
              i++;
            }
          }
          if (!closed) throw unsupported(expr, "an unterminated quoted name");
          if (i >= n || expr.charAt(i) != ']') {
            throw unsupported(expr, "unions ['a','b'] are not supported; ']' expected at position " + i);
          }
          i++;
          steps.add(sb.toString());
        } else if (q >= '0' && q <= '9') {
          int start = i;
          while (i < n && expr.charAt(i) >= '0' && expr.charAt(i) <= '9') i++;
          if (i >= n || expr.charAt(i) != ']') {
            throw unsupported(expr, "slices and unions are not supported; ']' expected at position " + i);
          }
          long index;
          try {
            index = i - start > 10 ? Long.MAX_VALUE : Long.parseLong(expr.substring(start, i));
          } catch (NumberFormatException e) {
            index = Long.MAX_VALUE;
          }
          if (index > Integer.MAX_VALUE) throw unsupported(expr, "index at position " + start + " is too large");
          i++;
          steps.add((int) index);
        } else if (q == '-') {
          throw unsupported(expr, "negative indexes are not supported");
        } else if (q == '*') {
          throw unsupported(expr, "wildcards '[*]' are not supported");
        } else if (q == '?') {
          throw unsupported(expr, "filters '[?(...)]' are not supported");
        } else if (q == ':') {
          throw unsupported(expr, "slices are not supported");
        } else {
          throw unsupported(expr, "'[" + q + "' at position " + (i - 1) + " is not supported");
        }
      } else {
        throw unsupported(expr, "'" + c + "' at position " + i + " is not supported");
      }
    }
    return new JsonPath(expr, steps.toArray());
  }

  private static boolean isNameChar(char c) {
    if (c <= ' ' || c == 0x7f) return false;
    return switch (c) {
      case '.', '[', ']', '\'', '"', '*', '(', ')', '?', '@', ',', ':' -> false;
      default -> true;
    };
  }

  private static IllegalArgumentException unsupported(String expr, String why) {
    String shown = expr.length() > 120 ? expr.substring(0, 120) + "…" : expr;
    return new IllegalArgumentException("JSONPath '" + shown + "' is not supported: " + why
        + "; Sluice supports $, .name, ['name'] and [index] steps");
  }

  /** The node at this path under {@code root}, or null if a step does not match. */
  public JsonNode evaluate(JsonNode root) {
    JsonNode node = root;
    for (Object step : steps) {
      if (node == null) return null;
      if (step instanceof String name) {
        node = node.isObject() ? node.get(name) : null;
      } else {
        node = node.isArray() ? node.get((Integer) step) : null;
      }
    }
    return node;
  }

  /** The steps: {@link String} names and {@link Integer} indexes. */
  public List<Object> steps() {
    return List.of(steps);
  }

  @Override
  public String toString() {
    return expr;
  }
}
