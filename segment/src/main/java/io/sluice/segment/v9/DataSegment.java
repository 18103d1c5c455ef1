package io.sluice.segment.v9;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Druid's {@code DataSegment} JSON: the {@code payload} of a {@code druid_segments} row, e.g.
 * <pre>
 * {"dataSource":"minv9","interval":"2023-11-14T22:00:00.000Z/2023-11-14T23:00:00.000Z",
 *  "version":"2026-01-01T00:00:00.000Z","loadSpec":{"type":"s3_zip","bucket":"b","key":"…/index.zip","S3Schema":"s3n"},
 *  "dimensions":"host,status","metrics":"count,bytes_sum","shardSpec":{"type":"numbered","partitionNum":0,"partitions":0},
 *  "binaryVersion":9,"size":1980182,"identifier":"minv9_2023-11-14T22:00:00.000Z_2023-11-14T23:00:00.000Z_2026-01-01T00:00:00.000Z"}
 * </pre>
 * Unknown properties (newer Druid fields) are ignored when reading.
 */
@JsonPropertyOrder({
    "dataSource", "interval", "version", "loadSpec", "dimensions", "metrics", "shardSpec", "binaryVersion", "size",
    "identifier"
})
@JsonIgnoreProperties(ignoreUnknown = true)
public record DataSegment(
    String dataSource,
    String interval,
    String version,
    Map<String, Object> loadSpec,
    String dimensions,
    String metrics,
    ShardSpec shardSpec,
    int binaryVersion,
    long size,
    String identifier
)
{
  /**
   * ISO-8601 in UTC with milliseconds and {@code Z}, as Joda prints a UTC DateTime: {@code 2023-11-14T22:00:00.000Z}.
   * Years beyond four digits print without a '+' sign, like Joda.
   */
  public static final DateTimeFormatter ISO_MILLIS_UTC = new DateTimeFormatterBuilder()
      .appendValue(ChronoField.YEAR, 4, 10, SignStyle.NORMAL)
      .appendLiteral('-')
      .appendValue(ChronoField.MONTH_OF_YEAR, 2)
      .appendLiteral('-')
      .appendValue(ChronoField.DAY_OF_MONTH, 2)
      .appendLiteral('T')
      .appendValue(ChronoField.HOUR_OF_DAY, 2)
      .appendLiteral(':')
      .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
      .appendLiteral(':')
      .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
      .appendLiteral('.')
      .appendValue(ChronoField.MILLI_OF_SECOND, 3)
      .appendLiteral('Z')
      .toFormatter()
      .withResolverStyle(ResolverStyle.STRICT)
      .withChronology(java.time.chrono.IsoChronology.INSTANCE)
      .withZone(ZoneOffset.UTC);

  public DataSegment
  {
    if (dataSource == null || dataSource.isEmpty()) {
      throw new IllegalArgumentException("dataSource must not be empty");
    }
    if (interval == null || version == null || shardSpec == null) {
      throw new IllegalArgumentException("interval, version and shardSpec are required");
    }
    loadSpec = loadSpec == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(loadSpec));
    dimensions = dimensions == null ? "" : dimensions;
    metrics = metrics == null ? "" : metrics;
  }

  /**
   * A segment descriptor with a numbered shard spec ({@code partitions} 0, as Druid's streaming tasks append).
   */
  public static DataSegment create(
      String dataSource,
      long startMillis,
      long endMillis,
      String version,
      Map<String, Object> loadSpec,
      List<String> dimensions,
      List<String> metrics,
      int partitionNum,
      long size
  )
  {
    return new DataSegment(
        dataSource,
        iso(startMillis) + "/" + iso(endMillis),
        version,
        loadSpec,
        String.join(",", dimensions),
        String.join(",", metrics),
        ShardSpec.numbered(partitionNum),
        V9SegmentWriter.V9,
        size,
        identifier(dataSource, startMillis, endMillis, version, partitionNum)
    );
  }

  /**
   * Druid's SegmentId string: {@code dataSource_start_end_version}, plus {@code _partitionNum} when it is not 0.
   */
  public static String identifier(String dataSource, long startMillis, long endMillis, String version, int partitionNum)
  {
    StringBuilder b = new StringBuilder()
        .append(dataSource).append('_')
        .append(iso(startMillis)).append('_')
        .append(iso(endMillis)).append('_')
        .append(version);
    if (partitionNum != 0) {
      b.append('_').append(partitionNum);
    }
    return b.toString();
  }

  /** Formats epoch millis like {@code 2023-11-14T22:00:00.000Z}. */
  public static String iso(long millis)
  {
    return ISO_MILLIS_UTC.format(Instant.ofEpochMilli(millis));
  }

  /** Parses an ISO instant such as {@code 2023-11-14T22:00:00.000Z} (fraction optional) to epoch millis. */
  public static long parseIso(String text)
  {
    try {
      return ISO_MILLIS_UTC.parse(text, Instant::from).toEpochMilli();
    }
    catch (DateTimeParseException e) {
      try {
        return Instant.parse(text).toEpochMilli();
      }
      catch (DateTimeParseException e2) {
        throw new IllegalArgumentException("not an ISO-8601 UTC instant [" + text + "]", e2);
      }
    }
  }

  /** Interval start in epoch millis. */
  public long startMillis()
  {
    return parseIso(interval.substring(0, interval.indexOf('/')));
  }

  /** Interval end in epoch millis. */
  public long endMillis()
  {
    return parseIso(interval.substring(interval.indexOf('/') + 1));
  }

  /**
   * Druid's {@code NumberedShardSpec}: {@code {"type":"numbered","partitionNum":n,"partitions":p}}.
   */
  @JsonPropertyOrder({"type", "partitionNum", "partitions"})
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ShardSpec(String type, int partitionNum, int partitions)
  {
    public ShardSpec
    {
      if (type == null) {
        type = "numbered";
      }
      if (partitionNum < 0 || partitions < 0) {
        throw new IllegalArgumentException("negative partitionNum or partitions");
      }
    }

    /** A numbered shard spec with {@code partitions} 0 (appended, no core partition set). */
    public static ShardSpec numbered(int partitionNum)
    {
      return new ShardSpec("numbered", partitionNum, 0);
    }
  }
}
