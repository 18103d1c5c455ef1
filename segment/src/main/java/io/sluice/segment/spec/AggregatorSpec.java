package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.index.MetricSchema;
import io.sluice.segment.transform.ExprParser;
import java.util.Map;

/**
 * One entry of {@code metricsSpec}: Druid's aggregator factories that Sluice can write. The first/last aggregators
 * ({@code longFirst}, {@code doubleLast}, ...) take a {@code timeColumn}, which defaults to {@code __time} as in
 * Druid and is written out in the normalized form; the other aggregators take none. Sums, mins and maxes take either
 * a {@code fieldName} or an {@code expression} (the transform language of {@link ExprParser}), as Druid's do.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AggregatorSpec(
    @JsonProperty("type") String type,
    @JsonProperty("name") String name,
    @JsonProperty("fieldName") String fieldName,
    @JsonProperty("timeColumn") String timeColumn,
    @JsonProperty("expression") String expression) {

  private static final Map<String, MetricSchema.Kind> KINDS = Map.ofEntries(
      Map.entry("count", MetricSchema.Kind.COUNT),
      Map.entry("longSum", MetricSchema.Kind.LONG_SUM),
      Map.entry("longMin", MetricSchema.Kind.LONG_MIN),
      Map.entry("longMax", MetricSchema.Kind.LONG_MAX),
      Map.entry("doubleSum", MetricSchema.Kind.DOUBLE_SUM),
      Map.entry("doubleMin", MetricSchema.Kind.DOUBLE_MIN),
      Map.entry("doubleMax", MetricSchema.Kind.DOUBLE_MAX),
      Map.entry("floatSum", MetricSchema.Kind.FLOAT_SUM),
      Map.entry("floatMin", MetricSchema.Kind.FLOAT_MIN),
      Map.entry("floatMax", MetricSchema.Kind.FLOAT_MAX),
      Map.entry("longFirst", MetricSchema.Kind.LONG_FIRST),
      Map.entry("longLast", MetricSchema.Kind.LONG_LAST),
      Map.entry("doubleFirst", MetricSchema.Kind.DOUBLE_FIRST),
      Map.entry("doubleLast", MetricSchema.Kind.DOUBLE_LAST),
      Map.entry("floatFirst", MetricSchema.Kind.FLOAT_FIRST),
      Map.entry("floatLast", MetricSchema.Kind.FLOAT_LAST));

  public AggregatorSpec {
    Checks.required(type, "type");
    Checks.required(name, "name");
    if (!KINDS.containsKey(type)) {
      throw new SpecException("type", "aggregator type '" + type + "' is not supported; use one of "
          + new java.util.TreeSet<>(KINDS.keySet()));
    }
    if ("__time".equals(name)) throw new SpecException("name", "'__time' is reserved");
    MetricSchema.Kind kind = KINDS.get(type);
    if ("count".equals(type)) {
      if (fieldName != null) throw new SpecException("fieldName", "a count aggregator takes no fieldName");
      if (expression != null) throw new SpecException("expression", "a count aggregator takes no expression");
    } else if (expression != null) {
      if (kind.isFirstLast()) {
        throw new SpecException("expression", "a " + type + " aggregator takes a fieldName, not an expression");
      }
      if (fieldName != null) {
        throw new SpecException("expression", "give either fieldName or expression, not both");
      }
      Checks.required(expression, "expression");
      try {
        ExprParser.parse(expression);
      } catch (ExprParser.ExprException e) {
        throw new SpecException("expression", e.getMessage());
      }
    } else {
      Checks.required(fieldName, "fieldName");
    }
    if (kind.isFirstLast()) {
      if (timeColumn == null) {
        timeColumn = IndexSchema.TIME_COLUMN; // Druid's default, shown in the normalized form
      } else {
        Checks.required(timeColumn, "timeColumn");
      }
    } else if (timeColumn != null) {
      throw new SpecException("timeColumn", "only first/last aggregators (longFirst, doubleLast, ...) take a "
          + "timeColumn; remove it from this " + type + " aggregator");
    }
  }

  /** A count, sum, min or max aggregator of a field (no timeColumn, no expression). */
  public AggregatorSpec(String type, String name, String fieldName) {
    this(type, name, fieldName, null, null);
  }

  public MetricSchema toMetricSchema() {
    return new MetricSchema(name, KINDS.get(type), fieldName, timeColumn, expression);
  }
}
