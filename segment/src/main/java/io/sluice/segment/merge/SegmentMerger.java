package io.sluice.segment.merge;

import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.DimensionSchema.ValueType;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.index.MetricSchema;
import io.sluice.segment.index.MetricSchema.Kind;
import io.sluice.segment.index.SortedColumns;
import io.sluice.segment.index.SortedIndex;
import io.sluice.segment.read.Column;
import io.sluice.segment.read.NumericColumn;
import io.sluice.segment.read.PairColumn;
import io.sluice.segment.read.SegmentReader;
import io.sluice.segment.read.StringColumn;
import io.sluice.segment.spec.IndexSpec;
import io.sluice.segment.v9.ColumnarSegmentWriter;
import io.sluice.segment.v9.SegmentFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntFunction;

/**
 * Merges segments of one interval (intermediate persists of an {@code IncrementalIndex}, in persist order) into final
 * segments of at most {@code maxRowsPerSegment} rows, streaming, as Druid's {@code IndexMergerV9}:
 * <ol>
 *   <li>Dictionaries: each STRING dimension's sorted input dictionaries are merged into one sorted dictionary, and
 *       each input gets a table from its ids to the merged ids.</li>
 *   <li>Row order: a k-way merge reads the inputs row by row in their sorted order by ({@code __time}, dimension
 *       values in schema order; strings by merged id, numbers numerically, nulls first), ties broken by input order
 *       then row order (so without rollup the order is insertion order, as one index sorts stably). With rollup,
 *       rows with equal keys become one output row. The result is a row-id conversion: an int per input row.
 *       Rows of one input whose time is before the current row of every other input are taken as a run, reading
 *       only their time: for persists that follow each other in time, as a stream's do, that is nearly every row.</li>
 *   <li>Columns: output rows are cut into partitions of {@code maxRowsPerSegment}; each partition is written by
 *       {@link ColumnarSegmentWriter}, two columns at a time on two threads, each column read from the inputs
 *       sequentially and scattered through the row-id conversion. Rolled-up rows are combined by each metric's
 *       combining aggregator (count and sums add, min and max keep the extreme) with SQL-compatible nulls: null
 *       combined with x is x; first and last keep the pair of the earliest or latest time (see
 *       {@code pairMetric}).</li>
 * </ol>
 *
 * <p>Memory: the row-id conversions (4 bytes per input row), the merged dictionaries, and the columns of one
 * partition that {@link ColumnarSegmentWriter} builds at once: up to two, on two threads, plus the one whose blocks
 * are being compressed and written. Inputs are read through
 * {@link SegmentReader}, which maps them and decompresses one block per column at a time.
 *
 * <p>The output is byte for byte what {@code V9SegmentWriter} writes for one index holding all the rows, when the
 * inputs were written from consecutive slices of that index's input and metric combination is exact (integers;
 * floating-point sums may differ in the last bits, as with Druid, since partial sums are added in another order).
 *
 * <p>Inputs may lack dimensions of {@code schema} (dimensions discovered after they were persisted): their rows are
 * null there.
 *
 * <p>Multi-value STRING dimensions: the output column is multi-value when some input's is. A row's key there is its
 * list of values as ranks in the merged dictionary (null rank 0; an empty row counts as one null), compared value by
 * value and then the shorter first, as the index sorts rows ({@code SortedIndex.DimensionDictionary.sortRank}).
 * Rolled-up rows whose lists are equal keys but differ in form ({@code []} and {@code [null]}) keep the first input's
 * form, as one index keeps the first row's. One case differs from one index: an input whose column is single-valued
 * wrote {@code []} as null, so its row merges as {@code [null]} (one null value) where one index would write an
 * empty row; both read as null, as in Druid.
 */
public final class SegmentMerger
{
  private SegmentMerger()
  {
  }

  /**
   * Merges {@code inputs} into segments over [{@code intervalStart}, {@code intervalEnd}).
   *
   * @param schema            the output schema; inputs are matched to it by column name
   * @param maxRowsPerSegment rows per output segment at most
   * @param outDirOfPartition directory of output partition 0, 1, ...
   * @return the written segments, in partition order; empty when the inputs have no rows
   */
  public static List<SegmentFiles> merge(
      List<Path> inputs,
      IndexSchema schema,
      long intervalStart,
      long intervalEnd,
      int maxRowsPerSegment,
      IndexSpec indexSpec,
      IntFunction<Path> outDirOfPartition
  ) throws IOException
  {
    if (maxRowsPerSegment <= 0) {
      throw new IllegalArgumentException("maxRowsPerSegment must be positive");
    }
    final List<SegmentReader> readers = new ArrayList<>();
    try {
      for (Path p : inputs) {
        readers.add(SegmentReader.open(p));
      }
      return new Merge(readers, schema).write(intervalStart, intervalEnd, maxRowsPerSegment, indexSpec,
                                              outDirOfPartition);
    }
    finally {
      for (SegmentReader r : readers) {
        r.close();
      }
    }
  }

  /** One merge: the inputs, their columns matched to the schema, the merged dictionaries and row conversions. */
  private static final class Merge
  {
    private final IndexSchema schema;
    private final int numDims;
    private final ValueType[] dimTypes;
    private final Input[] inputs;
    /** Merged dictionary of each STRING dimension (null first when present); null for numeric dimensions. */
    private final String[][] mergedDicts;
    /** Whether some input holds STRING dimension d as a multi-value column (then so does the output). */
    private final boolean[] multi;
    private int outRows;

    Merge(List<SegmentReader> readers, IndexSchema schema)
    {
      this.schema = schema;
      this.numDims = schema.dimensions().size();
      this.dimTypes = new ValueType[numDims];
      for (int d = 0; d < numDims; d++) {
        dimTypes[d] = schema.dimensions().get(d).type();
      }
      this.inputs = new Input[readers.size()];
      for (int i = 0; i < inputs.length; i++) {
        inputs[i] = new Input(i, readers.get(i), schema, dimTypes);
      }
      this.mergedDicts = new String[numDims][];
      this.multi = new boolean[numDims];
      final int[] rankShift = new int[numDims];
      for (int d = 0; d < numDims; d++) {
        if (dimTypes[d] == ValueType.STRING) {
          mergedDicts[d] = mergeDictionary(d);
          rankShift[d] = mergedDicts[d].length > 0 && mergedDicts[d][0] == null ? 0 : 1;
          for (Input in : inputs) {
            multi[d] |= in.strings[d] != null && in.strings[d].hasMultipleValues();
          }
        }
      }
      for (Input in : inputs) {
        in.multi = multi;
        in.rankShift = rankShift;
      }
      convertRows();
    }

    /** Merges the inputs' sorted dictionaries of dimension d; fills each input's id table. */
    private String[] mergeDictionary(int d)
    {
      boolean hasNull = false;
      final List<Input> withValues = new ArrayList<>();
      for (Input in : inputs) {
        if (in.rows == 0) {
          continue;
        }
        final StringColumn c = in.strings[d];
        if (c == null) {
          hasNull = true;
          continue;
        }
        final int card = c.cardinality();
        in.idMaps[d] = new int[card];
        in.dictPos = 0;
        if (card > 0 && c.dictionaryValue(0) == null) {
          hasNull = true;
          in.dictPos = 1;
        }
        if (in.dictPos < card) {
          withValues.add(in);
        }
      }
      final List<String> merged = new ArrayList<>();
      if (hasNull) {
        merged.add(null);
      }
      final PriorityQueue<Input> heads = new PriorityQueue<>(
          Math.max(1, withValues.size()),
          (a, b) -> {
            final int c = a.strings[d].dictionaryValue(a.dictPos).compareTo(b.strings[d].dictionaryValue(b.dictPos));
            return c != 0 ? c : Integer.compare(a.index, b.index);
          }
      );
      heads.addAll(withValues);
      String last = null;
      while (!heads.isEmpty()) {
        final Input in = heads.poll();
        final String v = in.strings[d].dictionaryValue(in.dictPos);
        if (last == null || !last.equals(v)) {
          merged.add(v);
          last = v;
        }
        in.idMaps[d][in.dictPos] = merged.size() - 1;
        in.dictPos++;
        if (in.dictPos < in.strings[d].cardinality()) {
          heads.add(in);
        }
      }
      // null ids map to 0: the merged null entry when present
      return merged.toArray(new String[0]);
    }

    /** The k-way merge of rows: fills each input's row-id conversion. */
    private void convertRows()
    {
      final PriorityQueue<Input> queue = new PriorityQueue<>(Math.max(1, inputs.length), (a, b) -> {
        final int c = compareKeys(a, b);
        return c != 0 ? c : Integer.compare(a.index, b.index);
      });
      for (Input in : inputs) {
        if (in.rows > 0) {
          in.outRow = new int[in.rows];
          in.load(0);
          queue.add(in);
        } else {
          in.outRow = new int[0];
        }
      }
      final boolean rollup = schema.rollup();
      Input previous = null;
      long prevTime = 0;
      final long[] prevKey = new long[numDims];
      final boolean[] prevNull = new boolean[numDims];
      final int[][] prevCells = new int[numDims][];
      int out = -1;
      while (!queue.isEmpty()) {
        final Input in = queue.poll();
        if (!rollup || previous == null || !sameKey(in, prevTime, prevKey, prevNull, prevCells)) {
          out++;
        }
        in.outRow[in.row] = out;
        previous = in;
        prevTime = in.time;
        System.arraycopy(in.key, 0, prevKey, 0, numDims);
        System.arraycopy(in.keyNull, 0, prevNull, 0, numDims);
        System.arraycopy(in.cells, 0, prevCells, 0, numDims); // load() makes new arrays: no copy needed
        // A run: the input's next rows whose time is before every other input's current row come next, in their
        // order, each its own output row (an input's rows have distinct keys, and the row before them has an
        // earlier time, so none rolls up with it). Only their time is read. When persists follow each other in
        // time, as a stream's usually do, most rows go this way instead of through the queue.
        final Input other = queue.peek();
        int r = in.row + 1;
        while (r < in.rows) {
          final long t = in.timeColumn.getLong(r);
          if (other != null && t >= other.time) {
            break;
          }
          in.outRow[r++] = ++out;
          prevTime = t; // the keys of prevKey are stale now, but the next row's time differs from this one
        }
        if (r < in.rows) {
          in.load(r);
          queue.add(in);
        }
      }
      outRows = out + 1;
    }

    private int compareKeys(Input a, Input b)
    {
      int c = Long.compare(a.time, b.time);
      if (c != 0) {
        return c;
      }
      for (int d = 0; d < numDims; d++) {
        if (multi[d]) {
          c = Arrays.compare(a.cells[d], b.cells[d]);
          if (c != 0) {
            return c;
          }
          continue;
        }
        if (a.keyNull[d] || b.keyNull[d]) {
          if (a.keyNull[d] != b.keyNull[d]) {
            return a.keyNull[d] ? -1 : 1;
          }
          continue;
        }
        final long x = a.key[d];
        final long y = b.key[d];
        if (x == y) {
          continue;
        }
        switch (dimTypes[d]) {
          case FLOAT:
            c = Float.compare(Float.intBitsToFloat((int) x), Float.intBitsToFloat((int) y));
            break;
          case DOUBLE:
            c = Double.compare(Double.longBitsToDouble(x), Double.longBitsToDouble(y));
            break;
          default: // STRING (merged ids) and LONG
            c = Long.compare(x, y);
        }
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }

    private boolean sameKey(Input in, long time, long[] key, boolean[] keyNull, int[][] cells)
    {
      if (in.time != time) {
        return false;
      }
      for (int d = 0; d < numDims; d++) {
        if (multi[d]) {
          if (!Arrays.equals(in.cells[d], cells[d])) {
            return false;
          }
          continue;
        }
        if (in.keyNull[d] != keyNull[d] || (!keyNull[d] && in.key[d] != key[d])) {
          return false;
        }
      }
      return true;
    }

    List<SegmentFiles> write(
        long start,
        long end,
        int maxRowsPerSegment,
        IndexSpec indexSpec,
        IntFunction<Path> outDirOfPartition
    ) throws IOException
    {
      final List<SegmentFiles> out = new ArrayList<>();
      for (int p = 0, lo = 0; lo < outRows; p++, lo += maxRowsPerSegment) {
        final int hi = (int) Math.min(outRows, (long) lo + maxRowsPerSegment);
        out.add(ColumnarSegmentWriter.write(new Partition(lo, hi), start, end, outDirOfPartition.apply(p), indexSpec));
      }
      return out;
    }

    /** Output rows [lo, hi) as a column source; each input contributes a contiguous range of its rows. */
    private final class Partition implements ColumnarSegmentWriter.Source
    {
      private final int lo;
      private final int n;
      private final int[] from;
      private final int[] to;

      Partition(int lo, int hi)
      {
        this.lo = lo;
        this.n = hi - lo;
        this.from = new int[inputs.length];
        this.to = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
          from[i] = firstAtLeast(inputs[i].outRow, lo);
          to[i] = firstAtLeast(inputs[i].outRow, hi);
        }
      }

      @Override
      public IndexSchema schema()
      {
        return schema;
      }

      /** Each column reads only its own input columns (and the row conversions, which no longer change). */
      @Override
      public boolean columnsInParallel()
      {
        return true;
      }

      @Override
      public int rowCount()
      {
        return n;
      }

      @Override
      public long[] times()
      {
        final long[] times = new long[n];
        for (int i = 0; i < inputs.length; i++) {
          final Input in = inputs[i];
          for (int r = from[i]; r < to[i]; r++) {
            times[in.outRow[r] - lo] = in.timeColumn.getLong(r);
          }
        }
        return times;
      }

      @Override
      public SortedIndex.StringColumn stringDimension(int d)
      {
        if (multi[d]) {
          return multiValueDimension(d);
        }
        final String[] merged = mergedDicts[d];
        final int[] ids = new int[n];
        final boolean[] used = new boolean[merged.length];
        for (int i = 0; i < inputs.length; i++) {
          final Input in = inputs[i];
          final StringColumn c = in.strings[d];
          for (int r = from[i]; r < to[i]; r++) {
            final int id = c == null ? 0 : in.idMaps[d][c.id(r)];
            ids[in.outRow[r] - lo] = id;
            used[id] = true;
          }
        }
        return partitionColumn(d, merged, used, ids, null);
      }

      /**
       * A multi-value dimension: each output row takes the values of its first input row (in input order, then row
       * order), read in two passes over the inputs: the lengths, then the ids.
       */
      private SortedIndex.StringColumn multiValueDimension(int d)
      {
        final String[] merged = mergedDicts[d];
        final boolean[] used = new boolean[merged.length];
        final int[] owner = new int[n];
        Arrays.fill(owner, -1);
        final int[] offsets = new int[n + 1];
        for (int i = 0; i < inputs.length; i++) {
          final Input in = inputs[i];
          final StringColumn c = in.strings[d];
          for (int r = from[i]; r < to[i]; r++) {
            final int o = in.outRow[r] - lo;
            if (owner[o] < 0) {
              owner[o] = i;
              offsets[o + 1] = c == null ? 1 : c.hasMultipleValues() ? c.ids(r).length : 1;
            }
          }
        }
        for (int o = 0; o < n; o++) {
          if (owner[o] < 0) {
            throw new IllegalStateException("output row " + (lo + o) + " has no input row");
          }
          offsets[o + 1] += offsets[o];
        }
        final int[] ids = new int[offsets[n]];
        for (int i = 0; i < inputs.length; i++) {
          final Input in = inputs[i];
          final StringColumn c = in.strings[d];
          final int[] idMap = in.idMaps[d];
          for (int r = from[i]; r < to[i]; r++) {
            final int o = in.outRow[r] - lo;
            if (owner[o] != i) {
              continue;
            }
            int k = offsets[o];
            if (c == null) {
              ids[k] = 0;
              used[0] = true;
            } else if (!c.hasMultipleValues()) {
              ids[k] = idMap[c.id(r)];
              used[ids[k]] = true;
            } else {
              final int[] cell = c.ids(r);
              if (cell.length == 0 && merged.length > 0 && merged[0] == null) {
                used[0] = true; // as the index, which puts null in the dictionary for an empty row
              }
              for (int id : cell) {
                ids[k] = idMap[id];
                used[ids[k++]] = true;
              }
            }
          }
        }
        return partitionColumn(d, merged, used, ids, offsets);
      }

      /** The partition's column: its dictionary is the merged values its rows use (all of them in one partition). */
      private SortedIndex.StringColumn partitionColumn(int d, String[] merged, boolean[] used, int[] ids,
                                                       int[] offsets)
      {
        final int[] compact = new int[merged.length];
        int size = 0;
        for (int id = 0; id < merged.length; id++) {
          if (used[id]) {
            compact[id] = size++;
          }
        }
        final String[] dict = new String[size];
        final byte[][] utf8 = new byte[size][];
        for (int id = 0; id < merged.length; id++) {
          if (used[id]) {
            dict[compact[id]] = merged[id];
            utf8[compact[id]] = merged[id] == null ? null : merged[id].getBytes(StandardCharsets.UTF_8);
          }
        }
        if (size != merged.length) {
          for (int k = 0; k < ids.length; k++) {
            ids[k] = compact[ids[k]];
          }
        }
        final String name = schema.dimensions().get(d).name();
        return offsets == null ? SortedColumns.stringColumn(name, dict, utf8, ids)
                               : SortedColumns.multiValueStringColumn(name, dict, utf8, ids, offsets);
      }

      @Override
      public SortedIndex.NumericColumn numericDimension(int d)
      {
        final DimensionSchema dim = schema.dimensions().get(d);
        final SortedIndex.NumericColumn col = SortedColumns.numericColumn(dim.name(), dim.type(), n);
        for (int i = 0; i < inputs.length; i++) {
          final Input in = inputs[i];
          final NumericColumn c = in.numerics[d];
          for (int r = from[i]; r < to[i]; r++) {
            final int o = in.outRow[r] - lo;
            if (c == null || c.isNull(r)) {
              col.nulls().set(o);
              continue;
            }
            switch (dim.type()) {
              case LONG:
                col.longs()[o] = c.getLong(r);
                break;
              case FLOAT:
                col.floats()[o] = c.getFloat(r);
                break;
              default:
                col.doubles()[o] = c.getDouble(r);
            }
          }
        }
        return col;
      }

      /**
       * A first/last metric: each output row takes the pair of its input rows with the earliest time (first) or
       * the latest (last). Inputs are folded in persist order; a tie keeps the earlier input's pair for first and
       * takes the later input's for last, which is what one in-memory index holding all the rows keeps (its first
       * replaces on a strictly earlier time, its last on a later or equal one). Druid's merge-time combiner
       * (GenericLastAggregateCombiner) keeps the earlier pair on a last tie, so Druid's output there depends on
       * where persists fell; Sluice's does not. One case still does, in Druid and here: a value that is not a number
       * keeps the pair's previous value, and "previous" is only what its own persist saw.
       */
      @Override
      public SortedIndex.PairColumn pairMetric(int m)
      {
        final MetricSchema metric = schema.metrics().get(m);
        final boolean first = metric.kind().isFirst();
        final ValueType type = metric.kind().valueType();
        final SortedIndex.PairColumn col = SortedColumns.pairColumn(metric.name(), type, n);
        final long[] times = col.times();
        final SortedIndex.NumericColumn values = col.values();
        final BitSet nulls = values.nulls();
        final BitSet filled = new BitSet(n);
        for (int i = 0; i < inputs.length; i++) {
          final Input in = inputs[i];
          final PairColumn c = in.pairs[m];
          if (c == null) {
            continue;
          }
          for (int r = from[i]; r < to[i]; r++) {
            if (c.isNullPair(r)) {
              continue;
            }
            final int o = in.outRow[r] - lo;
            final long t = c.time(r);
            if (filled.get(o) && (first ? t >= times[o] : t < times[o])) {
              continue;
            }
            filled.set(o);
            times[o] = t;
            if (c.isValueNull(r)) {
              nulls.set(o);
              continue;
            }
            nulls.clear(o);
            switch (type) {
              case LONG:
                values.longs()[o] = c.getLong(r);
                break;
              case FLOAT:
                values.floats()[o] = c.getFloat(r);
                break;
              default:
                values.doubles()[o] = c.getDouble(r);
            }
          }
        }
        // a row no input had a pair for: the pair of an aggregator that saw nothing
        for (int o = filled.nextClearBit(0); o < n; o = filled.nextClearBit(o + 1)) {
          times[o] = first ? Long.MAX_VALUE : Long.MIN_VALUE;
          nulls.set(o);
        }
        return col;
      }

      @Override
      public SortedIndex.NumericColumn metric(int m)
      {
        final MetricSchema metric = schema.metrics().get(m);
        final Kind kind = metric.kind().combining();
        final ValueType type = kind.valueType();
        final SortedIndex.NumericColumn col = SortedColumns.numericColumn(metric.name(), type, n);
        // a row is null until a non-null value arrives; count is never null. Tracked in plain words: BitSet.clear
        // rescans for its highest word in use, which made this loop quadratic in places
        final long[] seen = new long[(n + 63) >>> 6];
        for (int i = 0; i < inputs.length; i++) {
          final Input in = inputs[i];
          final NumericColumn c = in.metrics[m];
          if (c == null) {
            if (metric.kind() == Kind.COUNT) {
              throw new IllegalArgumentException(in.reader.name() + " has no count column " + metric.name());
            }
            continue;
          }
          for (int r = from[i]; r < to[i]; r++) {
            if (c.isNull(r)) {
              continue;
            }
            final int o = in.outRow[r] - lo;
            final boolean first = (seen[o >>> 6] & (1L << o)) == 0;
            seen[o >>> 6] |= 1L << o;
            switch (type) {
              case LONG: {
                final long v = c.getLong(r);
                final long[] a = col.longs();
                a[o] = first ? v : kind.isSum() ? a[o] + v : kind.isMin() ? Math.min(a[o], v) : Math.max(a[o], v);
                break;
              }
              case FLOAT: {
                final float v = c.getFloat(r);
                final float[] a = col.floats();
                a[o] = first ? v : kind.isSum() ? a[o] + v : kind.isMin() ? Math.min(a[o], v) : Math.max(a[o], v);
                break;
              }
              default: {
                final double v = c.getDouble(r);
                final double[] a = col.doubles();
                a[o] = first ? v : kind.isSum() ? a[o] + v : kind.isMin() ? Math.min(a[o], v) : Math.max(a[o], v);
              }
            }
          }
        }
        final BitSet nulls = col.nulls();
        for (int w = 0; w < seen.length; w++) {
          long unseen = ~seen[w];
          while (unseen != 0) {
            final int o = (w << 6) + Long.numberOfTrailingZeros(unseen);
            if (o >= n) {
              break;
            }
            nulls.set(o);
            unseen &= unseen - 1;
          }
        }
        return col;
      }
    }
  }

  /** First index of a non-decreasing array whose value is at least {@code value} (its length if none). */
  static int firstAtLeast(int[] a, int value)
  {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      final int mid = (lo + hi) >>> 1;
      if (a[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** One input segment: its columns matched to the schema, and its cursor in the row merge. */
  private static final class Input
  {
    final int index;
    final SegmentReader reader;
    final int rows;
    final NumericColumn timeColumn;
    final StringColumn[] strings;
    final NumericColumn[] numerics;
    final NumericColumn[] metrics;
    /** First/last metrics' columns (null where the metric is not first/last, or the input lacks it). */
    final PairColumn[] pairs;
    final int[][] idMaps;
    final ValueType[] dimTypes;
    int dictPos;
    int[] outRow;
    // the current row's key
    int row;
    long time;
    final long[] key;
    final boolean[] keyNull;
    /** The current row's values of each multi-value dimension, as merged ranks (see {@link #load}). */
    final int[][] cells;
    /** Set by the merge once the dictionaries are merged. */
    boolean[] multi;
    int[] rankShift;

    Input(int index, SegmentReader reader, IndexSchema schema, ValueType[] dimTypes)
    {
      this.index = index;
      this.reader = reader;
      this.rows = reader.rowCount();
      this.dimTypes = dimTypes;
      this.timeColumn = (NumericColumn) reader.column(SegmentReader.TIME_COLUMN);
      final int numDims = dimTypes.length;
      this.strings = new StringColumn[numDims];
      this.numerics = new NumericColumn[numDims];
      this.idMaps = new int[numDims][];
      this.key = new long[numDims];
      this.keyNull = new boolean[numDims];
      this.cells = new int[numDims][];
      for (int d = 0; d < numDims; d++) {
        final String name = schema.dimensions().get(d).name();
        final Column c = reader.dimensions().contains(name) ? reader.column(name) : null;
        if (c == null) {
          continue;
        }
        if (dimTypes[d] == ValueType.STRING) {
          if (!(c instanceof StringColumn)) {
            throw new IllegalArgumentException(reader.name() + ": dimension " + name + " is not a string column");
          }
          strings[d] = (StringColumn) c;
        } else {
          numerics[d] = requireNumeric(reader, c, name, dimTypes[d]);
        }
      }
      this.metrics = new NumericColumn[schema.metrics().size()];
      this.pairs = new PairColumn[metrics.length];
      for (int m = 0; m < metrics.length; m++) {
        final MetricSchema ms = schema.metrics().get(m);
        final Column c = reader.column(ms.name());
        if (c == null) {
          continue;
        }
        if (ms.kind().isFirstLast()) {
          if (!(c instanceof PairColumn) || !((PairColumn) c).type().name().equals(ms.kind().valueType().name())) {
            throw new IllegalArgumentException(reader.name() + ": column " + ms.name() + " is " + c.typeName()
                                               + ", not the " + ms.kind().complexTypeName() + " of "
                                               + ms.kind().typeName());
          }
          pairs[m] = (PairColumn) c;
        } else {
          metrics[m] = requireNumeric(reader, c, ms.name(), ms.kind().valueType());
        }
      }
    }

    private static NumericColumn requireNumeric(SegmentReader reader, Column c, String name, ValueType type)
    {
      if (!(c instanceof NumericColumn) || !((NumericColumn) c).type().name().equals(type.name())) {
        throw new IllegalArgumentException(reader.name() + ": column " + name + " is " + c.typeName() + ", not "
                                           + type);
      }
      return (NumericColumn) c;
    }

    /**
     * Row r's values of multi-value dimension d as ranks in the merged dictionary, where null is rank 0 whether or not
     * the dictionary holds null; an empty row is {@code [0]}, equal to a single null, as the index compares them.
     */
    private int[] rankCell(int d, int r)
    {
      final StringColumn c = strings[d];
      if (c == null) {
        return new int[]{0};
      }
      final int shift = rankShift[d];
      if (!c.hasMultipleValues()) {
        final int id = idMaps[d][c.id(r)];
        return new int[]{id + shift};
      }
      final int[] ids = c.ids(r);
      if (ids.length == 0) {
        return new int[]{0};
      }
      final int[] ranks = new int[ids.length];
      for (int i = 0; i < ids.length; i++) {
        ranks[i] = idMaps[d][ids[i]] + shift;
      }
      return ranks;
    }

    /** Reads row r's key: time, merged string ids, numeric dimension bits. */
    void load(int r)
    {
      row = r;
      time = timeColumn.getLong(r);
      for (int d = 0; d < dimTypes.length; d++) {
        switch (dimTypes[d]) {
          case STRING:
            keyNull[d] = false;
            if (multi[d]) {
              cells[d] = rankCell(d, r);
              break;
            }
            key[d] = strings[d] == null ? 0 : idMaps[d][strings[d].id(r)];
            break;
          default: {
            final NumericColumn c = numerics[d];
            if (c == null || c.isNull(r)) {
              keyNull[d] = true;
              key[d] = 0;
              break;
            }
            keyNull[d] = false;
            switch (dimTypes[d]) {
              case LONG:
                key[d] = c.getLong(r);
                break;
              case FLOAT:
                key[d] = Float.floatToIntBits(c.getFloat(r));
                break;
              default:
                key[d] = Double.doubleToLongBits(c.getDouble(r));
            }
          }
        }
      }
    }
  }
}
