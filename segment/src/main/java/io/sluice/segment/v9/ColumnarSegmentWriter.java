package io.sluice.segment.v9;

import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.DimensionSchema.ValueType;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.index.MetricSchema;
import io.sluice.segment.index.SortedColumns;
import io.sluice.segment.index.SortedIndex;
import io.sluice.segment.spec.IndexSpec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a V9 segment from columns supplied one at a time by a {@link Source}, in the layout of
 * {@link V9SegmentWriter} (whose javadoc holds the grammar): the same physical order, the same column parts, the same
 * index.drd and metadata.drd. {@link V9SegmentWriter} writes an in-memory index; this writes anything that can hand
 * over its rows column by column in segment order, such as {@code io.sluice.segment.merge.SegmentMerger}'s merge of
 * persisted segments. The source is asked for each column once, in physical order, so it need hold only one.
 *
 * <p>{@link V9SegmentWriter#write(io.sluice.segment.index.IncrementalIndex, long, long, Path, IndexSpec)} writes
 * through this too, with its sorted index as the source: one writer for both.
 *
 * <p>Threads: the source is asked for columns on the calling thread only, unless it says that columns may be built
 * at once ({@link Source#columnsInParallel}, as the merge does): then up to {@link #BUILD_THREADS} columns are built
 * at a time on shared builder threads, and added to the file in order. LZ4 blocks are compressed on a small shared
 * pool (see {@code Blocks}), and a column is written to the file only after the next one is built, so that building
 * a column overlaps compressing the previous one. The bytes do not depend on any of this.
 */
public final class ColumnarSegmentWriter
{
  private ColumnarSegmentWriter()
  {
  }

  /** Rows in segment order ({@code __time}, then dimensions in schema order), handed over column by column. */
  public interface Source
  {
    IndexSchema schema();

    int rowCount();

    /** {@code __time} of every row, non-decreasing. */
    long[] times() throws IOException;

    /** A metric other than first/last. */
    SortedIndex.NumericColumn metric(int metricIndex) throws IOException;

    /** A first/last metric. */
    SortedIndex.PairColumn pairMetric(int metricIndex) throws IOException;

    SortedIndex.StringColumn stringDimension(int dimensionIndex) throws IOException;

    SortedIndex.NumericColumn numericDimension(int dimensionIndex) throws IOException;

    /**
     * Whether different columns may be asked for at once, from different threads (each column still by one thread,
     * once). {@code times()} is asked first, alone, on the calling thread.
     */
    default boolean columnsInParallel()
    {
      return false;
    }
  }

  /** Threads that build columns of sources that allow it, shared by every writer in the JVM. */
  static final int BUILD_THREADS = Math.min(2, Runtime.getRuntime().availableProcessors());
  private static final AtomicInteger BUILDER_NUMBER = new AtomicInteger();
  private static final ExecutorService BUILDERS = BUILD_THREADS < 2 ? null
      : Executors.newFixedThreadPool(BUILD_THREADS, r -> {
        final Thread t = new Thread(r, "sluice-column-builder-" + BUILDER_NUMBER.getAndIncrement());
        t.setDaemon(true);
        return t;
      });

  /** A column to build: what the source hands over, made into its part. */
  private interface ColumnBuild
  {
    Part.Pending build() throws IOException;
  }

  /**
   * Builds the columns in order and adds them to the smoosh file in that order: one at a time through
   * {@link OneAhead}; or, for a source that allows it, up to {@link #BUILD_THREADS} at once on the builder threads,
   * each added once it is built and those before it are added.
   */
  private static void buildAll(SmooshWriter smoosher, List<String> names, List<ColumnBuild> builds, boolean parallel)
      throws IOException
  {
    if (!parallel || BUILDERS == null) {
      final OneAhead columns = new OneAhead(smoosher);
      for (int k = 0; k < names.size(); k++) {
        columns.add(names.get(k), builds.get(k).build());
      }
      columns.finish();
      return;
    }
    final ArrayDeque<Future<Part.Pending>> pending = new ArrayDeque<>();
    int added = 0;
    try {
      for (ColumnBuild b : builds) {
        pending.addLast(BUILDERS.submit(b::build));
        if (pending.size() > BUILD_THREADS) {
          smoosher.add(names.get(added++), Futures.get(pending.removeFirst(), "building columns").resolve());
        }
      }
      while (!pending.isEmpty()) {
        smoosher.add(names.get(added++), Futures.get(pending.removeFirst(), "building columns").resolve());
      }
    }
    finally {
      for (Future<Part.Pending> f : pending) {
        f.cancel(true); // after a failure: the columns still building are not wanted
      }
    }
  }

  /**
   * Adds columns to the smoosh file one behind: a column is written once the next one has been built, so that the
   * caller builds column k + 1 (reads it from the source, builds its bitmaps) while the pool compresses column k's
   * blocks. Two columns are in memory at a time.
   */
  private static final class OneAhead
  {
    private final SmooshWriter smoosher;
    private String name;
    private Part.Pending part;

    OneAhead(SmooshWriter smoosher)
    {
      this.smoosher = smoosher;
    }

    void add(String nextName, Part.Pending next) throws IOException
    {
      finish();
      name = nextName;
      part = next;
    }

    /** Writes the column held back, if any. */
    void finish() throws IOException
    {
      if (part != null) {
        final Part p = part.resolve();
        part = null;
        smoosher.add(name, p);
      }
    }
  }

  /** As {@link V9SegmentWriter#write(io.sluice.segment.index.IncrementalIndex, long, long, Path, IndexSpec)}. */
  public static SegmentFiles write(
      Source source,
      long intervalStartMillis,
      long intervalEndMillis,
      Path outDir,
      IndexSpec indexSpec
  ) throws IOException
  {
    return write(source, intervalStartMillis, intervalEndMillis, outDir, indexSpec, Blocks.Effort.HIGH);
  }

  /** As {@link #write(Source, long, long, Path, IndexSpec)}, LZ4 blocks compressed with {@code effort}. */
  static SegmentFiles write(
      Source source,
      long intervalStartMillis,
      long intervalEndMillis,
      Path outDir,
      IndexSpec indexSpec,
      Blocks.Effort effort
  ) throws IOException
  {
    if (indexSpec == null) {
      throw new IllegalArgumentException("indexSpec must not be null");
    }
    if (source.rowCount() == 0) {
      throw new IllegalArgumentException("cannot write an empty index as a segment");
    }
    if (intervalStartMillis >= intervalEndMillis) {
      throw new IllegalArgumentException(
          "empty interval [" + intervalStartMillis + ", " + intervalEndMillis + ")"
      );
    }
    final IndexSchema schema = source.schema();
    long[] times = source.times();
    V9SegmentWriter.clampTimes(times, intervalStartMillis, intervalEndMillis);
    final long minTime = times[0];
    final long maxTime = times[times.length - 1];

    Files.createDirectories(outDir);
    V9SegmentWriter.deleteSegmentFiles(outDir);

    final List<String> dimensions = new ArrayList<>();
    for (DimensionSchema d : schema.dimensions()) {
      dimensions.add(d.name());
    }
    final List<String> metrics = new ArrayList<>();
    for (MetricSchema m : schema.metrics()) {
      metrics.add(m.name());
    }
    final List<String> storedMetrics = new ArrayList<>(metrics);
    storedMetrics.sort(null);

    final List<Path> chunks;
    try (SmooshWriter smoosher = new SmooshWriter(outDir)) {
      final List<String> names = new ArrayList<>();
      final List<ColumnBuild> builds = new ArrayList<>();
      final Part.Pending timeColumn = ColumnParts.longColumn(times, null, indexSpec, effort);
      times = null;
      names.add(IndexSchema.TIME_COLUMN);
      builds.add(() -> timeColumn);
      for (String metric : storedMetrics) {
        final int m = schema.metricIndex(metric);
        final MetricSchema.Kind kind = schema.metrics().get(m).kind();
        names.add(metric);
        if (kind.isFirstLast()) {
          builds.add(() -> {
            final Part pair = PairColumnPart.write(source.pairMetric(m), kind, effort);
            return () -> pair;
          });
        } else {
          builds.add(() -> ColumnParts.numericColumn(source.metric(m), indexSpec, effort));
        }
      }
      // FAST effort writes intermediate persists, read back only by Sluice's merge: they keep type-aware
      // dimensions as strings (only a final segment stores them as their values' type), and leave out the bitmap
      // indexes, which the merge never reads and rebuilds for the final segment
      final boolean finalSegment = effort != Blocks.Effort.FAST;
      for (int d = 0; d < dimensions.size(); d++) {
        final DimensionSchema dim = schema.dimensions().get(d);
        final int dimIndex = d;
        names.add(dimensions.get(d));
        if (dim.type() == ValueType.STRING && finalSegment && dim.writtenType() != ValueType.STRING) {
          builds.add(() -> ColumnParts.numericColumn(
              SortedColumns.parsedNumbers(source.stringDimension(dimIndex), dim.writtenType()), indexSpec, effort));
        } else if (dim.type() == ValueType.STRING) {
          builds.add(() -> ColumnParts.stringColumn(source.stringDimension(dimIndex),
                                                    dim.bitmapIndex() && finalSegment, indexSpec, effort));
        } else {
          builds.add(() -> ColumnParts.numericColumn(source.numericDimension(dimIndex), indexSpec, effort));
        }
      }
      buildAll(smoosher, names, builds, source.columnsInParallel());
      smoosher.add(
          V9SegmentWriter.INDEX_FILE,
          V9SegmentWriter.indexDrd(storedMetrics, dimensions, intervalStartMillis, intervalEndMillis)
      );
      smoosher.add(V9SegmentWriter.METADATA_FILE, Part.bytes(V9SegmentWriter.metadataJson(schema)));
      smoosher.finish();
      chunks = new ArrayList<>(smoosher.chunks());
    }
    Files.write(
        outDir.resolve(V9SegmentWriter.VERSION_FILE),
        ByteBuffer.allocate(Integer.BYTES).putInt(V9SegmentWriter.V9).array()
    );
    Files.write(
        outDir.resolve(V9SegmentWriter.FACTORY_FILE),
        V9SegmentWriter.FACTORY_JSON.getBytes(StandardCharsets.UTF_8)
    );
    long size = Files.size(outDir.resolve(V9SegmentWriter.VERSION_FILE))
                + Files.size(outDir.resolve(V9SegmentWriter.FACTORY_FILE))
                + Files.size(outDir.resolve(SmooshWriter.META_FILE));
    for (Path chunk : chunks) {
      size += Files.size(chunk);
    }
    return new SegmentFiles(outDir, size, source.rowCount(), minTime, maxTime, dimensions, metrics);
  }
}
