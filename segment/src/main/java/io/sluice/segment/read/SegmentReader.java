package io.sluice.segment.read;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Druid V9 segment: a segment directory or a deep-storage {@code index.zip}. It mirrors
 * {@code io.sluice.segment.v9.V9SegmentWriter}, whose javadoc holds the grammar, and also reads the layouts Druid's
 * {@code IndexMergerV9} writes with other IndexSpecs: LZ4, {@code uncompressed} and {@code none} compression,
 * {@code longs} and {@code auto} (DELTA, TABLE) long encodings, roaring bitmaps with or without run containers,
 * multi-value strings. Complex and nested columns are listed, not decoded.
 * <pre>
 * segment     := version.bin (i32 9) | meta.smoosh | NNNNN.smoosh ...      (see {@link Smoosh})
 * index.drd   := GI(columns) | GI(dimensions) | i64 dataIntervalStart | i64 dataIntervalEnd
 *                | [ str bitmapSerdeFactoryJson | [ GI(allColumns) | GI(allDimensions) ] ]
 *                allColumns / allDimensions restore the order around null-only columns: a null entry stands for
 *                the next name of columns / dimensions
 * column file := str descriptorJson | part        (see {@link NumericColumn}, {@link StringColumn})
 * metadata.drd:= JSON (optional)
 * </pre>
 *
 * <p>Untrusted input: every length, count and offset is checked against the bytes that are there before anything is
 * allocated or read, LZ4 uses the safe decompressor, and zips are unpacked with a size limit (see
 * {@link ZipExtractor}). A segment that is corrupt, truncated or in an unsupported layout fails with
 * {@link SegmentFormatException}, from {@code open} for the structure (smoosh, index.drd, {@code __time}) or from the
 * column accessor that meets the bad bytes. Directories are memory-mapped; a zip is unpacked into a temporary
 * directory that {@link #close()} deletes. Not thread-safe.
 */
public final class SegmentReader implements AutoCloseable
{
  public static final String TIME_COLUMN = "__time";
  public static final String INDEX_FILE = "index.drd";
  public static final String METADATA_FILE = "metadata.drd";
  static final String VERSION_FILE = "version.bin";
  /** Default bound on the bytes a zip may expand to. */
  public static final long DEFAULT_MAX_UNZIPPED_BYTES = 8L << 30;
  private static final int V9 = 9;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SegmentSource source;
  private final Smoosh smoosh;
  private final List<String> columnNames;
  private final List<String> dimensions;
  private final long dataIntervalStart;
  private final long dataIntervalEnd;
  private final String bitmapSerdeType;
  private final NumericColumn time;
  private final Map<String, Column> columns = new HashMap<>();
  private long[] timeRange;

  private SegmentReader(SegmentSource source) throws IOException
  {
    this.source = source;
    checkVersion(source);
    this.smoosh = Smoosh.read(source);
    final Input index = internal(INDEX_FILE);
    final GenericIndexed cols = GenericIndexed.read(index, "columns");
    final GenericIndexed dims = GenericIndexed.read(index, "dimensions");
    this.dataIntervalStart = index.i64("data interval start");
    this.dataIntervalEnd = index.i64("data interval end");
    String serde = null;
    List<String> colNames = names(cols);
    List<String> dimNames = names(dims);
    if (index.hasRemaining()) {
      final long at = index.position();
      serde = jsonType(index, index.string("bitmap serde"), at);
      if (index.hasRemaining()) {
        final long allColsAt = index.position();
        colNames = restore(index, allColsAt, colNames, GenericIndexed.read(index, "all columns"), "columns");
        final long allDimsAt = index.position();
        dimNames = restore(index, allDimsAt, dimNames, GenericIndexed.read(index, "all dimensions"), "dimensions");
      }
      if (index.hasRemaining()) {
        throw index.error(index.remaining() + " unexpected bytes at the end");
      }
    }
    this.bitmapSerdeType = serde;
    final Set<String> seen = new HashSet<>();
    for (String c : colNames) {
      if (c.equals(TIME_COLUMN) || !seen.add(c)) {
        throw index.errorAt(0, "column " + c + " is listed twice");
      }
      if (smoosh.entry(c) == null) {
        throw index.errorAt(0, "column " + c + " has no internal file");
      }
    }
    for (String d : dimNames) {
      if (!seen.contains(d)) {
        throw index.errorAt(0, "dimension " + d + " is not among the columns");
      }
    }
    if (new HashSet<>(dimNames).size() != dimNames.size()) {
      throw index.errorAt(0, "a dimension is listed twice");
    }
    this.columnNames = List.copyOf(colNames);
    this.dimensions = List.copyOf(dimNames);
    if (smoosh.entry(TIME_COLUMN) == null) {
      throw new SegmentFormatException(source.name(), TIME_COLUMN, -1, "no __time column");
    }
    final Column t = readColumn(TIME_COLUMN, -1);
    if (!(t instanceof NumericColumn) || ((NumericColumn) t).type() != NumericColumn.Type.LONG) {
      throw new SegmentFormatException(source.name(), TIME_COLUMN, 0, "__time is " + t.typeName() + ", not LONG");
    }
    this.time = (NumericColumn) t;
  }

  /** Opens a segment directory or an {@code index.zip}, the zip limited to {@link #DEFAULT_MAX_UNZIPPED_BYTES}. */
  public static SegmentReader open(Path path) throws IOException
  {
    return open(path, DEFAULT_MAX_UNZIPPED_BYTES);
  }

  /**
   * Opens a segment directory or an {@code index.zip}.
   *
   * @param maxUnzippedBytes the most bytes a zip may expand to
   * @throws IOException            if the path cannot be read
   * @throws SegmentFormatException if it is not a readable V9 segment
   */
  public static SegmentReader open(Path path, long maxUnzippedBytes) throws IOException
  {
    if (Files.isDirectory(path)) {
      return open(SegmentSource.directory(path, path.toString(), null));
    }
    if (!Files.isRegularFile(path)) {
      throw new NoSuchFileException(path.toString(), null, "no segment directory or index.zip");
    }
    final Path tmp = Files.createTempDirectory("sluice-segment-");
    try {
      ZipExtractor.extract(path, tmp, maxUnzippedBytes);
    }
    catch (IOException | RuntimeException e) {
      SegmentSource.deleteRecursively(tmp);
      throw e;
    }
    return open(SegmentSource.directory(tmp, path.toString(), tmp));
  }

  /** Opens a segment held in memory: physical file name (version.bin, meta.smoosh, 00000.smoosh, ...) to bytes. */
  public static SegmentReader open(String name, Map<String, byte[]> files)
  {
    try {
      return open(SegmentSource.memory(name, files));
    }
    catch (IOException e) {
      throw new IllegalStateException("in-memory files cannot fail to read", e);
    }
  }

  private static SegmentReader open(SegmentSource source) throws IOException
  {
    try {
      return new SegmentReader(source);
    }
    catch (IOException | RuntimeException e) {
      source.close();
      throw e;
    }
  }

  private static void checkVersion(SegmentSource source) throws IOException
  {
    final ByteBuffer version = source.file(VERSION_FILE);
    if (version == null) {
      final String hint = source.file("druid.segment") != null ? " (a V10 segment: not supported)" : "";
      throw new SegmentFormatException(source.name(), VERSION_FILE, -1, "missing: not a V9 segment" + hint);
    }
    if (version.remaining() != 4) {
      throw new SegmentFormatException(source.name(), VERSION_FILE, 0, version.remaining() + " bytes, expected 4");
    }
    final int v = version.order(ByteOrder.BIG_ENDIAN).getInt(version.position());
    if (v != V9) {
      throw new SegmentFormatException(source.name(), VERSION_FILE, 0, "segment version " + v + ", expected 9");
    }
  }

  private Input internal(String name)
  {
    final Smoosh.Entry e = smoosh.entry(name);
    if (e == null) {
      throw new SegmentFormatException(source.name(), name, -1, "no such internal file");
    }
    return new Input(source.name(), name, e.bytes(), 0);
  }

  /** Names of a GenericIndexed of names; Druid skips null and empty ones. */
  private static List<String> names(GenericIndexed gi)
  {
    final List<String> out = new ArrayList<>(gi.size());
    for (int i = 0; i < gi.size(); i++) {
      final String s = gi.string(i);
      if (s != null && !s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  private static List<String> restore(Input in, long at, List<String> nonNull, GenericIndexed all, String what)
  {
    final List<String> out = new ArrayList<>(all.size());
    int next = 0;
    for (int i = 0; i < all.size(); i++) {
      final String s = all.string(i);
      if (s != null) {
        out.add(s);
      } else if (next < nonNull.size()) {
        out.add(nonNull.get(next++));
      } else {
        throw in.errorAt(at, "all " + what + " holds more placeholders than the " + nonNull.size() + " " + what);
      }
    }
    if (next != nonNull.size()) {
      throw in.errorAt(at, "all " + what + " accounts for " + next + " of the " + nonNull.size() + " " + what);
    }
    return out;
  }

  private static String jsonType(Input in, String json, long at)
  {
    try {
      final JsonNode node = JSON.readTree(json);
      final JsonNode type = node == null ? null : node.get("type");
      if (type == null || !type.isTextual()) {
        throw in.errorAt(at, "bitmap serde " + json + " has no type");
      }
      return type.asText();
    }
    catch (IOException e) {
      throw in.errorAt(at, "bitmap serde is not JSON", e);
    }
  }

  // ------------------------------------------------------------------ the segment

  /** The segment's path or name. */
  public String name()
  {
    return source.name();
  }

  /** Rows in the segment: the length of {@code __time}. */
  public int rowCount()
  {
    return time.rows();
  }

  /** Start of the data interval recorded in index.drd (epoch millis). */
  public long dataIntervalStart()
  {
    return dataIntervalStart;
  }

  /** End (exclusive) of the data interval recorded in index.drd (epoch millis). */
  public long dataIntervalEnd()
  {
    return dataIntervalEnd;
  }

  /** The segment's bitmap type from index.drd ({@code roaring}), or null if index.drd does not say. */
  public String bitmapSerdeType()
  {
    return bitmapSerdeType;
  }

  /** Smallest {@code __time}, scanning the column once. */
  public long minTime()
  {
    return timeRange()[0];
  }

  /** Largest {@code __time}, scanning the column once. */
  public long maxTime()
  {
    return timeRange()[1];
  }

  private long[] timeRange()
  {
    if (time.rows() == 0) {
      throw new IllegalStateException("segment " + name() + " has no rows");
    }
    if (timeRange == null) {
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (int row = 0; row < time.rows(); row++) {
        final long t = time.getLong(row);
        min = Math.min(min, t);
        max = Math.max(max, t);
      }
      timeRange = new long[]{min, max};
    }
    return timeRange;
  }

  /** Every column: {@code __time}, then the others in index.drd order. */
  public List<String> columnNames()
  {
    final List<String> out = new ArrayList<>(columnNames.size() + 1);
    out.add(TIME_COLUMN);
    out.addAll(columnNames);
    return out;
  }

  /** Dimensions, in schema order. */
  public List<String> dimensions()
  {
    return dimensions;
  }

  /** The columns that are neither {@code __time} nor dimensions, in index.drd order. */
  public List<String> metrics()
  {
    final List<String> out = new ArrayList<>();
    for (String c : columnNames) {
      if (!dimensions.contains(c)) {
        out.add(c);
      }
    }
    return out;
  }

  /** A column, parsed on first use; null if the segment has no such column. */
  public Column column(String name)
  {
    if (TIME_COLUMN.equals(name)) {
      return time;
    }
    if (!columnNames.contains(name)) {
      return null;
    }
    Column c = columns.get(name);
    if (c == null) {
      c = readColumn(name, time.rows());
      columns.put(name, c);
    }
    return c;
  }

  /** Bytes of each internal file (columns, index.drd, metadata.drd), in meta.smoosh order. */
  public Map<String, Long> internalFileSizes()
  {
    final Map<String, Long> out = new LinkedHashMap<>();
    for (Smoosh.Entry e : smoosh.entries().values()) {
      out.put(e.name(), (long) e.size());
    }
    return out;
  }

  /** metadata.drd parsed, or null if the segment has none. */
  public JsonNode metadata()
  {
    final Smoosh.Entry e = smoosh.entry(METADATA_FILE);
    if (e == null) {
      return null;
    }
    final Input in = internal(METADATA_FILE);
    final byte[] bytes = in.bytes(in.remaining(), METADATA_FILE);
    try {
      return JSON.readTree(bytes);
    }
    catch (IOException e2) {
      throw in.errorAt(0, "not JSON: " + jsonMessage(e2), e2);
    }
  }

  /** metadata.drd's text, or null if the segment has none. */
  public String metadataText()
  {
    final Smoosh.Entry e = smoosh.entry(METADATA_FILE);
    if (e == null) {
      return null;
    }
    final Input in = internal(METADATA_FILE);
    return new String(in.bytes(in.remaining(), METADATA_FILE), StandardCharsets.UTF_8);
  }

  /**
   * Rows {@code [from, from + limit)} (clipped to the segment) as maps: {@code __time}, the dimensions, then the
   * other decodable columns. Values as {@link Column#value}.
   */
  public List<Map<String, Object>> rows(int from, int limit)
  {
    if (from < 0 || limit < 0) {
      throw new IllegalArgumentException("from and limit must be >= 0");
    }
    final List<Column> cols = new ArrayList<>();
    cols.add(time);
    for (String d : dimensions) {
      cols.add(column(d));
    }
    for (String m : metrics()) {
      cols.add(column(m));
    }
    final int to = (int) Math.min(rowCount(), (long) from + limit);
    final List<Map<String, Object>> out = new ArrayList<>(Math.max(0, to - from));
    for (int row = from; row < to; row++) {
      final Map<String, Object> r = new LinkedHashMap<>();
      for (Column c : cols) {
        if (c.decodable()) {
          r.put(c.name(), c.value(row));
        }
      }
      out.add(r);
    }
    return out;
  }

  @Override
  public void close()
  {
    source.close();
  }

  // ------------------------------------------------------------------ column files

  private Column readColumn(String name, int expectedRows)
  {
    final Smoosh.Entry entry = smoosh.entry(name);
    final Input in = new Input(source.name(), name, entry.bytes(), 0);
    final String json = in.string("column descriptor");
    final JsonNode d;
    try {
      d = JSON.readTree(json);
    }
    catch (IOException e) {
      throw in.errorAt(4, "column descriptor is not JSON: " + jsonMessage(e), e);
    }
    if (d == null || !d.isObject() || !d.path("valueType").isTextual() || !d.path("parts").isArray()
        || d.get("parts").isEmpty()) {
      throw in.errorAt(4, "column descriptor lacks valueType or parts: " + abbreviate(json));
    }
    final String valueType = d.get("valueType").asText();
    final JsonNode parts = d.get("parts");
    for (JsonNode p : parts) {
      if (!p.path("type").isTextual()) {
        throw in.errorAt(4, "column descriptor part without a type: " + abbreviate(json));
      }
    }
    final long size = entry.size();
    if (parts.size() != 1) {
      final List<String> types = new ArrayList<>();
      parts.forEach(p -> types.add(p.get("type").asText()));
      return new OpaqueColumn(name, valueType, String.join("+", types), null, size);
    }
    final JsonNode part = parts.get(0);
    final String partType = part.get("type").asText();
    final ByteOrder order = byteOrder(in, part);
    final boolean roaring = "roaring".equals(part.path("bitmapSerdeFactory").path("type").asText(null));
    final Input rest = in.rest();
    final Column column;
    switch (partType) {
      case "longV2":
      case "long":
        column = numeric(name, valueType, partType, size, NumericColumn.Type.LONG, order, roaring, rest, in);
        break;
      case "floatV2":
      case "float":
        column = numeric(name, valueType, partType, size, NumericColumn.Type.FLOAT, order, roaring, rest, in);
        break;
      case "doubleV2":
      case "double":
        column = numeric(name, valueType, partType, size, NumericColumn.Type.DOUBLE, order, roaring, rest, in);
        break;
      case "stringDictionary":
        if (!"STRING".equals(valueType)) {
          throw in.errorAt(4, "stringDictionary part in a " + valueType + " column");
        }
        column = StringColumn.read(name, partType, size, order, roaring, rest);
        break;
      case "complex": {
        final String complexType = part.path("typeName").asText(null);
        column = "COMPLEX".equals(valueType) && PairColumn.reads(complexType)
                 ? PairColumn.read(name, partType, size, complexType, rest)
                 : new OpaqueColumn(name, valueType, partType, complexType, size);
        break;
      }
      case "null":
        column = new NullColumn(name, valueType, partType, size, Math.max(expectedRows, 0));
        break;
      default:
        column = new OpaqueColumn(name, valueType, partType, null, size);
    }
    if (expectedRows >= 0 && column.rows() >= 0 && column.rows() != expectedRows) {
      throw in.errorAt(0, "column " + name + " has " + column.rows() + " rows, __time has " + expectedRows);
    }
    return column;
  }

  private static NumericColumn numeric(
      String name,
      String valueType,
      String partType,
      long size,
      NumericColumn.Type type,
      ByteOrder order,
      boolean roaring,
      Input rest,
      Input descriptor
  )
  {
    if (!type.name().equals(valueType)) {
      throw descriptor.errorAt(4, partType + " part in a " + valueType + " column");
    }
    return NumericColumn.read(name, valueType, partType, size, type, partType.endsWith("V2"), order, roaring, rest);
  }

  private static ByteOrder byteOrder(Input in, JsonNode part)
  {
    final JsonNode o = part.get("byteOrder");
    if (o == null || o.isNull() || "LITTLE_ENDIAN".equals(o.asText())) {
      return ByteOrder.LITTLE_ENDIAN;
    }
    if ("BIG_ENDIAN".equals(o.asText())) {
      return ByteOrder.BIG_ENDIAN;
    }
    throw in.errorAt(4, "unknown byteOrder " + o);
  }

  private static String jsonMessage(IOException e)
  {
    return e instanceof JsonProcessingException ? ((JsonProcessingException) e).getOriginalMessage() : e.toString();
  }

  private static String abbreviate(String s)
  {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
