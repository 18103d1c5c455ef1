package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.segment.parse.TimestampParser;
import java.util.Locale;

/**
 * Druid's timestampSpec. Formats: {@code auto}, {@code iso}, {@code posix}, {@code millis}, {@code micro},
 * {@code nano}, {@code ruby} (case-insensitive, normalized to lower case), or a Joda-Time pattern such as
 * {@code yyyy-MM-dd HH:mm:ss} or {@code dd/MMM/yyyy:HH:mm:ss Z}, read in UTC unless the text carries a zone. The
 * supported pattern letters are listed at {@link TimestampParser#jodaFormatter}; any other letter is an error here.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TimestampSpec(
    @JsonProperty("column") String column,
    @JsonProperty("format") String format,
    @JsonProperty("missingValue") String missingValue) {

  public TimestampSpec {
    column = column == null ? "timestamp" : column;
    format = format == null ? "auto" : format;
    String lower = format.toLowerCase(Locale.ROOT);
    if (TimestampParser.NAMED.contains(lower)) {
      format = lower;
    } else {
      try {
        TimestampParser.jodaFormatter(format);
      } catch (IllegalArgumentException e) {
        throw new SpecException("format", "timestamp format '" + format + "' is not one of auto, iso, posix, "
            + "millis, micro, nano, ruby, and not a supported Joda-Time pattern: " + e.getMessage());
      }
    }
    Checks.dateTime(missingValue, "missingValue");
  }
}
