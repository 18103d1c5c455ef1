package io.sluice.segment.index;

import io.sluice.segment.index.DimensionSchema.ValueType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The rows of an {@link IncrementalIndex} in segment order, read column by column. Made by
 * {@link IncrementalIndex#sort()}; it shares the index's storage, so the index must not change while this is used.
 * Each column accessor builds fresh arrays of {@link #rowCount()} entries, so a writer holds one column at a time.
 */
public final class SortedIndex
{
  private static final int[] EMPTY = new int[0];
  private final IndexSchema schema;
  private final int rowCount;
  /** perm[i] = the index row at sorted position i. */
  private final int[] perm;
  private final long[] times;
  /** Dimension codes of each index row, row-major: the index's ids (0 is null) or, below 0, list codes. */
  private final int[] codes;
  private final DimensionDictionary[] dictionaries;
  private final IncrementalIndex.Metric[] metrics;
  private final int numDims;

  SortedIndex(
      IndexSchema schema,
      int rowCount,
      int[] perm,
      long[] times,
      int[] codes,
      DimensionDictionary[] dictionaries,
      IncrementalIndex.Metric[] metrics
  )
  {
    this.schema = schema;
    this.rowCount = rowCount;
    this.perm = perm;
    this.times = times;
    this.codes = codes;
    this.dictionaries = dictionaries;
    this.metrics = metrics;
    this.numDims = dictionaries.length;
  }

  public IndexSchema schema()
  {
    return schema;
  }

  public int rowCount()
  {
    return rowCount;
  }

  /** {@code __time} of every row, non-decreasing. */
  public long[] times()
  {
    long[] out = new long[rowCount];
    for (int i = 0; i < rowCount; i++) {
      out[i] = times[perm[i]];
    }
    return out;
  }

  /**
   * A STRING dimension as its sorted dictionary plus the dictionary ids of each row: one per row, or, when the
   * column is multi-value, each row's values (none for an empty row) with offsets.
   */
  public StringColumn stringDimension(int dimensionIndex)
  {
    final DimensionDictionary dict = dictionaries[dimensionIndex];
    if (dict.type != ValueType.STRING) {
      throw new IllegalArgumentException("dimension [" + dict.name + "] is " + dict.type + ", not STRING");
    }
    final int shift = dict.hasNull ? 0 : 1;
    final int[] rankOfId = dict.rankOfId;
    int[] ids;
    int[] offsets = null;
    if (!dict.multiValue) {
      // every code is an id, or the empty list, stored as null like Druid's single-value writer does
      ids = new int[rowCount];
      for (int i = 0; i < rowCount; i++) {
        final int code = codes[perm[i] * numDims + dimensionIndex];
        ids[i] = (code >= 0 ? rankOfId[code] : 0) - shift;
      }
    } else {
      offsets = new int[rowCount + 1];
      ids = new int[rowCount + rowCount / 2];
      int n = 0;
      for (int i = 0; i < rowCount; i++) {
        final int code = codes[perm[i] * numDims + dimensionIndex];
        final int[] list = code >= 0 ? null
                           : code == IncrementalIndex.StringDictionary.ABSENT ? EMPTY : dict.lists[-1 - code];
        final int size = list == null ? 1 : list.length;
        if (n + size > ids.length) {
          ids = Arrays.copyOf(ids, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(n + size, ids.length * 3L / 2)));
        }
        if (list == null) {
          ids[n++] = rankOfId[code] - shift;
        } else {
          for (int id : list) {
            ids[n++] = rankOfId[id] - shift;
          }
        }
        offsets[i + 1] = n;
      }
      ids = Arrays.copyOf(ids, n);
    }
    final int size = dict.stringsByRank.length - shift;
    final String[] values = new String[size];
    final byte[][] utf8 = new byte[size][];
    System.arraycopy(dict.stringsByRank, shift, values, 0, size);
    System.arraycopy(dict.utf8ByRank, shift, utf8, 0, size);
    return new StringColumn(dict.name, values, utf8, ids, offsets);
  }

  /** A LONG, FLOAT or DOUBLE dimension, one value per row (0 where null). */
  public NumericColumn numericDimension(int dimensionIndex)
  {
    final DimensionDictionary dict = dictionaries[dimensionIndex];
    if (dict.type == ValueType.STRING) {
      throw new IllegalArgumentException("dimension [" + dict.name + "] is STRING");
    }
    final BitSet nulls = new BitSet();
    final NumericColumn col = NumericColumn.allocate(dict.name, dict.type, rowCount, nulls);
    for (int i = 0; i < rowCount; i++) {
      final int rank = dict.rankOfId[codes[perm[i] * numDims + dimensionIndex]];
      if (rank == 0) {
        nulls.set(i);
        continue;
      }
      final long bits = dict.bitsByRank[rank];
      switch (dict.type) {
        case LONG:
          col.longs[i] = bits;
          break;
        case FLOAT:
          col.floats[i] = Float.intBitsToFloat((int) bits);
          break;
        default:
          col.doubles[i] = Double.longBitsToDouble(bits);
      }
    }
    return col;
  }

  /** A first/last metric column: each row's (time, value) pair. */
  public PairColumn pairMetric(int metricIndex)
  {
    if (!(metrics[metricIndex] instanceof IncrementalIndex.PairMetric)) {
      throw new IllegalArgumentException("metric [" + metrics[metricIndex].schema.name() + "] is not first/last");
    }
    final IncrementalIndex.PairMetric m = (IncrementalIndex.PairMetric) metrics[metricIndex];
    final BitSet nulls = new BitSet();
    final NumericColumn values = NumericColumn.allocate(m.schema.name(), m.valueType, rowCount, nulls);
    final long[] pairTimes = new long[rowCount];
    for (int i = 0; i < rowCount; i++) {
      final int r = perm[i];
      pairTimes[i] = m.times[r];
      if (!m.hasValue(r)) {
        nulls.set(i);
        continue;
      }
      final long bits = m.values[r];
      switch (m.valueType) {
        case LONG:
          values.longs[i] = bits;
          break;
        case FLOAT:
          values.floats[i] = Float.intBitsToFloat((int) bits);
          break;
        default:
          values.doubles[i] = Double.longBitsToDouble(bits);
      }
    }
    return new PairColumn(m.schema.name(), pairTimes, values);
  }

  /**
   * A metric column, one value per row (0 where null: an aggregator other than count that saw no value). Not for
   * first/last metrics: see {@link #pairMetric}.
   */
  public NumericColumn metric(int metricIndex)
  {
    final IncrementalIndex.Metric m = metrics[metricIndex];
    if (m instanceof IncrementalIndex.PairMetric) {
      throw new IllegalArgumentException("metric [" + m.schema.name() + "] is first/last: use pairMetric");
    }
    final BitSet nulls = new BitSet();
    final ValueType type = m.kind.valueType();
    final NumericColumn col = NumericColumn.allocate(m.schema.name(), type, rowCount, nulls);
    for (int i = 0; i < rowCount; i++) {
      final int r = perm[i];
      if (!m.hasValue(r)) {
        nulls.set(i);
        continue;
      }
      switch (type) {
        case LONG:
          col.longs[i] = ((IncrementalIndex.LongMetric) m).values[r];
          break;
        case FLOAT:
          col.floats[i] = ((IncrementalIndex.FloatMetric) m).values[r];
          break;
        default:
          col.doubles[i] = ((IncrementalIndex.DoubleMetric) m).values[r];
      }
    }
    return col;
  }

  /** The rows as objects, in order. Meant for tests and small indexes. */
  public Iterator<IncrementalIndex.Row> rows()
  {
    return new Iterator<>()
    {
      private int i = 0;

      @Override
      public boolean hasNext()
      {
        return i < rowCount;
      }

      @Override
      public IncrementalIndex.Row next()
      {
        if (i >= rowCount) {
          throw new NoSuchElementException();
        }
        final int r = perm[i++];
        final Object[] dims = new Object[numDims];
        for (int d = 0; d < numDims; d++) {
          dims[d] = dictionaries[d].valueOfCode(codes[r * numDims + d]);
        }
        final Object[] mets = new Object[metrics.length];
        for (int k = 0; k < metrics.length; k++) {
          final IncrementalIndex.Metric m = metrics[k];
          if (m instanceof IncrementalIndex.PairMetric) {
            mets[k] = ((IncrementalIndex.PairMetric) m).pair(r);
            continue;
          }
          if (!m.hasValue(r)) {
            continue;
          }
          switch (m.kind.valueType()) {
            case LONG:
              mets[k] = ((IncrementalIndex.LongMetric) m).values[r];
              break;
            case FLOAT:
              mets[k] = ((IncrementalIndex.FloatMetric) m).values[r];
              break;
            default:
              mets[k] = ((IncrementalIndex.DoubleMetric) m).values[r];
          }
        }
        return new IncrementalIndex.Row(times[r], IncrementalIndex.listOf(dims), IncrementalIndex.listOf(mets));
      }
    };
  }

  /** Rows as a list; see {@link #rows()}. */
  public List<IncrementalIndex.Row> rowList()
  {
    List<IncrementalIndex.Row> out = new ArrayList<>(rowCount);
    rows().forEachRemaining(out::add);
    return out;
  }

  /**
   * A dictionary-encoded STRING column. {@code dictionary} is strictly ascending in Java String order (Druid's
   * dictionary order) and starts with null exactly when some row is null; {@code utf8Dictionary} holds the same values
   * UTF-8 encoded (null stays null).
   */
  public static final class StringColumn
  {
    private final String name;
    private final String[] dictionary;
    private final byte[][] utf8Dictionary;
    private final int[] ids;
    private final int[] offsets;

    StringColumn(String name, String[] dictionary, byte[][] utf8Dictionary, int[] ids, int[] offsets)
    {
      this.name = name;
      this.dictionary = dictionary;
      this.utf8Dictionary = utf8Dictionary;
      this.ids = ids;
      this.offsets = offsets;
    }

    public String name()
    {
      return name;
    }

    public String[] dictionary()
    {
      return dictionary;
    }

    public byte[][] utf8Dictionary()
    {
      return utf8Dictionary;
    }

    /** Dictionary id of each row; for a multi-value column, the ids of every row back to back (see offsets). */
    public int[] ids()
    {
      return ids;
    }

    /**
     * Null for a single-valued column. For a multi-value column (some row holds several values), row r holds
     * {@code ids[offsets[r] .. offsets[r+1])}; there are rowCount + 1 offsets.
     */
    public int[] offsets()
    {
      return offsets;
    }

    public int cardinality()
    {
      return dictionary.length;
    }

    public boolean hasNulls()
    {
      return dictionary.length > 0 && dictionary[0] == null;
    }
  }

  /**
   * A first/last metric column: row r holds the pair ({@code times[r]}, value r of {@code values}), the value
   * null where {@code values.nulls()} has r.
   */
  public static final class PairColumn
  {
    private final String name;
    private final long[] times;
    private final NumericColumn values;

    PairColumn(String name, long[] times, NumericColumn values)
    {
      this.name = name;
      this.times = times;
      this.values = values;
    }

    public String name()
    {
      return name;
    }

    public int rowCount()
    {
      return times.length;
    }

    /** The pairs' times (Druid's lhs). */
    public long[] times()
    {
      return times;
    }

    /** The pairs' values (Druid's rhs), with their nulls. */
    public NumericColumn values()
    {
      return values;
    }
  }

  /** A numeric column: exactly one of longs/floats/doubles is non-null, per {@code type}. */
  public static final class NumericColumn
  {
    private final String name;
    private final ValueType type;
    final long[] longs;
    final float[] floats;
    final double[] doubles;
    private final BitSet nulls;

    private NumericColumn(String name, ValueType type, long[] longs, float[] floats, double[] doubles, BitSet nulls)
    {
      this.name = name;
      this.type = type;
      this.longs = longs;
      this.floats = floats;
      this.doubles = doubles;
      this.nulls = nulls;
    }

    static NumericColumn allocate(String name, ValueType type, int n, BitSet nulls)
    {
      switch (type) {
        case LONG:
          return new NumericColumn(name, type, new long[n], null, null, nulls);
        case FLOAT:
          return new NumericColumn(name, type, null, new float[n], null, nulls);
        case DOUBLE:
          return new NumericColumn(name, type, null, null, new double[n], nulls);
        default:
          throw new IllegalArgumentException("not numeric: " + type);
      }
    }

    public String name()
    {
      return name;
    }

    public ValueType type()
    {
      return type;
    }

    public long[] longs()
    {
      return longs;
    }

    public float[] floats()
    {
      return floats;
    }

    public double[] doubles()
    {
      return doubles;
    }

    /** Rows whose value is null; empty when none. */
    public BitSet nulls()
    {
      return nulls;
    }
  }

  /**
   * A dimension's values in sort order. Rank 0 is null; ranks 1.. are the sorted non-null values. A STRING
   * dimension may also hold lists of internal ids (multi-value cells), list code c being {@code lists[-1 - c]}.
   */
  static final class DimensionDictionary
  {
    final String name;
    final ValueType type;
    final boolean hasNull;
    /** rank of each internal id (id 0 = null → rank 0). */
    final int[] rankOfId;
    final String[] stringsByRank;
    final byte[][] utf8ByRank;
    final long[] bitsByRank;
    /** Lists of internal ids by list code; entry 0 is the empty list. Empty for numeric dimensions. */
    final int[][] lists;
    final boolean multiValue;
    /** Sort rank of each internal id and of each list, when some list has values; else null (the rank is it). */
    private final int[] sortRankOfId;
    private final int[] sortRankOfList;

    private DimensionDictionary(
        String name,
        ValueType type,
        boolean hasNull,
        int[] rankOfId,
        String[] stringsByRank,
        byte[][] utf8ByRank,
        long[] bitsByRank,
        int[][] lists,
        boolean multiValue
    )
    {
      this.name = name;
      this.type = type;
      this.hasNull = hasNull;
      this.rankOfId = rankOfId;
      this.stringsByRank = stringsByRank;
      this.utf8ByRank = utf8ByRank;
      this.bitsByRank = bitsByRank;
      this.lists = lists;
      this.multiValue = multiValue;
      if (lists.length > 1) {
        final int[][] cellRanks = cellSortRanks(rankOfId, lists);
        this.sortRankOfId = cellRanks[0];
        this.sortRankOfList = cellRanks[1];
      } else {
        this.sortRankOfId = null;
        this.sortRankOfList = null;
      }
    }

    /**
     * The rank of a cell (an internal id or a list code) in row order, equal for cells Druid's
     * StringDimensionHandler compares as equal: value by value (by rank), then the shorter first; the empty list is
     * equal to null.
     */
    int sortRank(int code)
    {
      if (code == IncrementalIndex.StringDictionary.ABSENT) {
        return -1; // before everything, null included, as Druid's IncrementalIndexRowComparator
      }
      if (sortRankOfId == null) {
        return code >= 0 ? rankOfId[code] : 0;
      }
      return code >= 0 ? sortRankOfId[code] : sortRankOfList[-1 - code];
    }

    /** Dense sort ranks of every single value and every list; see {@link #sortRank}. */
    private static int[][] cellSortRanks(int[] rankOfId, int[][] lists)
    {
      final int singles = rankOfId.length;
      final int[][] cells = new int[singles + lists.length][];
      for (int id = 0; id < singles; id++) {
        cells[id] = new int[]{rankOfId[id]};
      }
      for (int l = 0; l < lists.length; l++) {
        final int[] list = lists[l];
        final int[] ranks = new int[Math.max(1, list.length)]; // the empty list sorts as [null]
        for (int i = 0; i < list.length; i++) {
          ranks[i] = rankOfId[list[i]];
        }
        cells[singles + l] = ranks;
      }
      final int[] order = new int[cells.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      IntSort.sort(order, (a, b) -> Arrays.compare(cells[a], cells[b]));
      final int[] byId = new int[singles];
      final int[] byList = new int[lists.length];
      int rank = -1;
      for (int p = 0; p < order.length; p++) {
        if (p == 0 || !Arrays.equals(cells[order[p - 1]], cells[order[p]])) {
          rank++;
        }
        final int c = order[p];
        if (c < singles) {
          byId[c] = rank;
        } else {
          byList[c - singles] = rank;
        }
      }
      return new int[][]{byId, byList};
    }

    /**
     * @param sortedIds  internal ids (1..k-1) in value order
     * @param values     value of each internal id (index 0 = null)
     * @param utf8       UTF-8 of each internal id (index 0 = null)
     * @param lists      lists of internal ids by list code (entry 0 the empty list)
     * @param multiValue whether some cell had several values
     */
    static DimensionDictionary ofStrings(
        String name,
        boolean hasNull,
        int[] sortedIds,
        List<String> values,
        byte[][] utf8,
        int[][] lists,
        boolean multiValue
    )
    {
      final int k = sortedIds.length + 1;
      final int[] rankOfId = new int[k];
      final String[] strings = new String[k];
      final byte[][] bytes = new byte[k][];
      for (int p = 0; p < sortedIds.length; p++) {
        final int id = sortedIds[p];
        rankOfId[id] = p + 1;
        strings[p + 1] = values.get(id);
        bytes[p + 1] = utf8[id];
      }
      return new DimensionDictionary(name, ValueType.STRING, hasNull, rankOfId, strings, bytes, null, lists,
                                     multiValue);
    }

    static DimensionDictionary ofNumbers(
        String name,
        ValueType type,
        boolean hasNull,
        int[] sortedIds,
        long[] bitsById
    )
    {
      final int k = sortedIds.length + 1;
      final int[] rankOfId = new int[k];
      final long[] bits = new long[k];
      for (int p = 0; p < sortedIds.length; p++) {
        rankOfId[sortedIds[p]] = p + 1;
        bits[p + 1] = bitsById[sortedIds[p]];
      }
      return new DimensionDictionary(name, type, hasNull, rankOfId, null, null, bits, new int[0][], false);
    }

    /** A cell's value: as {@link #valueOfRank}, a list of values for a list of several, null for an empty one. */
    Object valueOfCode(int code)
    {
      if (code >= 0) {
        return valueOfRank(rankOfId[code]);
      }
      if (code == IncrementalIndex.StringDictionary.ABSENT) {
        return null;
      }
      final int[] list = lists[-1 - code];
      if (list.length == 0) {
        return null;
      }
      final List<Object> out = new ArrayList<>(list.length);
      for (int id : list) {
        out.add(valueOfRank(rankOfId[id]));
      }
      return Collections.unmodifiableList(out);
    }

    Object valueOfRank(int rank)
    {
      if (rank == 0) {
        return null;
      }
      switch (type) {
        case STRING:
          return stringsByRank[rank];
        case LONG:
          return bitsByRank[rank];
        case FLOAT:
          return Float.intBitsToFloat((int) bitsByRank[rank]);
        default:
          return Double.longBitsToDouble(bitsByRank[rank]);
      }
    }
  }
}
