package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.segment.granularity.Granularity;
import java.util.List;

/**
 * Druid's uniform granularitySpec. Defaults: segmentGranularity DAY, queryGranularity NONE, rollup true.
 *
 * <p>{@code segmentGranularity} and {@code queryGranularity} take any of Druid's granularity JSON forms (a name such
 * as {@code "HOUR"}, or a {@code period}, {@code duration}, {@code all} or {@code none} object; see
 * {@link SpecGranularity}). They hold the normalized form: a String for the standard granularities, NONE and ALL,
 * an unmodifiable Map for any other period ({@code {"type":"period","period":"PT7M","timeZone":"UTC","origin":null}})
 * or a duration. Use {@link #segment()} and {@link #query()} for the granularities themselves.
 */
public record GranularitySpec(
    @JsonProperty("type") String type,
    @JsonProperty("segmentGranularity") Object segmentGranularity,
    @JsonProperty("queryGranularity") Object queryGranularity,
    @JsonProperty("rollup") Boolean rollup,
    @JsonProperty("intervals") List<String> intervals) {

  public GranularitySpec {
    type = type == null ? "uniform" : type;
    if (!"uniform".equals(type)) throw new SpecException("type", "must be \"uniform\", got \"" + type + "\"");
    segmentGranularity = SpecGranularity.normalize(segmentGranularity, "DAY", "segmentGranularity");
    queryGranularity = SpecGranularity.normalize(queryGranularity, "NONE", "queryGranularity");
    rollup = rollup == null ? Boolean.TRUE : rollup;
    intervals = intervals == null ? List.of() : List.copyOf(intervals);
    if (!intervals.isEmpty()) {
      throw new SpecException("intervals", "is not supported for streaming ingestion yet; remove it");
    }
  }

  public Granularity segment() {
    return SpecGranularity.resolve(segmentGranularity);
  }

  public Granularity query() {
    return SpecGranularity.resolve(queryGranularity);
  }
}
