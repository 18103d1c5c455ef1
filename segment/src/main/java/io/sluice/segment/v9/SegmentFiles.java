package io.sluice.segment.v9;

import java.nio.file.Path;
import java.util.List;

/**
 * A segment directory written by {@link V9SegmentWriter}.
 *
 * @param dir        the directory
 * @param sizeBytes  total bytes of version.bin, factory.json, meta.smoosh and the smoosh chunk(s)
 * @param rowCount   rows in the segment
 * @param minTime    smallest {@code __time}
 * @param maxTime    largest {@code __time}
 * @param dimensions dimension names, in order
 * @param metrics    metric names, in schema order (the segment stores them sorted by name, as Druid does)
 */
public record SegmentFiles(
    Path dir,
    long sizeBytes,
    int rowCount,
    long minTime,
    long maxTime,
    List<String> dimensions,
    List<String> metrics
)
{
  public SegmentFiles
  {
    dimensions = List.copyOf(dimensions);
    metrics = List.copyOf(metrics);
  }
}
