package io.sluice.segment.v9;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.index.MetricSchema;
import io.sluice.segment.index.SortedIndex;
import io.sluice.segment.spec.IndexSpec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Druid V9 segment directory from an {@link IncrementalIndex}, readable by Druid 33 and 37
 * ({@code IndexIO.loadIndex}). Follows {@code /work/shared/reference/druid-v9-segment-format.md}.
 *
 * <h2>Grammar</h2>
 * Notation: {@code u8}; {@code i32}, {@code i64} big-endian; {@code str} = i32 byte length + UTF-8. All framing is
 * big-endian; the <em>decompressed</em> contents of LZ4 blocks are little-endian. LZ4 blocks are raw LZ4 block format
 * and each decompresses to at most 65,536 bytes. They decompress to Druid's bytes; compressed, they are Druid's
 * bytes only at Druid's LZ4 level ({@code Blocks.Effort.DRUID}, which the Druid-oracle tests use), while published
 * segments use a faster level (1–2% larger; see {@code Blocks.PUBLISHED_LZ4_LEVEL}).
 * <pre>
 * segment dir   := version.bin factory.json meta.smoosh 00000.smoosh [00001.smoosh ...]
 * version.bin   := i32 9
 * factory.json  := {"type":"mMapSegmentFactory"}
 * meta.smoosh   := "v1,2147483647," numChunks "\n" { name "," chunk "," start "," end "\n" }   (lines sorted by name)
 * NNNNN.smoosh  := internal files back to back, [start, end) as listed in meta.smoosh. Physical order:
 *                  __time, metrics (sorted by name, as Druid's IndexMergerV9), dimensions (schema order),
 *                  index.drd, metadata.drd
 *
 * GI(flag)      := u8 0x01 | u8 flag | i32 numBytesUsed (= 4 + 4*count + len(values)) | i32 count
 *                  | i32 endOffset[count] | values: { i32 marker (0 present, -1 null) | bytes }
 *                  flag 0x01 = strictly ascending (reverse lookup allowed), 0x00 otherwise
 *
 * column file   := str descriptorJson | part
 *
 * Numeric columns (__time, metrics, long/float/double dimensions) follow indexSpec.metricCompression and, for longs,
 * indexSpec.longEncoding (see {@link LongEncoding}):
 * numeric part  := i32 compressedLen
 *                  | u8 0x02 | i32 rows | i32 sizePer | meta
 *                  | LZ4, UNCOMPRESSED: GI(0x00) of blocks, each sizePer values (the last one shorter), stored as a
 *                                       raw LZ4 block or as they are
 *                    NONE:              the values as one run (sizePer is 0)
 *                  | [ i32 bitmapLen | roaring bitmap of null rows ]      only if some row is null (value stored 0)
 *   values:      double, float: little-endian, sizePer 8192 / 16384; long: LONGS little-endian, sizePer 8192, or
 *                TABLE / DELTA bit-packed, sizePer the largest power of two whose packing fits 64 KiB
 *   meta:        u8 compressionId (LZ4 0x01, UNCOMPRESSED 0xFF, NONE 0xFE); for TABLE / DELTA instead
 *                u8 (compressionId - 126) | u8 format (DELTA 0x00, TABLE 0x01) | u8 0x01 | table or base+bits
 *   descriptor:  {"valueType":"LONG","hasMultipleValues":false,"parts":[{"type":"longV2",
 *                 "byteOrder":"LITTLE_ENDIAN","bitmapSerdeFactory":{"type":"roaring"}}]}   (DOUBLE/doubleV2, FLOAT/floatV2)
 *
 * String columns follow indexSpec.dimensionCompression; a column is multi-value when some row holds several values:
 * string part   := LZ4:          u8 0x02 | i32 flags (0; 0x02 MULTI_VALUE_V3 when multi-value) | dictionary
 *                                | single: ints(ids)   multi: u8 0x03 | offsets | ints(ids of every row, in row order)
 *                                | bitmaps
 *                  UNCOMPRESSED: u8 0x00 (single) or 0x01 (multi), no flags | dictionary
 *                                | single: vsize(ids)  multi: vsizeMulti(rows) | bitmaps
 *   dictionary:  GI(0x01) of UTF-8 values, strictly ascending in Java String (UTF-16) order, which is the order
 *                Druid's reverse lookup binary-searches with (StringUtils.compareUtf8UsingJavaStringOrdering);
 *                entry 0 is null (marker -1) exactly when some row is null or holds a null
 *   ints:        u8 0x02 | u8 numBytes | i32 count | i32 sizePer | u8 0x01 (LZ4) | GI(0x00) of LZ4 blocks, each
 *                sizePer ids as their low numBytes bytes, little-endian
 *   offsets:     u8 0x02 | i32 rows+1 | i32 16384 | u8 0x01 (LZ4) | GI(0x00) of LZ4 blocks of little-endian i32:
 *                the index of each row's first id, then the total
 *   vsize:       u8 0x00 | u8 numBytes | i32 byteCount | ids big-endian, numBytes each | (4 - numBytes) zero bytes
 *   vsizeMulti:  u8 0x01 | u8 numBytes | i32 byteCount | i32 rows | i32 rowEndByte[rows] | ids big-endian
 *                | (4 - numBytes) zero bytes
 *   bitmaps:     GI(0x00) of roaring bitmaps, one per dictionary id, rows holding that value (empty: no bytes);
 *                the null bitmap also holds a multi-value column's empty rows (rows of no value)
 *   row values:  a row's ids in the order its dimension's multiValueHandling left them (sorted by value, nulls first,
 *                for SORTED_ARRAY / SORTED_SET; as ingested for ARRAY); a single-valued column stores an empty
 *                list as null
 *     numBytes = 1, 2, 3, 4 for cardinality (dictionary size incl. null) &lt;= 0xFF, 0xFFFF, 0xFFFFFF, more;
 *     sizePer  = 65536, 32768, 16384, 16384
 *   descriptor:  {"valueType":"STRING","hasMultipleValues":false|true,"parts":[{"type":"stringDictionary",
 *                 "bitmapSerdeFactory":{"type":"roaring"},"byteOrder":"LITTLE_ENDIAN"}]}
 * roaring       := RoaringFormatSpec portable serialization after runOptimize (always, as Druid 37, whatever
 *                  indexSpec.bitmap.compressRunOnSerialization says)
 *
 * first/last metrics (longFirst, doubleLast, ...) := Druid's serializablePairLong{Long,Double,Float} complex
 *                  column, see {@link PairColumnPart}
 * __time        := numeric part (longV2) of non-decreasing epoch millis, no nulls
 * index.drd     := GI(columns: metrics by name, then dimensions) | GI(dimensions) | i64 intervalStart | i64 intervalEnd
 *                  | str {"type":"roaring"} | GI(allColumns) | GI(allDimensions)
 *                  (flag 0x01 when the names happen to be strictly ascending by String order, as Druid computes it;
 *                  allColumns / allDimensions hold only null entries: no column is null-only-and-dropped)
 * metadata.drd  := JSON {"container":{},"aggregators":[combining aggregators by name (first/last with their
 *                  timeColumn)],"timestampSpec":{...},
 *                  "queryGranularity":..., "rollup":bool, "ordering":[{"columnName":"__time","order":"ascending"},
 *                  {"columnName":dim,"order":"ascending"}...]} (the dimensions up to the first type-aware one
 *                  written as numbers, whose rows are in its strings' order)
 * </pre>
 *
 * <p>Deviation from the reference document: it says "unsigned UTF-8 byte order" for dictionaries. Druid 33/37 compare
 * UTF-8 dictionary entries in Java String order, and the two differ for supplementary characters (U+10000 and up)
 * against U+E000..U+FFFF; with byte order Druid's equality filters miss such values. This writer uses String order.
 *
 * <p>Rows are written in {@link IncrementalIndex#sort()} order. Memory: the writer holds the sorted permutation plus
 * two columns at a time (one being built while the other's blocks are compressed; see
 * {@link ColumnarSegmentWriter}); files are streamed through a 1 MiB buffer.
 */
public final class V9SegmentWriter
{
  /** Segment binary version in version.bin and DataSegment.binaryVersion. */
  public static final int V9 = 9;
  static final String VERSION_FILE = "version.bin";
  static final String FACTORY_FILE = "factory.json";
  static final String FACTORY_JSON = "{\"type\":\"mMapSegmentFactory\"}";
  static final String INDEX_FILE = "index.drd";
  static final String METADATA_FILE = "metadata.drd";
  static final String BITMAP_SERDE_JSON = "{\"type\":\"roaring\"}";

  private static final ObjectMapper JSON = new ObjectMapper();

  private V9SegmentWriter()
  {
  }

  /**
   * Writes the index as a segment.
   *
   * <p>Row times must lie in {@code [intervalStartMillis, intervalEndMillis)}. One exception, Druid's
   * {@code max(bucketStart, intervalStart)}: if every row before the interval shares one time (queryGranularity ALL,
   * or a granularity coarser than the interval) and no row sits exactly at the interval start, those rows are
   * written at the interval start.
   *
   * @param outDir created if missing; existing segment files in it are replaced
   * @throws IllegalArgumentException for an empty index, an empty interval, or rows outside the interval
   */
  public static SegmentFiles write(IncrementalIndex index, long intervalStartMillis, long intervalEndMillis, Path outDir)
      throws IOException
  {
    return write(index, intervalStartMillis, intervalEndMillis, outDir, IndexSpec.DEFAULT);
  }

  /**
   * Writes the index as a segment with the column formats of {@code indexSpec} (see the class grammar), as Druid's
   * IndexMergerV9 writes them for the same indexSpec. Otherwise as {@link #write(IncrementalIndex, long, long, Path)}.
   */
  public static SegmentFiles write(
      IncrementalIndex index,
      long intervalStartMillis,
      long intervalEndMillis,
      Path outDir,
      IndexSpec indexSpec
  ) throws IOException
  {
    return write(index, intervalStartMillis, intervalEndMillis, outDir, indexSpec, Blocks.Effort.HIGH);
  }

  /**
   * Writes the index as an intermediate persist: a segment that only Sluice reads back (to merge it) and then
   * deletes. As {@link #write(IncrementalIndex, long, long, Path, IndexSpec)}, with two differences: LZ4 blocks are
   * compressed with LZ4's fast mode, not high compression, and string columns have no bitmap index (the merge never
   * reads one; it builds the final segment's). The format, the compression id and the values are the same, and the
   * segment is as readable (by Sluice and by Druid); the compressed blocks are somewhat larger. High compression is
   * most of the time a segment write takes, and these segments are never published.
   */
  public static SegmentFiles writeIntermediate(
      IncrementalIndex index,
      long intervalStartMillis,
      long intervalEndMillis,
      Path outDir,
      IndexSpec indexSpec
  ) throws IOException
  {
    return write(index, intervalStartMillis, intervalEndMillis, outDir, indexSpec, Blocks.Effort.FAST);
  }

  /** As {@link #write(IncrementalIndex, long, long, Path, IndexSpec)}, LZ4 blocks compressed with {@code effort}. */
  static SegmentFiles write(
      IncrementalIndex index,
      long intervalStartMillis,
      long intervalEndMillis,
      Path outDir,
      IndexSpec indexSpec,
      Blocks.Effort effort
  ) throws IOException
  {
    if (index.isEmpty()) { // checked before sorting; the columnar writer checks the rest
      throw new IllegalArgumentException("cannot write an empty index as a segment");
    }
    final SortedIndex sorted = index.sort();
    return ColumnarSegmentWriter.write(new ColumnarSegmentWriter.Source()
    {
      @Override
      public IndexSchema schema()
      {
        return sorted.schema();
      }

      @Override
      public int rowCount()
      {
        return sorted.rowCount();
      }

      @Override
      public long[] times()
      {
        return sorted.times();
      }

      @Override
      public SortedIndex.NumericColumn metric(int metricIndex)
      {
        return sorted.metric(metricIndex);
      }

      @Override
      public SortedIndex.PairColumn pairMetric(int metricIndex)
      {
        return sorted.pairMetric(metricIndex);
      }

      @Override
      public SortedIndex.StringColumn stringDimension(int dimensionIndex)
      {
        return sorted.stringDimension(dimensionIndex);
      }

      @Override
      public SortedIndex.NumericColumn numericDimension(int dimensionIndex)
      {
        return sorted.numericDimension(dimensionIndex);
      }
    }, intervalStartMillis, intervalEndMillis, outDir, indexSpec, effort);
  }

  /** The metadata.drd JSON for a schema (see the class grammar). */
  static byte[] metadataJson(IndexSchema schema) throws IOException
  {
    final List<MetricSchema> metrics = new ArrayList<>(schema.metrics());
    metrics.sort(Comparator.comparing(MetricSchema::name));
    final List<Object> aggregators = new ArrayList<>();
    for (MetricSchema m : metrics) {
      aggregators.add(m.combiningJson());
    }
    final List<Object> ordering = new ArrayList<>();
    ordering.add(orderBy(IndexSchema.TIME_COLUMN));
    for (DimensionSchema d : schema.dimensions()) {
      if (d.type() == DimensionSchema.ValueType.STRING && d.writtenType() != DimensionSchema.ValueType.STRING) {
        // a type-aware column written as numbers: its rows are in the order of the values' strings, not of the
        // numbers, so the segment claims its order only up to here
        break;
      }
      ordering.add(orderBy(d.name()));
    }
    final Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("container", Collections.emptyMap());
    metadata.put("aggregators", aggregators);
    metadata.put("timestampSpec", schema.timestampSpecJson());
    metadata.put("queryGranularity", schema.queryGranularity().toMetadataJson());
    metadata.put("rollup", schema.rollup());
    metadata.put("ordering", ordering);
    return JSON.writeValueAsBytes(metadata);
  }

  private static Map<String, Object> orderBy(String column)
  {
    final Map<String, Object> m = new LinkedHashMap<>();
    m.put("columnName", column);
    m.put("order", "ascending");
    return m;
  }

  static Part indexDrd(List<String> metrics, List<String> dimensions, long start, long end)
  {
    final List<String> columns = new ArrayList<>(metrics);
    columns.addAll(dimensions);
    final ByteBuffer interval = ByteBuffer.allocate(2 * Long.BYTES).putLong(start).putLong(end);
    return Part.concat(List.of(
        stringIndex(columns),
        stringIndex(dimensions),
        Part.bytes(interval.array()),
        Part.string(BITMAP_SERDE_JSON),
        nullIndex(columns.size()),
        nullIndex(dimensions.size())
    ));
  }

  /** GI of names, flagged sorted when strictly ascending (Druid's GenericIndexed.fromIterable). */
  private static Part stringIndex(List<String> names)
  {
    boolean sorted = true;
    final List<byte[]> elements = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      if (i > 0 && names.get(i - 1).compareTo(names.get(i)) >= 0) {
        sorted = false;
      }
      elements.add(names.get(i).getBytes(StandardCharsets.UTF_8));
    }
    return new GenericIndexedPart(elements, sorted);
  }

  /** GI of {@code count} null entries (Druid's allColumns / allDimensions with no null-only column). */
  private static Part nullIndex(int count)
  {
    final byte[][] nulls = new byte[count][];
    return new GenericIndexedPart(Arrays.asList(nulls), true);
  }

  /** Applies the interval rule of {@link #write}; {@code times} is sorted. */
  static void clampTimes(long[] times, long start, long end)
  {
    final long last = times[times.length - 1];
    if (last >= end) {
      throw new IllegalArgumentException(
          "row time " + DataSegment.iso(last) + " is not before the interval end " + DataSegment.iso(end)
      );
    }
    if (times[0] >= start) {
      return;
    }
    int before = 0;
    while (before < times.length && times[before] < start) {
      if (times[before] != times[0]) {
        throw new IllegalArgumentException(
            "rows before the interval start " + DataSegment.iso(start) + " have several times; build the index with "
            + "IncrementalIndex(schema, intervalStart)"
        );
      }
      before++;
    }
    if (before < times.length && times[before] == start) {
      throw new IllegalArgumentException(
          "rows at " + DataSegment.iso(times[0]) + " and at the interval start " + DataSegment.iso(start)
          + " would merge; build the index with IncrementalIndex(schema, intervalStart)"
      );
    }
    Arrays.fill(times, 0, before, start);
  }

  static void deleteSegmentFiles(Path dir) throws IOException
  {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        final String name = f.getFileName().toString();
        if (name.equals(VERSION_FILE) || name.equals(FACTORY_FILE) || name.equals(SmooshWriter.META_FILE)
            || name.matches("\\d{5}\\.smoosh")) {
          Files.delete(f);
        }
      }
    }
  }
}
