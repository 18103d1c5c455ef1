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

  public static IndexSchema indexSchema(DataSchema ds, List<String> discoveredDimensions) {
    List<DimensionSchema> dims = new ArrayList<>();
    if (ds.dimensionsSpec().schemaless()) {
      for (String d : discoveredDimensions) dims.add(new DimensionSchema(d, DimensionSchema.ValueType.STRING));
    } else {
      for (DimensionsSpec.Dimension d : ds.dimensionsSpec().dimensionList()) {
        dims.add(new DimensionSchema(d.name(), DimensionSchema.ValueType.valueOf(d.type().toUpperCase())));
      }
    }
    List<MetricSchema> metrics = new ArrayList<>();
    for (AggregatorSpec a : ds.metricsSpec()) metrics.add(a.toMetricSchema());
    Map<String, Object> ts = new LinkedHashMap<>();
    ts.put("column", ds.timestampSpec().column());
    ts.put("format", ds.timestampSpec().format());
    ts.put("missingValue", ds.timestampSpec().missingValue());
    return new IndexSchema(dims, metrics, ds.granularitySpec().query(), ds.granularitySpec().rollup(), ts);
  }

  /** Input fields that never become schemaless dimensions: exclusions, the timestamp column and metric inputs. */
  public static Set<String> schemalessExclusions(DataSchema ds) {
    Set<String> out = new HashSet<>(ds.dimensionsSpec().dimensionExclusions());
    out.add(ds.timestampSpec().column());
    for (AggregatorSpec a : ds.metricsSpec()) {
      if (a.fieldName() != null) out.add(a.fieldName());
      out.add(a.name());
    }
    return out;
  }
}
