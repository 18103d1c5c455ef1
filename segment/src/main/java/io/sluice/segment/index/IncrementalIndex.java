package io.sluice.segment.index;

import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.DimensionSchema.ValueType;
import io.sluice.segment.index.MetricSchema.Kind;
import io.sluice.segment.transform.Expr;
import io.sluice.segment.transform.ExprParser;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The in-memory rollup index of one segment interval, with Druid's ingestion semantics.
 *
 * <p>Each added row gets the key ({@code max(queryGranularity.bucketStart(timestamp), minTimestamp)}, dimension
 * values in schema order). With {@code rollup} rows with equal keys are combined by every aggregator; without it
 * every row is kept. Dimension values are interned into per-dimension dictionaries of int ids (id 0 is null), so a
 * row is stored as a {@code long} time, an {@code int[]} key slice and primitive metric slots: no per-row objects.
 * A STRING cell holding a list of values stores a negative code instead of an id: the list, interned per dimension
 * as an {@code int[]} of ids (code -1 is the empty list).
 *
 * <p>Value conversion:
 * <ul>
 *   <li>STRING dimensions: null or missing → null; a String as is; a byte[] → its base64; any other scalar →
 *       {@code String.valueOf}. A List (or Object[]) is a multi-value cell, as Druid 37's StringDimensionIndexer: each
 *       element → null or {@code String.valueOf}; one element is stored as a single value; several are sorted (nulls
 *       first) for SORTED_ARRAY and SORTED_SET, deduplicated for SORTED_SET, kept as they came for ARRAY, and make
 *       the column multi-value (even if SORTED_SET leaves one); an empty list is stored as an empty row. Rollup keys on
 *       the whole list; {@code []} and {@code [null]} are equal keys (the first row's form is kept).</li>
 *   <li>LONG / FLOAT / DOUBLE dimensions: a Number converted; a String parsed (a decimal string for a LONG dimension is
 *       truncated, as Druid does); a Boolean is 1 or 0; anything unparseable → null.</li>
 *   <li>metrics read {@code row.get(fieldName)}: a Number, or a String parsed as a number; missing or unparseable
 *       values are ignored. {@code count} counts added rows. Any other aggregator that never saw a value is null,
 *       sums included: Druid's SQL-compatible null handling (NullableNumericAggregator), the only mode of Druid 37.
 *       First/last metrics hold a (time, value) pair per row; see {@link PairMetric}. A metric with an
 *       {@code expression} aggregates the expression's value on the row ({@code __time} there is the row's event
 *       timestamp) as it would a field's.</li>
 * </ul>
 *
 * <p>{@link #sort()} returns the rows ordered by {@code __time}, then by each dimension in order, then by insertion
 * order. Strings compare as Java Strings (UTF-16 code units), numbers numerically, nulls first. That is Druid's
 * dictionary order: Druid binary-searches string dictionaries with
 * {@code StringUtils.compareUtf8UsingJavaStringOrdering}, which differs from unsigned UTF-8 byte order for characters
 * above U+FFFF versus U+E000..U+FFFF. Not thread-safe.
 */
public final class IncrementalIndex
{
  private static final int INITIAL_CAPACITY = 1024;
  /** Rough heap cost of one distinct string: String + byte[] + HashMap node and slot + Integer + list slot. */
  private static final long STRING_ENTRY_OVERHEAD = 112;
  private static final long NUMERIC_ENTRY_OVERHEAD = 24;

  private IndexSchema schema;
  private final Granularity granularity;
  private final boolean granularityIsNone;
  private final long minTimestamp;
  private final boolean rollup;
  private int numDims;
  private String[] dimNames;
  private ValueType[] dimTypes;
  /** Discovered dimensions: a row without the field leaves the cell absent (see {@link DimensionSchema}). */
  private boolean[] dimSparse;
  /** Per dimension: the SEEN_* bits of a type-aware one's stored values, or NOT_TYPE_AWARE. */
  private int[] dimSeen;
  private Dictionary[] dicts;
  private final Metric[] metrics;

  private int[] scratchIds;
  private String[] scratchStrings;
  /** Converted list values of a multi-value cell (length 0 or at least 2), else null. */
  private String[][] scratchLists;
  private long[] scratchBits;
  private boolean[] scratchPresent;
  private int[] scratchSeen;

  private int rows;
  private int capacity;
  private long[] times;
  private int[] keys;
  private int[] hashes;
  private int[] table;
  private int tableMask;

  private long bucketStart = 1;
  private long bucketEnd = 0;
  private long minTime = Long.MAX_VALUE;
  private long maxTime = Long.MIN_VALUE;

  /** An index whose row times are the query-granularity bucket starts. */
  public IncrementalIndex(IndexSchema schema)
  {
    this(schema, Long.MIN_VALUE);
  }

  /**
   * An index whose row times are {@code max(bucketStart, minTimestampMillis)}, as Druid does with the segment
   * interval start. Needed for queryGranularity ALL, whose only bucket starts long before any interval.
   */
  public IncrementalIndex(IndexSchema schema, long minTimestampMillis)
  {
    if (schema == null) {
      throw new IllegalArgumentException("schema must not be null");
    }
    this.schema = schema;
    this.granularity = schema.queryGranularity();
    this.granularityIsNone = granularity.equals(Granularity.NONE);
    this.minTimestamp = minTimestampMillis;
    this.rollup = schema.rollup();
    this.numDims = schema.dimensions().size();
    this.dimNames = new String[numDims];
    this.dimTypes = new ValueType[numDims];
    this.dimSparse = new boolean[numDims];
    this.dimSeen = new int[numDims];
    this.dicts = new Dictionary[numDims];
    for (int d = 0; d < numDims; d++) {
      DimensionSchema ds = schema.dimensions().get(d);
      dimNames[d] = ds.name().intern(); // parsers intern field names: row lookups then match by identity
      dimTypes[d] = ds.type();
      dimSparse[d] = isSparse(ds);
      dimSeen[d] = ds.seenTypes();
      dicts[d] = ds.type() == ValueType.STRING
                 ? new StringDictionary(ds.multiValueHandling())
                 : new NumericDictionary(ds.type());
    }
    this.metrics = new Metric[schema.metrics().size()];
    for (int m = 0; m < metrics.length; m++) {
      MetricSchema ms = schema.metrics().get(m);
      if (ms.kind().isFirstLast()) {
        metrics[m] = new PairMetric(ms);
        continue;
      }
      switch (ms.kind().valueType()) {
        case LONG:
          metrics[m] = new LongMetric(ms);
          break;
        case DOUBLE:
          metrics[m] = new DoubleMetric(ms);
          break;
        case FLOAT:
          metrics[m] = new FloatMetric(ms);
          break;
        default:
          throw new IllegalStateException("unexpected metric type " + ms.kind());
      }
    }
    this.scratchIds = new int[numDims];
    this.scratchStrings = new String[numDims];
    this.scratchLists = new String[numDims][];
    this.scratchBits = new long[numDims];
    this.scratchPresent = new boolean[numDims];
    this.scratchSeen = new int[numDims];
    allocate(INITIAL_CAPACITY);
  }

  /** The schema; a type-aware dimension carries the value types of the rows held (see {@link DimensionSchema}). */
  public IndexSchema schema()
  {
    boolean changed = false;
    for (int d = 0; d < numDims && !changed; d++) {
      changed = dimSeen[d] != schema.dimensions().get(d).seenTypes();
    }
    if (changed) {
      List<DimensionSchema> dims = new ArrayList<>(numDims);
      for (int d = 0; d < numDims; d++) {
        DimensionSchema ds = schema.dimensions().get(d);
        dims.add(ds.isTypeAware() ? ds.withSeenTypes(dimSeen[d]) : ds);
      }
      schema = schema.withDimensions(dims);
    }
    return schema;
  }

  /**
   * Adds one input row.
   *
   * @param timestampMillis the row's event time
   * @param row             field values by name; dimensions and metric fields are read from it
   */
  public void add(long timestampMillis, Map<String, ?> row)
  {
    final long time = truncate(timestampMillis);

    // 1. convert every dimension value first, so a bad value leaves the dictionaries untouched
    for (int d = 0; d < numDims; d++) {
      final Object v = row.get(dimNames[d]);
      if (dimSparse[d] && v == null && !row.containsKey(dimNames[d])) {
        scratchLists[d] = null;
        scratchStrings[d] = null;
        scratchPresent[d] = false; // absent
      } else if (dimSeen[d] != DimensionSchema.NOT_TYPE_AWARE) {
        scratchPresent[d] = true;
        scratchLists[d] = null;
        scratchSeen[d] = seenType(dimNames[d], v);
        scratchStrings[d] = typeAwareString(v);
      } else if (dimTypes[d] == ValueType.STRING) {
        scratchPresent[d] = true;
        scratchLists[d] = toDimensionList(v);
        scratchStrings[d] = scratchLists[d] == null ? toDimensionString(v) : null;
      } else {
        scratchPresent[d] = toNumericBits(v, dimTypes[d], d);
      }
    }
    // 2. intern
    for (int d = 0; d < numDims; d++) {
      if (dimTypes[d] == ValueType.STRING) {
        final StringDictionary dict = (StringDictionary) dicts[d];
        if (!scratchPresent[d]) {
          scratchIds[d] = StringDictionary.ABSENT;
        } else {
          scratchIds[d] = scratchLists[d] == null ? dict.idOf(scratchStrings[d]) : dict.codeOf(scratchLists[d]);
          if (dimSeen[d] != DimensionSchema.NOT_TYPE_AWARE) {
            dimSeen[d] |= scratchSeen[d];
          }
        }
        scratchStrings[d] = null;
        scratchLists[d] = null;
      } else {
        scratchIds[d] = scratchPresent[d] ? ((NumericDictionary) dicts[d]).idOf(scratchBits[d]) : 0;
      }
    }
    // 3. find or create the row
    final int r;
    if (rollup) {
      final int h = hash(time, scratchIds);
      int slot = h & tableMask;
      int found = -1;
      while (true) {
        final int candidate = table[slot];
        if (candidate < 0) {
          break;
        }
        if (hashes[candidate] == h && times[candidate] == time && keyEquals(candidate)) {
          found = candidate;
          break;
        }
        slot = (slot + 1) & tableMask;
      }
      if (found >= 0) {
        r = found;
      } else {
        r = appendRow(time);
        hashes[r] = h;
        table[slot] = r;
        if ((long) rows * 2 > table.length) {
          rehash(table.length * 2);
        }
      }
    } else {
      r = appendRow(time);
    }
    // 4. aggregate
    Expr.Bindings bindings = null;
    for (Metric metric : metrics) {
      if (metric instanceof PairMetric) {
        ((PairMetric) metric).aggregate(r, timestampMillis, row);
      } else if (metric.expression != null) {
        if (bindings == null) {
          bindings = name -> IndexSchema.TIME_COLUMN.equals(name) ? timestampMillis : row.get(name);
        }
        metric.aggregate(r, metric.expression.eval(bindings));
      } else {
        metric.aggregate(r, metric.kind == Kind.COUNT ? null : row.get(metric.fieldName));
      }
    }
  }

  /**
   * Appends a dimension discovered after rows were added (schemaless ingestion, as Druid discovers dimensions in
   * the order fields first appear). Rows already held get null for it; with rollup their keys stay distinct, since
   * they differ in the other dimensions or in time.
   *
   * @throws IllegalArgumentException if a column of that name exists
   */
  public void addDimension(DimensionSchema dimension)
  {
    List<DimensionSchema> dims = new ArrayList<>(schema.dimensions());
    dims.add(dimension);
    schema = schema.withDimensions(dims);
    final int old = numDims;
    numDims = old + 1;
    dimNames = Arrays.copyOf(dimNames, numDims);
    dimTypes = Arrays.copyOf(dimTypes, numDims);
    dimSparse = Arrays.copyOf(dimSparse, numDims);
    dimSeen = Arrays.copyOf(dimSeen, numDims);
    dicts = Arrays.copyOf(dicts, numDims);
    dimNames[old] = dimension.name().intern();
    dimTypes[old] = dimension.type();
    dimSparse[old] = isSparse(dimension);
    dimSeen[old] = dimension.seenTypes();
    dicts[old] = dimension.type() == ValueType.STRING
                 ? new StringDictionary(dimension.multiValueHandling())
                 : new NumericDictionary(dimension.type());
    if (rows > 0) {
      dicts[old].hasNull = true;
    }
    scratchIds = new int[numDims];
    scratchStrings = new String[numDims];
    scratchLists = new String[numDims][];
    scratchBits = new long[numDims];
    scratchPresent = new boolean[numDims];
    scratchSeen = new int[numDims];
    final int[] widened = new int[capacity * numDims];
    // rows already held lack the new dimension: absent if it is sparse, else null (id 0)
    final int missing = isSparse(dimension) ? StringDictionary.ABSENT : 0;
    for (int r = 0; r < rows; r++) {
      System.arraycopy(keys, r * old, widened, r * numDims, old);
      widened[r * numDims + old] = missing;
    }
    keys = widened;
    if (rollup) {
      final int[] key = new int[numDims];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(keys, r * numDims, key, 0, numDims);
        hashes[r] = hash(times[r], key);
      }
      rehash(table.length);
    }
  }

  /**
   * Whether a row without the field is <em>absent</em> there, keyed apart from null: a discovered string dimension,
   * as Druid's string indexer. Druid's "auto" indexer (type-aware, {@code useSchemaDiscovery}) stores a missing
   * value as null, so there absent and null are one key.
   */
  private static boolean isSparse(DimensionSchema dimension)
  {
    return dimension.discovered() && !dimension.isTypeAware();
  }

  /** Whether some string dimension holds a cell with several values (a multi-value column, as Druid's). */
  public boolean hasMultiValueColumn()
  {
    for (Dictionary d : dicts) {
      if (d instanceof StringDictionary s && s.multiValue) {
        return true;
      }
    }
    return false;
  }

  /** Number of rows held: distinct keys with rollup, added rows without. */
  public int rowCount()
  {
    return rows;
  }

  public boolean isEmpty()
  {
    return rows == 0;
  }

  /** Smallest stored {@code __time} (a bucket start), or {@code Long.MAX_VALUE} when empty. */
  public long minTime()
  {
    return minTime;
  }

  /** Largest stored {@code __time} (a bucket start), or {@code Long.MIN_VALUE} when empty. */
  public long maxTime()
  {
    return maxTime;
  }

  /**
   * Estimated heap held by this index: the row arrays and hash table at their current capacity, metric slots,
   * and the dictionaries (strings counted with their object overhead).
   */
  public long estimatedBytes()
  {
    long bytes = 256;
    bytes += (long) capacity * (Long.BYTES + (long) Integer.BYTES * numDims);
    if (rollup) {
      bytes += (long) capacity * Integer.BYTES + (long) table.length * Integer.BYTES;
    }
    for (Metric m : metrics) {
      bytes += m.estimatedBytes();
    }
    for (Dictionary d : dicts) {
      bytes += d.estimatedBytes();
    }
    return bytes;
  }

  /**
   * Sorts the rows (see the class comment) and returns a columnar view of them. The view reads this index's
   * storage: do not add rows while using it.
   */
  public SortedIndex sort()
  {
    final int n = rows;
    final SortedIndex.DimensionDictionary[] sortedDicts = new SortedIndex.DimensionDictionary[numDims];
    for (int d = 0; d < numDims; d++) {
      sortedDicts[d] = dicts[d].sorted(dimNames[d]);
    }
    // rank keys: row-major, so a comparison touches one small region
    final int[] rankKeys = new int[n * numDims];
    for (int r = 0, k = 0; r < n; r++) {
      for (int d = 0; d < numDims; d++, k++) {
        rankKeys[k] = sortedDicts[d].sortRank(keys[k]);
      }
    }
    final long[] t = times;
    final int nd = numDims;
    final int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    IntSort.sort(perm, (a, b) -> {
      int c = Long.compare(t[a], t[b]);
      if (c != 0) {
        return c;
      }
      for (int i = a * nd, j = b * nd, end = i + nd; i < end; i++, j++) {
        if (rankKeys[i] != rankKeys[j]) {
          return rankKeys[i] < rankKeys[j] ? -1 : 1;
        }
      }
      return 0;
    });
    return new SortedIndex(schema(), n, perm, times, keys, sortedDicts, metrics);
  }

  /** Rows in sorted order; a convenience over {@link #sort()}. */
  public Iterator<Row> sortedRows()
  {
    return sort().rows();
  }

  /**
   * One output row.
   *
   * @param timestamp  {@code __time}
   * @param dimensions values in schema order: String, Long, Float or Double, or null; a multi-value cell as a
   *                   {@code List<String>} (an empty one as null, as Druid reads it)
   * @param metrics    values in schema order: Long, Float or Double, or null (an aggregator without a value); a
   *                   {@link FirstLastPair} for first/last
   */
  public record Row(long timestamp, List<Object> dimensions, List<Object> metrics)
  {
  }

  // ---------------------------------------------------------------------------------------------------------------

  private long truncate(long timestampMillis)
  {
    long start;
    if (granularityIsNone) {
      start = timestampMillis;
    } else if (timestampMillis >= bucketStart && timestampMillis < bucketEnd) {
      start = bucketStart;
    } else {
      start = granularity.bucketStart(timestampMillis);
      bucketStart = start;
      bucketEnd = granularity.bucketEnd(timestampMillis);
    }
    return Math.max(start, minTimestamp);
  }

  private int appendRow(long time)
  {
    if (rows == capacity) {
      if (capacity >= Integer.MAX_VALUE / Math.max(1, numDims) / 2) {
        throw new IllegalStateException("IncrementalIndex is full at " + rows + " rows");
      }
      allocate(capacity * 2);
    }
    final int r = rows++;
    times[r] = time;
    System.arraycopy(scratchIds, 0, keys, r * numDims, numDims);
    for (Metric m : metrics) {
      m.init(r);
    }
    if (time < minTime) {
      minTime = time;
    }
    if (time > maxTime) {
      maxTime = time;
    }
    for (int d = 0; d < numDims; d++) {
      if (scratchIds[d] == 0 || scratchIds[d] == StringDictionary.ABSENT) {
        dicts[d].hasNull = true; // an absent cell is stored as null, as Druid's sparse dimensions
      }
    }
    return r;
  }

  private void allocate(int newCapacity)
  {
    times = times == null ? new long[newCapacity] : Arrays.copyOf(times, newCapacity);
    keys = keys == null ? new int[newCapacity * numDims] : Arrays.copyOf(keys, newCapacity * numDims);
    for (Metric m : metrics) {
      m.resize(newCapacity);
    }
    if (rollup) {
      hashes = hashes == null ? new int[newCapacity] : Arrays.copyOf(hashes, newCapacity);
      if (table == null) {
        table = new int[Integer.highestOneBit(newCapacity) * 4];
        Arrays.fill(table, -1);
        tableMask = table.length - 1;
      }
    }
    capacity = newCapacity;
  }

  private void rehash(int newSize)
  {
    table = new int[newSize];
    Arrays.fill(table, -1);
    tableMask = newSize - 1;
    for (int r = 0; r < rows; r++) {
      int slot = hashes[r] & tableMask;
      while (table[slot] >= 0) {
        slot = (slot + 1) & tableMask;
      }
      table[slot] = r;
    }
  }

  private boolean keyEquals(int r)
  {
    for (int d = 0, k = r * numDims; d < numDims; d++, k++) {
      if (rollupCode(keys[k]) != rollupCode(scratchIds[d])) {
        return false;
      }
    }
    return true;
  }

  /** A cell's code as a rollup key: the empty list is the same key as null, as in Druid. */
  private static int rollupCode(int code)
  {
    return code == StringDictionary.EMPTY_LIST ? 0 : code;
  }

  private static int hash(long time, int[] ids)
  {
    long x = time * 0x9E3779B97F4A7C15L;
    for (int id : ids) {
      x = (x ^ rollupCode(id)) * 0x9E3779B97F4A7C15L;
    }
    x ^= x >>> 31;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    return (int) x;
  }

  /**
   * The {@code SEEN_*} bit of a type-aware dimension's value, as Druid's "auto" indexer types it: none for null; a
   * whole number or a boolean is a long, any other number a double, a String (or byte[], stored as base64) a string.
   *
   * @throws IllegalArgumentException for a list or an object: Druid would write an ARRAY or COMPLEX&lt;json&gt;
   *                                  column, which Sluice's segments do not have
   */
  static int seenType(String dimension, Object v)
  {
    if (v == null) {
      return 0;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof Boolean
        || v instanceof java.math.BigInteger && ((java.math.BigInteger) v).bitLength() < 64) {
      return DimensionSchema.SEEN_LONG;
    }
    if (v instanceof Number) {
      return DimensionSchema.SEEN_DOUBLE;
    }
    if (v instanceof String || v instanceof byte[]) {
      return DimensionSchema.SEEN_STRING;
    }
    throw new IllegalArgumentException(unsupportedDiscoveredValue(dimension, v));
  }

  /**
   * How a type-aware dimension stores a value: as {@link #toDimensionString}, but a boolean as "1" or "0" and a whole
   * double (up to 2^53) as the long it equals, so that rollup keys 5 and 5.0 together, as Druid's "auto" indexer does.
   */
  static String typeAwareString(Object v)
  {
    if (v instanceof Boolean) {
      return (Boolean) v ? "1" : "0";
    }
    if (v instanceof Double || v instanceof Float) {
      final double x = ((Number) v).doubleValue();
      if (x == Math.rint(x) && Math.abs(x) <= (double) (1L << 53)) {
        return Long.toString((long) x);
      }
    }
    return toDimensionString(v);
  }

  /**
   * Why a discovered dimension cannot hold {@code v} under {@code useSchemaDiscovery}, or null if it can: a list or an
   * object, which Druid would store as an ARRAY or COMPLEX&lt;json&gt; column.
   */
  public static String unsupportedDiscoveredValue(String dimension, Object v)
  {
    if (v instanceof List || v instanceof Object[]) {
      return "field '" + dimension + "' holds an array; with useSchemaDiscovery Druid would store it as an ARRAY "
             + "column, which Sluice does not write (list '" + dimension + "' as a string dimension to store it as "
             + "a multi-value string)";
    }
    if (v instanceof Map) {
      return "field '" + dimension + "' holds an object; with useSchemaDiscovery Druid would store it as a "
             + "COMPLEX<json> column, which Sluice does not write (use a flattenSpec to extract its fields)";
    }
    if (v instanceof Number || v instanceof String || v instanceof Boolean || v instanceof byte[] || v == null) {
      return null;
    }
    return "field '" + dimension + "' holds a " + v.getClass().getSimpleName()
           + ", which a discovered dimension cannot store";
  }

  /** A single STRING dimension value (see the class comment); a list of one element is that element. */
  static String toDimensionString(Object v)
  {
    if (v == null) {
      return null;
    }
    if (v instanceof String) {
      return (String) v;
    }
    if (v instanceof byte[]) {
      return Base64.getEncoder().encodeToString((byte[]) v);
    }
    if (v instanceof Object[] && ((Object[]) v).length == 1) {
      return elementString(((Object[]) v)[0]);
    }
    if (v instanceof List && ((List<?>) v).size() == 1) {
      return elementString(((List<?>) v).get(0));
    }
    return String.valueOf(v);
  }

  /** The values of a multi-value cell, unsorted: null unless {@code v} is a list of 0 or at least 2 elements. */
  static String[] toDimensionList(Object v)
  {
    final List<?> list;
    if (v instanceof List) {
      list = (List<?>) v;
    } else if (v instanceof Object[]) {
      list = Arrays.asList((Object[]) v);
    } else {
      return null;
    }
    if (list.size() == 1) {
      return null;
    }
    final String[] out = new String[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = elementString(list.get(i));
    }
    return out;
  }

  /** Druid's {@code Evals.asString}: null, or the element's {@code toString}. */
  private static String elementString(Object o)
  {
    return o == null ? null : o.toString();
  }

  /**
   * Converts a numeric dimension value into {@code scratchBits[d]}: the long value, or the raw bits of the float or
   * double. Returns false for null (missing or unparseable).
   */
  private boolean toNumericBits(Object v, ValueType type, int d)
  {
    switch (type) {
      case LONG: {
        Long l = parseLong(v);
        if (l == null) {
          return false;
        }
        scratchBits[d] = l;
        return true;
      }
      case FLOAT: {
        final float f;
        if (v instanceof Number) {
          f = ((Number) v).floatValue();
        } else if (v instanceof Boolean) {
          f = (Boolean) v ? 1f : 0f;
        } else if (v instanceof String && !((String) v).isEmpty()) {
          try {
            f = Float.parseFloat((String) v);
          }
          catch (NumberFormatException e) {
            return false;
          }
        } else {
          return false;
        }
        scratchBits[d] = Float.floatToIntBits(f) & 0xFFFFFFFFL;
        return true;
      }
      case DOUBLE: {
        final Double x = v instanceof Boolean ? Double.valueOf((Boolean) v ? 1d : 0d) : parseDouble(v);
        if (x == null) {
          return false;
        }
        scratchBits[d] = Double.doubleToLongBits(x);
        return true;
      }
      default:
        throw new IllegalStateException();
    }
  }

  static Long parseLong(Object v)
  {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number) {
      return ((Number) v).longValue();
    }
    if (v instanceof String) {
      String s = (String) v;
      if (s.isEmpty()) {
        return null;
      }
      try {
        return Long.parseLong(s);
      }
      catch (NumberFormatException e) {
        try {
          return (long) Double.parseDouble(s);
        }
        catch (NumberFormatException e2) {
          return null;
        }
      }
    }
    if (v instanceof Boolean) {
      return (Boolean) v ? 1L : 0L;
    }
    return null;
  }

  static Double parseDouble(Object v)
  {
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    if (v instanceof String) {
      String s = (String) v;
      if (s.isEmpty()) {
        return null;
      }
      try {
        return Double.parseDouble(s);
      }
      catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // dictionaries

  abstract static class Dictionary
  {
    boolean hasNull;

    abstract long estimatedBytes();

    abstract SortedIndex.DimensionDictionary sorted(String name);
  }

  /**
   * id 0 is null; values get ids 1, 2, ... in arrival order. Lists of ids (multi-value cells) get codes -1, -2, ...
   * in arrival order; -1 is the empty list.
   */
  static final class StringDictionary extends Dictionary
  {
    /** The code of the empty list. */
    static final int EMPTY_LIST = -1;
    /** The code of an absent cell: a discovered dimension the row lacks. Stored like null; keyed and sorted apart. */
    static final int ABSENT = Integer.MIN_VALUE;
    private static final Comparator<String> NULLS_FIRST = Comparator.nullsFirst(Comparator.naturalOrder());

    private final DimensionSchema.MultiValueHandling multiValueHandling;
    private final HashMap<String, Integer> ids = new HashMap<>();
    private final ArrayList<String> values = new ArrayList<>();
    private final HashMap<IdList, Integer> listCodes = new HashMap<>();
    /** list -1 - code; entry 0 is the empty list. */
    private final ArrayList<int[]> lists = new ArrayList<>();
    /** Some cell had several values: the column is multi-value, as Druid's hasMultipleValues. */
    private boolean multiValue;
    private long bytes;

    StringDictionary(DimensionSchema.MultiValueHandling multiValueHandling)
    {
      this.multiValueHandling = multiValueHandling;
      values.add(null);
      lists.add(new int[0]);
      listCodes.put(new IdList(new int[0]), EMPTY_LIST);
    }

    /**
     * The code of a cell holding {@code cell} (0 or at least 2 values, unsorted; the array is reordered): an id when
     * one value is left after SORTED_SET, else a list code.
     */
    int codeOf(String[] cell)
    {
      if (cell.length == 0) {
        hasNull = true; // Druid adds null to the dictionary for an empty row
        return EMPTY_LIST;
      }
      multiValue = true;
      if (multiValueHandling.sorts()) {
        Arrays.sort(cell, NULLS_FIRST);
      }
      int[] cellIds = new int[cell.length];
      int n = 0;
      for (String v : cell) {
        final int id = idOf(v);
        if (id == 0) {
          hasNull = true;
        }
        if (multiValueHandling == DimensionSchema.MultiValueHandling.SORTED_SET && n > 0 && cellIds[n - 1] == id) {
          continue;
        }
        cellIds[n++] = id;
      }
      if (n == 1) {
        return cellIds[0];
      }
      if (n < cellIds.length) {
        cellIds = Arrays.copyOf(cellIds, n);
      }
      final IdList key = new IdList(cellIds);
      final Integer code = listCodes.get(key);
      if (code != null) {
        return code;
      }
      final int newCode = -1 - lists.size();
      lists.add(cellIds);
      listCodes.put(key, newCode);
      bytes += 96 + 8L * n; // int[] and its key, the map node and list slot
      return newCode;
    }

    int idOf(String s)
    {
      if (s == null) {
        return 0;
      }
      Integer id = ids.get(s);
      if (id != null) {
        return id;
      }
      int newId = values.size();
      values.add(s);
      ids.put(s, newId);
      bytes += STRING_ENTRY_OVERHEAD + (long) s.length() * (isLatin1(s) ? 1 : 2);
      return newId;
    }

    private static boolean isLatin1(String s)
    {
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) > 0xFF) {
          return false;
        }
      }
      return true;
    }

    @Override
    long estimatedBytes()
    {
      return 64 + bytes;
    }

    @Override
    SortedIndex.DimensionDictionary sorted(String name)
    {
      final int k = values.size();
      final byte[][] utf8 = new byte[k][];
      for (int i = 1; i < k; i++) {
        utf8[i] = values.get(i).getBytes(StandardCharsets.UTF_8);
      }
      final int[] order = new int[k - 1];
      for (int i = 0; i < order.length; i++) {
        order[i] = i + 1;
      }
      // Java String order, as Druid's dictionaries (see the class comment)
      IntSort.sort(order, (a, b) -> values.get(a).compareTo(values.get(b)));
      return SortedIndex.DimensionDictionary.ofStrings(name, hasNull, order, values, utf8,
                                                       lists.toArray(new int[0][]), multiValue);
    }
  }

  /** An int[] with value equality, to intern lists of ids. */
  private record IdList(int[] ids)
  {
    @Override
    public boolean equals(Object o)
    {
      return o instanceof IdList && Arrays.equals(ids, ((IdList) o).ids);
    }

    @Override
    public int hashCode()
    {
      return Arrays.hashCode(ids);
    }
  }

  /** Numeric dimension values keyed by their bits; id 0 is null. */
  static final class NumericDictionary extends Dictionary
  {
    private final ValueType type;
    private final LongIntHashMap ids = new LongIntHashMap();
    private long[] bits = new long[16];
    private int size = 1;

    NumericDictionary(ValueType type)
    {
      this.type = type;
    }

    /** Id of a non-null value; null is always id 0. */
    int idOf(long valueBits)
    {
      int id = ids.get(valueBits);
      if (id >= 0) {
        return id;
      }
      if (size == bits.length) {
        bits = Arrays.copyOf(bits, size * 2);
      }
      bits[size] = valueBits;
      ids.putNew(valueBits, size);
      return size++;
    }

    @Override
    long estimatedBytes()
    {
      return 64 + ids.estimatedBytes() + bits.length * 8L + size * NUMERIC_ENTRY_OVERHEAD / 4;
    }

    @Override
    SortedIndex.DimensionDictionary sorted(String name)
    {
      final int[] order = new int[size - 1];
      for (int i = 0; i < order.length; i++) {
        order[i] = i + 1;
      }
      final long[] b = bits;
      switch (type) {
        case LONG:
          IntSort.sort(order, (x, y) -> Long.compare(b[x], b[y]));
          break;
        case FLOAT:
          IntSort.sort(order, (x, y) -> Float.compare(Float.intBitsToFloat((int) b[x]), Float.intBitsToFloat((int) b[y])));
          break;
        case DOUBLE:
          IntSort.sort(order, (x, y) -> Double.compare(Double.longBitsToDouble(b[x]), Double.longBitsToDouble(b[y])));
          break;
        default:
          throw new IllegalStateException();
      }
      return SortedIndex.DimensionDictionary.ofNumbers(name, type, hasNull, order, Arrays.copyOf(bits, size));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // metrics

  abstract static class Metric
  {
    final MetricSchema schema;
    final Kind kind;
    final String fieldName;
    /** The metric's expression, read instead of fieldName; null if it reads a field. */
    final Expr expression;
    /** One bit per row: the aggregator saw a value. Null for count, which is never null. */
    long[] seen;

    Metric(MetricSchema schema)
    {
      this.schema = schema;
      this.kind = schema.kind();
      this.fieldName = schema.fieldName() == null ? null : schema.fieldName().intern();
      this.expression = schema.expression() == null ? null : ExprParser.parse(schema.expression());
    }

    abstract void init(int row);

    abstract void aggregate(int row, Object value);

    abstract void resizeValues(int capacity);

    abstract long valueBytes();

    void resize(int capacity)
    {
      resizeValues(capacity);
      if (kind != Kind.COUNT) {
        int words = (capacity + 63) >>> 6;
        seen = seen == null ? new long[words] : Arrays.copyOf(seen, words);
      }
    }

    long estimatedBytes()
    {
      return 32 + valueBytes() + (seen == null ? 0 : seen.length * 8L);
    }

    final void markSeen(int row)
    {
      seen[row >>> 6] |= 1L << row;
    }

    final void clearSeen(int row)
    {
      if (seen != null) {
        seen[row >>> 6] &= ~(1L << row);
      }
    }

    /** Whether the row has a value: always for count. */
    final boolean hasValue(int row)
    {
      return seen == null || (seen[row >>> 6] & (1L << row)) != 0;
    }
  }

  static final class LongMetric extends Metric
  {
    long[] values;

    LongMetric(MetricSchema schema)
    {
      super(schema);
    }

    @Override
    void init(int row)
    {
      values[row] = kind.isMin() ? Long.MAX_VALUE : kind.isMax() ? Long.MIN_VALUE : 0L;
      clearSeen(row);
    }

    @Override
    void aggregate(int row, Object value)
    {
      if (kind == Kind.COUNT) {
        values[row]++;
        return;
      }
      final long v;
      if (value instanceof Long || value instanceof Integer) {
        v = ((Number) value).longValue();
      } else {
        if (value == null || value instanceof Boolean) {
          return;
        }
        Long parsed = parseLong(value);
        if (parsed == null) {
          return;
        }
        v = parsed;
      }
      switch (kind) {
        case LONG_SUM:
          values[row] += v;
          markSeen(row);
          break;
        case LONG_MIN:
          values[row] = Math.min(values[row], v);
          markSeen(row);
          break;
        case LONG_MAX:
          values[row] = Math.max(values[row], v);
          markSeen(row);
          break;
        default:
          throw new IllegalStateException();
      }
    }

    @Override
    void resizeValues(int capacity)
    {
      values = values == null ? new long[capacity] : Arrays.copyOf(values, capacity);
    }

    @Override
    long valueBytes()
    {
      return values.length * 8L;
    }
  }

  static final class DoubleMetric extends Metric
  {
    double[] values;

    DoubleMetric(MetricSchema schema)
    {
      super(schema);
    }

    @Override
    void init(int row)
    {
      values[row] = kind.isMin() ? Double.POSITIVE_INFINITY : kind.isMax() ? Double.NEGATIVE_INFINITY : 0d;
      clearSeen(row);
    }

    @Override
    void aggregate(int row, Object value)
    {
      final double v;
      if (value instanceof Double) {
        v = (Double) value;
      } else {
        Double parsed = parseDouble(value);
        if (parsed == null) {
          return;
        }
        v = parsed;
      }
      switch (kind) {
        case DOUBLE_SUM:
          values[row] += v;
          markSeen(row);
          break;
        case DOUBLE_MIN:
          values[row] = Math.min(values[row], v);
          markSeen(row);
          break;
        case DOUBLE_MAX:
          values[row] = Math.max(values[row], v);
          markSeen(row);
          break;
        default:
          throw new IllegalStateException();
      }
    }

    @Override
    void resizeValues(int capacity)
    {
      values = values == null ? new double[capacity] : Arrays.copyOf(values, capacity);
    }

    @Override
    long valueBytes()
    {
      return values.length * 8L;
    }
  }

  static final class FloatMetric extends Metric
  {
    float[] values;

    FloatMetric(MetricSchema schema)
    {
      super(schema);
    }

    @Override
    void init(int row)
    {
      values[row] = kind.isMin() ? Float.POSITIVE_INFINITY : kind.isMax() ? Float.NEGATIVE_INFINITY : 0f;
      clearSeen(row);
    }

    @Override
    void aggregate(int row, Object value)
    {
      final float v;
      if (value instanceof Number) {
        v = ((Number) value).floatValue();
      } else if (value instanceof String) {
        String s = (String) value;
        if (s.isEmpty()) {
          return;
        }
        try {
          v = Float.parseFloat(s);
        }
        catch (NumberFormatException e) {
          return;
        }
      } else {
        return;
      }
      switch (kind) {
        case FLOAT_SUM:
          values[row] += v;
          markSeen(row);
          break;
        case FLOAT_MIN:
          values[row] = Math.min(values[row], v);
          markSeen(row);
          break;
        case FLOAT_MAX:
          values[row] = Math.max(values[row], v);
          markSeen(row);
          break;
        default:
          throw new IllegalStateException();
      }
    }

    @Override
    void resizeValues(int capacity)
    {
      values = values == null ? new float[capacity] : Arrays.copyOf(values, capacity);
    }

    @Override
    long valueBytes()
    {
      return values.length * 4L;
    }
  }

  /**
   * A first/last metric: per row the pair (time, value) of Druid's NumericFirstAggregator / NumericLastAggregator
   * in SQL-compatible mode (Druid 37's only mode), fed as Druid's IncrementalIndex feeds it:
   * <ul>
   *   <li>the time is the row's event timestamp (not truncated to queryGranularity) for {@code timeColumn}
   *       {@code __time}; for another timeColumn, the field's value as a long (a Number, or a String parsed as
   *       a number); a row whose time is missing or unparseable is skipped by this metric;</li>
   *   <li>first replaces the pair when the time is strictly earlier (a tie keeps the row added first); last
   *       when the time is later or equal (a tie takes the row added last);</li>
   *   <li>a null or missing value is a candidate like any other: the pair then holds null;</li>
   *   <li>a value that is not a number (Druid's ParseException, thrown after the time was taken) moves the time
   *       but keeps the value (and its nullness) the pair had, as Druid's aggregator does;</li>
   *   <li>a row no row with a time reached holds (Long.MAX_VALUE, null) for first, (Long.MIN_VALUE, null) for
   *       last.</li>
   * </ul>
   * Values are stored as bits: a long, {@code Double.doubleToRawLongBits}, or {@code Float.floatToRawIntBits};
   * {@link #seen} marks a non-null value.
   */
  static final class PairMetric extends Metric
  {
    private static final byte NULL_VALUE = 1;
    private static final byte NUMBER = 2;
    private static final byte NOT_A_NUMBER = 3;

    final boolean first;
    final boolean eventTime;
    final ValueType valueType;
    long[] times;
    long[] values;
    private long scratchBits;

    PairMetric(MetricSchema schema)
    {
      super(schema);
      this.first = kind.isFirst();
      this.eventTime = IndexSchema.TIME_COLUMN.equals(schema.timeColumn());
      this.valueType = kind.valueType();
    }

    @Override
    void init(int row)
    {
      times[row] = first ? Long.MAX_VALUE : Long.MIN_VALUE;
      values[row] = 0;
      clearSeen(row);
    }

    @Override
    void aggregate(int row, Object value)
    {
      throw new UnsupportedOperationException("first/last metrics need the row's time");
    }

    void aggregate(int row, long timestampMillis, Map<String, ?> input)
    {
      final long time;
      if (eventTime) {
        time = timestampMillis;
      } else {
        final Number t = toNumber(input.get(schema.timeColumn()));
        if (t == null) {
          return; // missing or unparseable: Druid's time selector is null or throws; the row is skipped
        }
        time = t.longValue();
      }
      if (first ? time >= times[row] : time < times[row]) {
        return;
      }
      times[row] = time;
      switch (readValue(input.get(fieldName))) {
        case NUMBER:
          values[row] = scratchBits;
          markSeen(row);
          break;
        case NULL_VALUE:
          values[row] = 0;
          clearSeen(row);
          break;
        default: // NOT_A_NUMBER: the time moved, the value stays
      }
    }

    /** Converts a value into {@link #scratchBits}; returns NUMBER, NULL_VALUE or NOT_A_NUMBER. */
    private byte readValue(Object v)
    {
      if (v == null) {
        return NULL_VALUE;
      }
      final Number n = toNumber(v);
      if (n == null) {
        return NOT_A_NUMBER;
      }
      switch (valueType) {
        case LONG:
          scratchBits = n.longValue();
          break;
        case DOUBLE:
          scratchBits = Double.doubleToRawLongBits(n.doubleValue());
          break;
        default:
          scratchBits = Float.floatToRawIntBits(n.floatValue()) & 0xFFFFFFFFL;
      }
      return NUMBER;
    }

    /**
     * Druid's {@code Rows.objectToNumber}: a Number as it is; a String (trimmed, commas removed) as a long if it
     * is one, else as a double; null for null, an unparseable String, or any other type.
     */
    static Number toNumber(Object v)
    {
      if (v instanceof Number) {
        return (Number) v;
      }
      if (!(v instanceof String)) {
        return null;
      }
      final String s = ((String) v).trim().replace(",", "");
      if (s.isEmpty()) {
        return null;
      }
      try {
        return Long.parseLong(s);
      }
      catch (NumberFormatException e) {
        try {
          return Double.parseDouble(s);
        }
        catch (NumberFormatException e2) {
          return null;
        }
      }
    }

    /** The pair at index row {@code r}. */
    FirstLastPair pair(int r)
    {
      if (!hasValue(r)) {
        return new FirstLastPair(times[r], null);
      }
      final long bits = values[r];
      switch (valueType) {
        case LONG:
          return new FirstLastPair(times[r], bits);
        case DOUBLE:
          return new FirstLastPair(times[r], Double.longBitsToDouble(bits));
        default:
          return new FirstLastPair(times[r], Float.intBitsToFloat((int) bits));
      }
    }

    @Override
    void resizeValues(int capacity)
    {
      times = times == null ? new long[capacity] : Arrays.copyOf(times, capacity);
      values = values == null ? new long[capacity] : Arrays.copyOf(values, capacity);
    }

    @Override
    long valueBytes()
    {
      return values.length * 16L;
    }
  }

  /** For {@link SortedIndex#rows()}: an unmodifiable list that may hold nulls. */
  static List<Object> listOf(Object[] values)
  {
    return Collections.unmodifiableList(Arrays.asList(values));
  }
}
