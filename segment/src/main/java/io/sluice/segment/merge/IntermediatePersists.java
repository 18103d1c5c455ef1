package io.sluice.segment.merge;

import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.spec.IndexSpec;
import io.sluice.segment.v9.SegmentFiles;
import io.sluice.segment.v9.V9SegmentWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * The intermediate persists of one reading task, as Druid's appenderator keeps them: an in-memory index written to a
 * local work directory as a V9 segment (with {@code indexSpecForIntermediatePersists}) when memory limits are reached,
 * after which the caller drops the index. At publish, {@link #merge} merges an interval's persists, plus what is still
 * in memory, into final segments with {@link SegmentMerger}.
 *
 * <p>Layout: {@code workDir/<intervalStartMillis>/<n>/} for the n-th persist of an interval, n = 0, 1, ...
 *
 * <p>Persists are written with {@link V9SegmentWriter#writeIntermediate}: LZ4 blocks in LZ4's fast mode, not high
 * compression, and no bitmap indexes. These segments are only merged and deleted; the merged segments are written
 * as every published segment is (LZ4 high compression at Sluice's level, bitmap indexes).
 *
 * <p>Thread-safe for what its callers do: persists and merges of one interval run one at a time, in order (a reading
 * task persists on one thread), while those of different intervals may run at once (a publish merges its intervals in
 * parallel). The bookkeeping is guarded; segment writing and merging happen outside the lock.
 */
public final class IntermediatePersists
{
  private final Path workDir;
  private final IndexSpec indexSpec;
  private final Map<Long, List<Path>> byInterval = new TreeMap<>();
  private final Map<Long, Long> rowsByInterval = new TreeMap<>();
  /** Per interval, the value types each type-aware dimension held in any persist ({@code useSchemaDiscovery}). */
  private final Map<Long, Map<String, Integer>> seenTypesByInterval = new TreeMap<>();
  private int persistCount;

  /**
   * @param workDir   created on first persist; {@link #delete()} removes it
   * @param indexSpec the intermediate persists' indexSpec
   */
  public IntermediatePersists(Path workDir, IndexSpec indexSpec)
  {
    if (workDir == null || indexSpec == null) {
      throw new IllegalArgumentException("workDir and indexSpec are required");
    }
    this.workDir = workDir;
    this.indexSpec = indexSpec;
  }

  /**
   * Writes the index of interval [start, end) as the interval's next persist. The caller then drops the index (the
   * index is not changed). An empty index is not written.
   */
  public void persist(long intervalStart, long intervalEnd, IncrementalIndex index) throws IOException
  {
    if (index.isEmpty()) {
      return;
    }
    final List<Path> dirs;
    final Path dir;
    synchronized (this) {
      dirs = byInterval.computeIfAbsent(intervalStart, k -> new ArrayList<>());
      dir = workDir.resolve(Long.toString(intervalStart)).resolve(Integer.toString(dirs.size()));
    }
    final SegmentFiles files = V9SegmentWriter.writeIntermediate(index, intervalStart, intervalEnd, dir, indexSpec);
    synchronized (this) {
      for (DimensionSchema d : index.schema().dimensions()) {
        if (d.isTypeAware()) {
          seenTypesByInterval.computeIfAbsent(intervalStart, k -> new HashMap<>())
                             .merge(d.name(), d.seenTypes(), (a, b) -> a | b);
        }
      }
      dirs.add(dir);
      rowsByInterval.merge(intervalStart, (long) files.rowCount(), Long::sum);
      persistCount++;
    }
  }

  /** Persists of an interval, in order; empty if none. */
  public synchronized List<Path> persisted(long intervalStart)
  {
    return List.copyOf(byInterval.getOrDefault(intervalStart, List.of()));
  }

  /** Rows written to the interval's persists (before they are rolled up with each other). */
  public synchronized long persistedRows(long intervalStart)
  {
    return rowsByInterval.getOrDefault(intervalStart, 0L);
  }

  /** Starts of the intervals that have persists, ascending. */
  public synchronized List<Long> intervals()
  {
    return List.copyOf(byInterval.keySet());
  }

  /** Persists written so far. */
  public synchronized int persistCount()
  {
    return persistCount;
  }

  /**
   * Merges the interval's persists and {@code inMemory} (null or empty for none; it is persisted first, as Druid
   * persists everything before merging) into segments of at most {@code maxRowsPerSegment} rows.
   *
   * @return the final segments, in partition order; empty if the interval has no rows
   */
  public List<SegmentFiles> merge(
      long intervalStart,
      long intervalEnd,
      IncrementalIndex inMemory,
      IndexSchema schema,
      int maxRowsPerSegment,
      IndexSpec finalIndexSpec,
      IntFunction<Path> outDirOfPartition
  ) throws IOException
  {
    if (inMemory != null) {
      persist(intervalStart, intervalEnd, inMemory);
    }
    final List<Path> inputs = persisted(intervalStart);
    if (inputs.isEmpty()) {
      return List.of();
    }
    return SegmentMerger.merge(inputs, withSeenTypes(schema, intervalStart), intervalStart, intervalEnd,
                               maxRowsPerSegment, finalIndexSpec, outDirOfPartition);
  }

  /** {@code schema} with its type-aware dimensions typed by what the interval's persists held. */
  private synchronized IndexSchema withSeenTypes(IndexSchema schema, long intervalStart)
  {
    final Map<String, Integer> seen = seenTypesByInterval.getOrDefault(intervalStart, Map.of());
    final List<DimensionSchema> dims = new ArrayList<>();
    for (DimensionSchema d : schema.dimensions()) {
      dims.add(d.isTypeAware() ? d.withSeenTypes(seen.getOrDefault(d.name(), 0)) : d);
    }
    return schema.withDimensions(dims);
  }

  /** Deletes the work directory and forgets every persist. */
  public void delete() throws IOException
  {
    synchronized (this) {
      byInterval.clear();
      rowsByInterval.clear();
      seenTypesByInterval.clear();
    }
    if (!Files.exists(workDir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(workDir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
