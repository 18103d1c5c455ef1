package io.sluice.segment.transform;

import io.sluice.segment.parse.JsonRowParser;
import io.sluice.segment.parse.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a {@code transformSpec} to parsed rows, as Druid's {@code Transformer} does: first every transform is
 * evaluated against the <em>input</em> row (a transform does not see another transform's output), then their values
 * are set on the row, then the filter is evaluated on the transformed row. {@code __time} reads as the row's
 * timestamp in epoch millis; a transform named {@code __time} replaces the timestamp.
 *
 * <p>Instances hold no mutable state and may be shared between threads.
 */
public final class RowTransformer {
  public static final String TIME = "__time";

  /** Passes every row through unchanged. */
  public static final RowTransformer NONE = new RowTransformer(List.of(), null);

  private final String[] names;
  private final Expr[] exprs;
  private final Filter.Matcher filter;

  public RowTransformer(List<ExpressionTransform> transforms, Filter filter) {
    this.names = new String[transforms.size()];
    this.exprs = new Expr[transforms.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = transforms.get(i).name();
      exprs[i] = transforms.get(i).parsed();
    }
    this.filter = filter == null ? null : filter.matcher();
  }

  /** True when this transformer neither transforms nor filters: {@link #apply} returns its argument. */
  public boolean isNoop() {
    return exprs.length == 0 && filter == null;
  }

  /**
   * The transformed row, or null when the filter rejects it (Druid counts such rows as {@code thrownAway}).
   * The given row is not modified: with transforms, the result holds a copy of its fields (new fields appended, in
   * transform order; replaced fields keep their position); without transforms, it is the given row itself.
   *
   * @throws ParseException when a {@code __time} transform does not give a number, or a regex filter gives up on a
   *     value (Druid would count both as unparseable)
   */
  public JsonRowParser.Row apply(JsonRowParser.Row row) throws ParseException {
    if (isNoop()) return row;
    long ts = row.timestamp();
    Map<String, Object> fields = row.fields();
    try {
      if (exprs.length > 0) {
        Map<String, Object> in = fields;
        long inTs = ts;
        Expr.Bindings input = name -> TIME.equals(name) ? (Object) inTs : in.get(name);
        Object[] values = new Object[exprs.length];
        for (int i = 0; i < exprs.length; i++) values[i] = exprs[i].eval(input);
        fields = new LinkedHashMap<>(in);
        for (int i = 0; i < exprs.length; i++) {
          if (TIME.equals(names[i])) ts = millis(values[i]);
          else fields.put(names[i], values[i]);
        }
      }
      if (filter != null) {
        Map<String, Object> out = fields;
        long outTs = ts;
        Boolean keep = filter.match(name -> TIME.equals(name) ? (Object) outTs : out.get(name));
        if (!Boolean.TRUE.equals(keep)) return null;
      }
    } catch (Filter.RegexBudgetExceeded e) {
      throw new ParseException(e.getMessage());
    }
    return ts == row.timestamp() && fields == row.fields() ? row : new JsonRowParser.Row(ts, fields);
  }

  private static long millis(Object v) throws ParseException {
    Number n = Values.asNumber(v);
    if (n == null) {
      throw new ParseException("transform '__time' gave " + (v == null ? "null" : "'" + v + "'")
          + ", not a timestamp in epoch millis");
    }
    if (n instanceof Long l) return l;
    double d = n.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d) || Math.abs(d) >= 9.2e18) {
      throw new ParseException("transform '__time' gave " + d + ", not a timestamp in epoch millis");
    }
    return (long) d;
  }
}
