package io.sluice.segment.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.segment.spec.SpecException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Druid's ingestion-time filters ({@code transformSpec.filter}): {@code selector}, {@code in}, {@code bound},
 * {@code like}, {@code regex}, {@code and}, {@code or}, {@code not}. A row is ingested only when the filter is true
 * for it.
 *
 * <p>Values are compared in their string form (longs in decimal, doubles as Java prints them, booleans as
 * {@code true}/{@code false}); {@code __time} is the row's timestamp in epoch millis. Null handling is Druid's
 * SQL-compatible mode, with three-valued logic: a null or missing value makes {@code selector} (with a non-null
 * value), {@code in} (without null among its values), {@code bound}, {@code like} and {@code regex} unknown, and
 * {@code not} of unknown is unknown, so {@code not(selector(x, 'a'))} does not ingest rows where x is missing.
 * {@code selector} with a null value matches exactly the rows where the value is null or missing.
 *
 * <p>A multi-value field (a list) matches a leaf filter when any of its values does; an empty list counts as null.
 *
 * <p>{@code extractionFn} is refused on every filter; other filter types ({@code equals}, {@code range},
 * {@code expression}, {@code javascript}, …) are refused naming {@code type}.
 */
@JsonDeserialize(using = Filter.Deserializer.class)
public sealed interface Filter {

  /** A compiled filter. {@link #match} gives TRUE, FALSE or null (unknown). */
  @FunctionalInterface
  interface Matcher {
    Boolean match(Expr.Bindings row);
  }

  @JsonProperty("type")
  String type();

  Matcher matcher();

  /** Longest {@code regex} pattern accepted. */
  int MAX_PATTERN_LENGTH = 1000;

  /** Rows whose {@code dimension} equals {@code value}; a null value matches null and missing values. */
  @JsonDeserialize(using = JsonDeserializer.None.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"type", "dimension", "value"})
  record Selector(
      @JsonProperty("dimension") String dimension,
      @JsonProperty("value") @JsonDeserialize(using = ScalarString.class) String value,
      @JsonProperty("extractionFn") Object extractionFn) implements Filter {
    public Selector {
      requireDimension(dimension);
      noExtractionFn(extractionFn);
    }

    @Override
    @JsonProperty("type")
    public String type() {
      return "selector";
    }

    @Override
    public Matcher matcher() {
      String d = dimension;
      String v = value;
      if (v == null) return row -> leaf(row.get(d), s -> false, Boolean.TRUE);
      return row -> leaf(row.get(d), v::equals, null);
    }
  }

  /** Rows whose {@code dimension} is one of {@code values} (which may hold null, matching null and missing). */
  @JsonDeserialize(using = JsonDeserializer.None.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"type", "dimension", "values"})
  record In(
      @JsonProperty("dimension") String dimension,
      @JsonProperty("values") @JsonDeserialize(contentUsing = ScalarString.class) List<String> values,
      @JsonProperty("extractionFn") Object extractionFn) implements Filter {
    public In {
      requireDimension(dimension);
      if (values == null) throw new SpecException("values", "is required");
      values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
      noExtractionFn(extractionFn);
    }

    @Override
    @JsonProperty("type")
    public String type() {
      return "in";
    }

    @Override
    public Matcher matcher() {
      String d = dimension;
      Set<String> set = new HashSet<>(values);
      boolean matchesNull = set.contains(null);
      Boolean onNull = matchesNull ? Boolean.TRUE : null;
      return row -> leaf(row.get(d), set::contains, onNull);
    }
  }

  /**
   * Rows whose {@code dimension} lies between {@code lower} and {@code upper} (either may be left out, not both),
   * inclusive unless {@code lowerStrict}/{@code upperStrict}. {@code ordering} is {@code lexicographic} (the
   * default: by Unicode code point, as Druid compares UTF-8 bytes) or {@code numeric} (Druid's numeric string order:
   * numbers by value, and strings that are not numbers before all numbers).
   */
  @JsonDeserialize(using = JsonDeserializer.None.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"type", "dimension", "lower", "upper", "lowerStrict", "upperStrict", "ordering"})
  record Bound(
      @JsonProperty("dimension") String dimension,
      @JsonProperty("lower") @JsonDeserialize(using = ScalarString.class) String lower,
      @JsonProperty("upper") @JsonDeserialize(using = ScalarString.class) String upper,
      @JsonProperty("lowerStrict") Boolean lowerStrict,
      @JsonProperty("upperStrict") Boolean upperStrict,
      @JsonProperty("ordering") String ordering,
      @JsonProperty("alphaNumeric") Boolean alphaNumeric,
      @JsonProperty("extractionFn") Object extractionFn) implements Filter {
    public Bound {
      requireDimension(dimension);
      if (lower == null && upper == null) throw new SpecException("lower", "lower and upper cannot both be null");
      lowerStrict = lowerStrict != null && lowerStrict;
      upperStrict = upperStrict != null && upperStrict;
      if (Boolean.TRUE.equals(alphaNumeric)) {
        throw new SpecException("alphaNumeric", "alphanumeric ordering is not supported; use ordering "
            + "\"lexicographic\" or \"numeric\"");
      }
      alphaNumeric = null;
      ordering = ordering == null ? "lexicographic" : ordering;
      if (!ordering.equals("lexicographic") && !ordering.equals("numeric")) {
        throw new SpecException("ordering", "ordering '" + ordering + "' is not supported; use \"lexicographic\" "
            + "or \"numeric\"");
      }
      noExtractionFn(extractionFn);
    }

    @Override
    @JsonProperty("type")
    public String type() {
      return "bound";
    }

    @Override
    public Matcher matcher() {
      String d = dimension;
      boolean numeric = ordering.equals("numeric");
      String lo = lower;
      String hi = upper;
      boolean loStrict = lowerStrict;
      boolean hiStrict = upperStrict;
      return row -> leaf(row.get(d), s -> {
        if (lo != null) {
          int c = numeric ? Values.compareNumeric(s, lo) : Values.compareCodePoints(s, lo);
          if (c < 0 || c == 0 && loStrict) return false;
        }
        if (hi != null) {
          int c = numeric ? Values.compareNumeric(s, hi) : Values.compareCodePoints(s, hi);
          if (c > 0 || c == 0 && hiStrict) return false;
        }
        return true;
      }, null);
    }
  }

  /**
   * SQL LIKE on {@code dimension}: {@code %} matches any sequence of characters, {@code _} exactly one, and the
   * optional one-character {@code escape} makes the character after it literal. Case-sensitive. Matching is
   * linear-time backtracking-free wildcard matching, so no pattern can make it slow.
   */
  @JsonDeserialize(using = JsonDeserializer.None.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"type", "dimension", "pattern", "escape"})
  record Like(
      @JsonProperty("dimension") String dimension,
      @JsonProperty("pattern") String pattern,
      @JsonProperty("escape") String escape,
      @JsonProperty("extractionFn") Object extractionFn) implements Filter {
    public Like {
      requireDimension(dimension);
      if (pattern == null) throw new SpecException("pattern", "is required");
      if (escape != null && escape.length() != 1) {
        throw new SpecException("escape", "must be exactly one character, got '" + escape + "'");
      }
      tokens(pattern, escape); // validates
      noExtractionFn(extractionFn);
    }

    @Override
    @JsonProperty("type")
    public String type() {
      return "like";
    }

    static final int ONE = -1;
    static final int ANY = -2;

    /** The pattern as code points, with {@link #ONE} for {@code _} and {@link #ANY} for {@code %}. */
    static int[] tokens(String pattern, String escape) {
      int esc = escape == null ? -3 : escape.charAt(0);
      List<Integer> out = new ArrayList<>();
      for (int i = 0; i < pattern.length(); ) {
        int c = pattern.codePointAt(i);
        i += Character.charCount(c);
        if (c == esc) {
          if (i >= pattern.length()) throw new SpecException("pattern", "ends with the escape character '"
              + escape + "'");
          c = pattern.codePointAt(i);
          i += Character.charCount(c);
          out.add(c);
        } else if (c == '%') {
          if (out.isEmpty() || out.get(out.size() - 1) != ANY) out.add(ANY);
        } else {
          out.add(c == '_' ? ONE : c);
        }
      }
      int[] a = new int[out.size()];
      for (int i = 0; i < a.length; i++) a[i] = out.get(i);
      return a;
    }

    static boolean matches(int[] p, String s) {
      int[] t = s.codePoints().toArray();
      int ti = 0;
      int pi = 0;
      int star = -1;
      int mark = 0;
      while (ti < t.length) {
        if (pi < p.length && (p[pi] == ONE || p[pi] == t[ti])) {
          ti++;
          pi++;
        } else if (pi < p.length && p[pi] == ANY) {
          star = pi++;
          mark = ti;
        } else if (star >= 0) {
          pi = star + 1;
          ti = ++mark;
        } else {
          return false;
        }
      }
      while (pi < p.length && p[pi] == ANY) pi++;
      return pi == p.length;
    }

    @Override
    public Matcher matcher() {
      String d = dimension;
      int[] p = tokens(pattern, escape);
      return row -> leaf(row.get(d), s -> matches(p, s), null);
    }
  }

  /**
   * Rows where the Java regular expression {@code pattern} is found in {@code dimension} (a partial match, as in
   * Druid). Patterns longer than {@link #MAX_PATTERN_LENGTH} are refused, and matching one value gives up (the row
   * then counts as unparseable) after a step budget proportional to the value's length, so a backtracking pattern
   * cannot stall ingestion.
   */
  @JsonDeserialize(using = JsonDeserializer.None.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"type", "dimension", "pattern"})
  record Regex(
      @JsonProperty("dimension") String dimension,
      @JsonProperty("pattern") String pattern,
      @JsonProperty("extractionFn") Object extractionFn) implements Filter {
    public Regex {
      requireDimension(dimension);
      compile(pattern);
      noExtractionFn(extractionFn);
    }

    @Override
    @JsonProperty("type")
    public String type() {
      return "regex";
    }

    private static Pattern compile(String pattern) {
      if (pattern == null) throw new SpecException("pattern", "is required");
      if (pattern.length() > MAX_PATTERN_LENGTH) {
        throw new SpecException("pattern", "is " + pattern.length() + " characters; the limit is "
            + MAX_PATTERN_LENGTH);
      }
      try {
        return Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        throw new SpecException("pattern", "is not a valid regular expression: " + e.getDescription()
            + " near index " + e.getIndex());
      } catch (StackOverflowError | RuntimeException e) {
        throw new SpecException("pattern", "is not a valid regular expression");
      }
    }

    @Override
    public Matcher matcher() {
      String d = dimension;
      Pattern p = compile(pattern);
      return row -> leaf(row.get(d), s -> p.matcher(new Budgeted(s, d)).find(), null);
    }
  }

  /**
   * Three-valued AND ({@code decisive} false) or OR ({@code decisive} true): the first child whose answer is
   * {@code decisive} decides; otherwise unknown (null) if any child was unknown, else {@code !decisive}.
   */
  private static Matcher combine(Matcher[] children, boolean decisive) {
    return row -> {
      boolean unknown = false;
      for (Matcher m : children) {
        Boolean b = m.match(row);
        if (b == null) {
          unknown = true;
        } else if (b == decisive) {
          return decisive;
        }
      }
      return unknown ? null : !decisive;
    };
  }

  /** Rows every filter in {@code fields} matches. */
  @JsonDeserialize(using = JsonDeserializer.None.class)
  @JsonPropertyOrder({"type", "fields"})
  record And(@JsonProperty("fields") List<Filter> fields) implements Filter {
    public And {
      fields = fieldList(fields);
    }

    @Override
    @JsonProperty("type")
    public String type() {
      return "and";
    }

    @Override
    public Matcher matcher() {
      return combine(matchers(fields), false);
    }
  }

  /** Rows any filter in {@code fields} matches. */
  @JsonDeserialize(using = JsonDeserializer.None.class)
  @JsonPropertyOrder({"type", "fields"})
  record Or(@JsonProperty("fields") List<Filter> fields) implements Filter {
    public Or {
      fields = fieldList(fields);
    }

    @Override
    @JsonProperty("type")
    public String type() {
      return "or";
    }

    @Override
    public Matcher matcher() {
      return combine(matchers(fields), true);
    }
  }

  /** Rows {@code field} does not match (unknown stays unknown). */
  @JsonDeserialize(using = JsonDeserializer.None.class)
  @JsonPropertyOrder({"type", "field"})
  record Not(@JsonProperty("field") Filter field) implements Filter {
    public Not {
      if (field == null) throw new SpecException("field", "is required");
    }

    @Override
    @JsonProperty("type")
    public String type() {
      return "not";
    }

    @Override
    public Matcher matcher() {
      Matcher m = field.matcher();
      return row -> {
        Boolean b = m.match(row);
        return b == null ? null : !b;
      };
    }
  }

  // ---- helpers

  /**
   * Applies a leaf filter's test to a raw row value: a null value gives {@code onNull}; a multi-value (a list, as
   * the delimited and flattened-JSON parsers produce) matches when any of its values does, as in Druid, and an
   * empty list counts as null.
   */
  private static Boolean leaf(Object raw, java.util.function.Predicate<String> test, Boolean onNull) {
    if (raw instanceof List<?> list) {
      if (list.isEmpty()) return onNull;
      Boolean result = Boolean.FALSE;
      for (Object o : list) {
        String s = o instanceof List<?> ? null : Values.asString(o);
        Boolean b = s == null ? onNull : (Boolean) test.test(s);
        if (Boolean.TRUE.equals(b)) return Boolean.TRUE;
        if (b == null) result = null;
      }
      return result;
    }
    String s = Values.asString(raw);
    return s == null ? onNull : (Boolean) test.test(s);
  }

  private static void requireDimension(String dimension) {
    if (dimension == null || dimension.isEmpty()) throw new SpecException("dimension", "is required");
  }

  private static void noExtractionFn(Object extractionFn) {
    if (extractionFn != null) throw new SpecException("extractionFn", "extraction functions are not supported");
  }

  private static List<Filter> fieldList(List<Filter> fields) {
    if (fields == null || fields.isEmpty()) throw new SpecException("fields", "needs at least one filter");
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i) == null) throw new SpecException("fields[" + i + "]", "must not be null");
    }
    return List.copyOf(fields);
  }

  private static Matcher[] matchers(List<Filter> fields) {
    Matcher[] ms = new Matcher[fields.size()];
    for (int i = 0; i < ms.length; i++) ms[i] = fields.get(i).matcher();
    return ms;
  }

  /** Thrown when a regex filter exceeds its step budget on one value. */
  final class RegexBudgetExceeded extends RuntimeException {
    RegexBudgetExceeded(String dimension) {
      super("regex filter on '" + dimension + "' gave up: the pattern backtracks too much on this value", null,
          false, false);
    }
  }

  /** A string that counts how often the regex engine reads it, and stops it past a budget. */
  final class Budgeted implements CharSequence {
    private final String s;
    private final String dimension;
    private long left;

    Budgeted(String s, String dimension) {
      this.s = s;
      this.dimension = dimension;
      this.left = 10_000_000L + 1_000L * s.length();
    }

    @Override
    public char charAt(int index) {
      if (--left < 0) throw new RegexBudgetExceeded(dimension);
      return s.charAt(index);
    }

    @Override
    public int length() {
      return s.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return s.subSequence(start, end);
    }

    @Override
    public String toString() {
      return s;
    }
  }

  /** A JSON string, number or boolean read as its text (Druid coerces scalars to strings here). */
  final class ScalarString extends JsonDeserializer<String> {
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT
          || t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
        return p.getText();
      }
      return (String) ctxt.handleUnexpectedToken(String.class, p);
    }
  }

  /** Reads a filter by its {@code type}, so that an unknown or missing type is an error naming {@code type}. */
  final class Deserializer extends JsonDeserializer<Filter> {
    private static final Map<String, Class<? extends Filter>> TYPES = Map.of(
        "selector", Selector.class, "in", In.class, "bound", Bound.class, "like", Like.class,
        "regex", Regex.class, "and", And.class, "or", Or.class, "not", Not.class);
    private static final String SUPPORTED = "and, bound, in, like, not, or, regex, selector";

    @Override
    public Filter deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode node = ctxt.readTree(p);
      if (!node.isObject()) {
        throw JsonMappingException.from(p, "a filter must be an object with a \"type\" (" + SUPPORTED + ")");
      }
      JsonNode type = node.get("type");
      if (type == null || type.isNull()) throw typeError(p, "is required; use one of " + SUPPORTED);
      Class<? extends Filter> cls = type.isTextual() ? TYPES.get(type.asText()) : null;
      if (cls == null) {
        throw typeError(p, "filter type " + type + " is not supported; use one of " + SUPPORTED);
      }
      ObjectNode fields = ((ObjectNode) node).deepCopy();
      fields.remove("type");
      return ctxt.readTreeAsValue(fields, cls);
    }

    private static JsonMappingException typeError(JsonParser p, String message) {
      JsonMappingException e = JsonMappingException.from(p, message);
      e.prependPath(new JsonMappingException.Reference(null, "type"));
      return e;
    }
  }
}
