package io.sluice.segment.index;

import io.sluice.segment.granularity.Granularity;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an {@link IncrementalIndex} builds and a segment stores.
 *
 * @param dimensions        in order: rows sort by them after {@code __time}
 * @param metrics           aggregators, in column order
 * @param queryGranularity  truncation of {@code __time}
 * @param rollup            combine rows with equal (time, dimensions)
 * @param timestampSpecJson written verbatim as {@code timestampSpec} into metadata.drd
 */
public record IndexSchema(
    List<DimensionSchema> dimensions,
    List<MetricSchema> metrics,
    Granularity queryGranularity,
    boolean rollup,
    Map<String, Object> timestampSpecJson
)
{
  /** Druid's time column; no other column may use the name. */
  public static final String TIME_COLUMN = "__time";

  public IndexSchema
  {
    if (dimensions == null) {
      throw new IllegalArgumentException("dimensions must not be null");
    }
    if (metrics == null) {
      throw new IllegalArgumentException("metrics must not be null");
    }
    if (queryGranularity == null) {
      throw new IllegalArgumentException("queryGranularity must not be null");
    }
    if (timestampSpecJson == null) {
      throw new IllegalArgumentException("timestampSpecJson must not be null");
    }
    dimensions = List.copyOf(dimensions);
    metrics = List.copyOf(metrics);
    timestampSpecJson = Collections.unmodifiableMap(new LinkedHashMap<>(timestampSpecJson));
    Set<String> seen = new HashSet<>();
    for (DimensionSchema d : dimensions) {
      if (!seen.add(d.name())) {
        throw new IllegalArgumentException("duplicate column name [" + d.name() + "]");
      }
    }
    for (MetricSchema m : metrics) {
      if (!seen.add(m.name())) {
        throw new IllegalArgumentException("duplicate column name [" + m.name() + "]");
      }
    }
  }

  /** This schema with other dimensions, everything else the same. */
  public IndexSchema withDimensions(List<DimensionSchema> newDimensions)
  {
    return new IndexSchema(newDimensions, metrics, queryGranularity, rollup, timestampSpecJson);
  }

  /** Druid's default timestampSpec: {@code {"column":"timestamp","format":"auto","missingValue":null}}. */
  public static Map<String, Object> defaultTimestampSpec()
  {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("column", "timestamp");
    m.put("format", "auto");
    m.put("missingValue", null);
    return m;
  }

  public int dimensionIndex(String name)
  {
    for (int i = 0; i < dimensions.size(); i++) {
      if (dimensions.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  public int metricIndex(String name)
  {
    for (int i = 0; i < metrics.size(); i++) {
      if (metrics.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  static void checkColumnName(String name, String what)
  {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(what + " name must not be null or empty");
    }
    if (name.equals(TIME_COLUMN)) {
      throw new IllegalArgumentException(what + " name [" + name + "] is reserved for the time column");
    }
    if (name.equals("index.drd") || name.equals("metadata.drd")) {
      throw new IllegalArgumentException(what + " name [" + name + "] collides with a segment internal file");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == ',' || c == '\n' || c == '\r') {
        throw new IllegalArgumentException(
            what + " name [" + name + "] contains ',' or a line break, which meta.smoosh cannot store"
        );
      }
    }
  }
}
