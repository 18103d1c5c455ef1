package io.sluice.segment.spec;

import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.index.MetricSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the reading task needs from a spec: the index schema and which input fields are dimensions. */
public final class SpecView {
  private SpecView() {}

  /**
   * The index schema: the listed dimensions, then (schemaless, {@code includeAllDimensions} or
   * {@code useSchemaDiscovery}) the discovered ones, as strings or (schema discovery) typed by their values, which must not repeat a listed one (see {@link #schemalessExclusions}).
   */
  public static IndexSchema indexSchema(DataSchema ds, List<String> discoveredDimensions) {
    List<DimensionSchema> dims = new ArrayList<>();
    for (DimensionsSpec.Dimension d : ds.dimensionsSpec().dimensionList()) dims.add(d.toDimensionSchema());
    if (ds.dimensionsSpec().discoversDimensions()) {
      for (String d : discoveredDimensions) dims.add(ds.dimensionsSpec().discoveredDimension(d));
    }
    List<MetricSchema> metrics = new ArrayList<>();
    for (AggregatorSpec a : ds.metricsSpec()) metrics.add(a.toMetricSchema());
    Map<String, Object> ts = new LinkedHashMap<>();
    ts.put("column", ds.timestampSpec().column());
    ts.put("format", ds.timestampSpec().format());
    ts.put("missingValue", ds.timestampSpec().missingValue());
    return new IndexSchema(dims, metrics, ds.granularitySpec().query(), ds.granularitySpec().rollup(), ts);
  }

  /**
   * Input fields that never become discovered dimensions: exclusions, the timestamp column, metric inputs and
   * names, and the listed dimensions (with {@code includeAllDimensions}: they are there from the start).
   */
  public static Set<String> schemalessExclusions(DataSchema ds) {
    Set<String> out = new HashSet<>(ds.dimensionsSpec().dimensionExclusions());
    for (DimensionsSpec.Dimension d : ds.dimensionsSpec().dimensionList()) out.add(d.name());
    out.add(ds.timestampSpec().column());
    for (AggregatorSpec a : ds.metricsSpec()) {
      if (a.fieldName() != null) out.add(a.fieldName());
      if (a.timeColumn() != null) out.add(a.timeColumn());
      if (a.expression() != null) out.addAll(io.sluice.segment.transform.ExprParser.parse(a.expression()).fields());
      out.add(a.name());
    }
    return out;
  }
}
