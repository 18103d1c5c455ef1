package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Set;

/** Druid's timestampSpec. Formats: auto, iso, posix, millis, micro, nano (Joda patterns: not yet). */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TimestampSpec(
    @JsonProperty("column") String column,
    @JsonProperty("format") String format,
    @JsonProperty("missingValue") String missingValue) {

  static final Set<String> FORMATS = Set.of("auto", "iso", "posix", "millis", "micro", "nano");

  public TimestampSpec {
    column = column == null ? "timestamp" : column;
    format = format == null ? "auto" : format;
    if (!FORMATS.contains(format)) {
      throw new SpecException("format", "timestamp format '" + format + "' is not supported; use one of "
          + "auto, iso, posix, millis, micro, nano");
    }
    Checks.dateTime(missingValue, "missingValue");
  }
}
