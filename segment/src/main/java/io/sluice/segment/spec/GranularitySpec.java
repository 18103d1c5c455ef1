package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.segment.granularity.Granularity;
import java.util.List;

/** Druid's uniform granularitySpec. Defaults: segmentGranularity DAY, queryGranularity NONE, rollup true. */
public record GranularitySpec(
    @JsonProperty("type") String type,
    @JsonProperty("segmentGranularity") String segmentGranularity,
    @JsonProperty("queryGranularity") String queryGranularity,
    @JsonProperty("rollup") Boolean rollup,
    @JsonProperty("intervals") List<String> intervals) {

  public GranularitySpec {
    type = type == null ? "uniform" : type;
    if (!"uniform".equals(type)) throw new SpecException("type", "must be \"uniform\", got \"" + type + "\"");
    segmentGranularity = parse(segmentGranularity == null ? "DAY" : segmentGranularity, "segmentGranularity");
    queryGranularity = parse(queryGranularity == null ? "NONE" : queryGranularity, "queryGranularity");
    rollup = rollup == null ? Boolean.TRUE : rollup;
    intervals = intervals == null ? List.of() : List.copyOf(intervals);
    if (!intervals.isEmpty()) {
      throw new SpecException("intervals", "is not supported for streaming ingestion yet; remove it");
    }
  }

  private static String parse(String name, String field) {
    try {
      Granularity.of(name);
      return name.toUpperCase(java.util.Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new SpecException(field, e.getMessage());
    }
  }

  public Granularity segment() {
    return Granularity.of(segmentGranularity);
  }

  public Granularity query() {
    return Granularity.of(queryGranularity);
  }
}
