package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataSchema(
    @JsonProperty("dataSource") String dataSource,
    @JsonProperty("timestampSpec") TimestampSpec timestampSpec,
    @JsonProperty("dimensionsSpec") DimensionsSpec dimensionsSpec,
    @JsonProperty("metricsSpec") List<AggregatorSpec> metricsSpec,
    @JsonProperty("granularitySpec") GranularitySpec granularitySpec,
    @JsonProperty("transformSpec") TransformSpec transformSpec) {

  public DataSchema {
    validateDataSource(dataSource, "dataSource");
    timestampSpec = timestampSpec == null ? new TimestampSpec(null, null, null) : timestampSpec;
    dimensionsSpec = dimensionsSpec == null ? new DimensionsSpec(null, null, null, null) : dimensionsSpec;
    metricsSpec = metricsSpec == null ? List.of() : List.copyOf(metricsSpec);
    granularitySpec = granularitySpec == null ? new GranularitySpec(null, null, null, null, null) : granularitySpec;
    transformSpec = transformSpec == null ? TransformSpec.NONE : transformSpec;
  }

  /**
   * A dataSource is also a supervisor id, a Temporal workflow id and a deep-storage key prefix, so it is held to
   * Druid's rules plus what keeps it inside its prefix: 1–255 characters, no '/', no leading '.', no whitespace or
   * control characters.
   */
  public static String validateDataSource(String value, String field) {
    Checks.required(value, field);
    if (value.length() > 255) throw new SpecException(field, "must be at most 255 characters, got " + value.length());
    if (value.startsWith(".")) throw new SpecException(field, "must not start with '.'");
    if (value.equals("_sluice")) throw new SpecException(field, "'_sluice' is reserved for Sluice's catalog");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '/') throw new SpecException(field, "must not contain '/'");
      if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
        throw new SpecException(field, "must not contain whitespace or control characters");
      }
    }
    return value;
  }

  void checkAgainstColumns() {
    Set<String> metricNames = new HashSet<>();
    for (int i = 0; i < metricsSpec.size(); i++) {
      String name = metricsSpec.get(i).name();
      if (!metricNames.add(name)) {
        throw new SpecException("dataSchema.metricsSpec[" + i + "].name", "duplicate metric name '" + name + "'");
      }
    }
    List<DimensionsSpec.Dimension> dims = dimensionsSpec.dimensionList();
    for (int i = 0; i < dims.size(); i++) {
      if (metricNames.contains(dims.get(i).name())) {
        throw new SpecException("dataSchema.dimensionsSpec.dimensions[" + i + "]",
            "dimension '" + dims.get(i).name() + "' has the same name as a metric");
      }
    }
  }
}
