package io.sluice.segment.v9;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.DimensionSchema.ValueType;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.index.MetricSchema;
import io.sluice.segment.index.MetricSchema.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

import io.sluice.segment.spec.IndexSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class V9SegmentWriterTest
{
  private static final ObjectMapper JSON = new ObjectMapper();
  static final long START = Instant.parse("2023-11-14T22:00:00Z").toEpochMilli();
  static final long END = Instant.parse("2023-11-14T23:00:00Z").toEpochMilli();
  /** U+1F600, a supplementary character: before U+FFFF in Java String order, after it in UTF-8 byte order. */
  static final String SMILE = new String(Character.toChars(0x1F600));

  @TempDir
  Path tmp;

  static Map<String, Object> row(Object... kv)
  {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** The small fixed segment also stored as a golden file under src/test/resources/v9/golden-small. */
  static IncrementalIndex smallIndex()
  {
    Map<String, Object> timestampSpec = new LinkedHashMap<>();
    timestampSpec.put("column", "timestamp");
    timestampSpec.put("format", "millis");
    timestampSpec.put("missingValue", null);
    IndexSchema schema = new IndexSchema(
        List.of(
            DimensionSchema.string("host"),
            DimensionSchema.string("region"),
            new DimensionSchema("port", ValueType.LONG)
        ),
        List.of(
            MetricSchema.count("count"),
            new MetricSchema("bytes_sum", Kind.LONG_SUM, "bytes"),
            new MetricSchema("value_min", Kind.DOUBLE_MIN, "value"),
            new MetricSchema("ratio", Kind.FLOAT_MAX, "ratio")
        ),
        Granularity.MINUTE,
        true,
        timestampSpec
    );
    IncrementalIndex index = new IncrementalIndex(schema);
    index.add(START + 61_000, row("host", "b", "region", SMILE, "port", 80, "bytes", 10, "value", 1.5, "ratio", 0.5));
    index.add(START + 1_000, row("host", "a", "region", null, "port", "8080", "bytes", 20));
    index.add(START + 2_000, row("host", "a", "port", 8080, "bytes", 5, "value", -2.0, "ratio", 2));
    index.add(START + 3_000, row("host", "c", "region", "eu", "value", 7));
    index.add(START + 3_599_999, row("host", SMILE, "region", "\uFFFF"));
    index.add(START + 3_599_999, row("host", SMILE, "region", "ü"));
    return index;
  }

  @Test
  void writesTheReferenceLayout() throws IOException
  {
    Path dir = tmp.resolve("seg");
    SegmentFiles files = V9SegmentWriter.write(smallIndex(), START, END, dir);

    assertEquals(5, files.rowCount());
    assertEquals(START, files.minTime());
    assertEquals(START + 59 * 60_000, files.maxTime());
    assertEquals(List.of("host", "region", "port"), files.dimensions());
    assertEquals(List.of("count", "bytes_sum", "value_min", "ratio"), files.metrics());
    long size = 0;
    for (String f : List.of("version.bin", "factory.json", "meta.smoosh", "00000.smoosh")) {
      size += Files.size(dir.resolve(f));
    }
    assertEquals(size, files.sizeBytes());
    try (var list = Files.list(dir)) {
      assertEquals(4, list.count());
    }

    assertArrayEquals(new byte[]{0, 0, 0, 9}, Files.readAllBytes(dir.resolve("version.bin")));
    assertEquals("{\"type\":\"mMapSegmentFactory\"}", Files.readString(dir.resolve("factory.json")));

    V9TestReader reader = V9TestReader.open(dir);
    assertEquals("v1,2147483647,1", reader.metaLines.get(0));
    List<String> names = reader.metaLines.subList(1, reader.metaLines.size()).stream()
                                         .map(l -> l.substring(0, l.indexOf(','))).toList();
    assertEquals(names.stream().sorted().toList(), names, "meta.smoosh lines sorted by name");
    assertTrue(Files.readString(dir.resolve("meta.smoosh")).endsWith("\n"));
    assertEquals(
        List.of("__time", "bytes_sum", "count", "ratio", "value_min", "host", "region", "port", "index.drd",
                "metadata.drd"),
        new ArrayList<>(reader.files.keySet()),
        "physical order"
    );
    long expectedStart = 0;
    for (long[] o : reader.offsets.values()) {
      assertEquals(expectedStart, o[1], "internal files are contiguous");
      expectedStart = o[2];
    }
    assertEquals(Files.size(dir.resolve("00000.smoosh")), expectedStart);

    V9TestReader.IndexDrd index = reader.index();
    assertEquals(List.of("bytes_sum", "count", "ratio", "value_min", "host", "region", "port"),
                 index.columns().strings(), "metrics sorted by name, as Druid's IndexMergerV9");
    assertEquals(0, index.columns().flag(), "not sorted");
    assertEquals(List.of("host", "region", "port"), index.dimensions().strings());
    assertEquals(0, index.dimensions().flag(), "host, region, port is not ascending");
    assertEquals(START, index.start());
    assertEquals(END, index.end());
    assertEquals("{\"type\":\"roaring\"}", index.bitmapSerde());
    assertEquals(Arrays.asList(new String[7]), index.allColumns().strings());
    assertEquals(Arrays.asList(new String[3]), index.allDimensions().strings());

    JsonNode metadata = reader.metadata();
    assertEquals(
        "{\"container\":{},\"aggregators\":["
        + "{\"type\":\"longSum\",\"name\":\"bytes_sum\",\"fieldName\":\"bytes_sum\"},"
        + "{\"type\":\"longSum\",\"name\":\"count\",\"fieldName\":\"count\"},"
        + "{\"type\":\"floatMax\",\"name\":\"ratio\",\"fieldName\":\"ratio\"},"
        + "{\"type\":\"doubleMin\",\"name\":\"value_min\",\"fieldName\":\"value_min\"}],"
        + "\"timestampSpec\":{\"column\":\"timestamp\",\"format\":\"millis\",\"missingValue\":null},"
        + "\"queryGranularity\":\"MINUTE\",\"rollup\":true,"
        + "\"ordering\":[{\"columnName\":\"__time\",\"order\":\"ascending\"},"
        + "{\"columnName\":\"host\",\"order\":\"ascending\"},{\"columnName\":\"region\",\"order\":\"ascending\"},"
        + "{\"columnName\":\"port\",\"order\":\"ascending\"}]}",
        JSON.writeValueAsString(metadata)
    );

    // rows, sorted: (T0, a) [2 rows rolled up], (T0, c), (T0+1m, b), (T0+59m, 😀, ü), (T0+59m, 😀, U+FFFF)
    V9TestReader.Column time = reader.column("__time");
    assertEquals("LONG", time.valueType());
    assertEquals(ColumnParts.LONG_DESCRIPTOR, JSON.writeValueAsString(time.descriptor()));
    assertArrayEquals(new long[]{START, START, START + 60_000, START + 59 * 60_000, START + 59 * 60_000},
                      time.numeric().longs());
    assertTrue(time.numeric().nulls().isEmpty());
    assertNoTrailingBitmap(reader, "__time");

    assertArrayEquals(new long[]{2, 1, 1, 1, 1}, reader.column("count").numeric().longs());
    V9TestReader.NumericValues bytesSum = reader.column("bytes_sum").numeric();
    assertArrayEquals(new long[]{25, 0, 10, 0, 0}, bytesSum.longs());
    assertEquals(RoaringBitmap.bitmapOf(1, 3, 4), bytesSum.nulls(), "a sum that saw no value is null");
    V9TestReader.NumericValues valueMin = reader.column("value_min").numeric();
    assertEquals(ColumnParts.DOUBLE_DESCRIPTOR, JSON.writeValueAsString(reader.column("value_min").descriptor()));
    assertArrayEquals(new double[]{-2.0, 7.0, 1.5, 0.0, 0.0}, valueMin.doubles());
    assertEquals(RoaringBitmap.bitmapOf(3, 4), valueMin.nulls());
    V9TestReader.NumericValues ratio = reader.column("ratio").numeric();
    assertEquals(ColumnParts.FLOAT_DESCRIPTOR, JSON.writeValueAsString(reader.column("ratio").descriptor()));
    assertEquals(16384, ratio.sizePer());
    assertArrayEquals(new float[]{2f, 0f, 0.5f, 0f, 0f}, ratio.floats());
    assertEquals(RoaringBitmap.bitmapOf(1, 3, 4), ratio.nulls());

    V9TestReader.Column host = reader.column("host");
    assertEquals(ColumnParts.STRING_DESCRIPTOR, JSON.writeValueAsString(host.descriptor()));
    V9TestReader.StringValues hostValues = host.strings();
    assertEquals(0, hostValues.flags());
    assertEquals(1, hostValues.dictionary().flag(), "dictionary is sorted");
    assertEquals(List.of("a", "b", "c", SMILE), hostValues.dictionary().strings());
    assertEquals(1, hostValues.numBytes());
    assertEquals(65536, hostValues.sizePer());
    assertArrayEquals(new int[]{0, 2, 1, 3, 3}, hostValues.ids());
    assertBitmapsMatchIds(hostValues);

    V9TestReader.StringValues region = reader.column("region").strings();
    // Java String order, as Druid's reverse lookup expects: U+1F600 sorts before U+FFFF
    assertEquals(Arrays.asList(null, "eu", "ü", SMILE, "\uFFFF"), region.dictionary().strings());
    assertArrayEquals(new int[]{0, 1, 3, 2, 4}, region.ids());
    assertNull(region.value(0));
    assertEquals("eu", region.value(1));
    assertEquals(SMILE, region.value(2));
    assertEquals("ü", region.value(3));
    assertEquals("\uFFFF", region.value(4));
    assertBitmapsMatchIds(region);

    V9TestReader.NumericValues port = reader.column("port").numeric();
    assertArrayEquals(new long[]{8080, 0, 80, 0, 0}, port.longs());
    assertEquals(RoaringBitmap.bitmapOf(1, 3, 4), port.nulls());
  }

  @Test
  void roundTripsMoreThan65536RowsAndDistinctValues() throws IOException
  {
    IndexSchema schema = new IndexSchema(
        List.of(DimensionSchema.string("id"), DimensionSchema.string("sparse"), DimensionSchema.string("mid"),
                new DimensionSchema("d", ValueType.DOUBLE), new DimensionSchema("f", ValueType.FLOAT)),
        List.of(MetricSchema.count("count"), new MetricSchema("v_sum", Kind.DOUBLE_SUM, "v"),
                new MetricSchema("v_max", Kind.LONG_MAX, "n"), new MetricSchema("r", Kind.FLOAT_SUM, "r")),
        Granularity.NONE,
        false,
        IndexSchema.defaultTimestampSpec()
    );
    IncrementalIndex index = new IncrementalIndex(schema);
    int n = 70_001;
    for (int i = 0; i < n; i++) {
      Map<String, Object> r = row(
          "id", String.format("id-%06d", (i * 7919) % n),
          "sparse", i % 3 == 0 ? null : "s" + (i % 10),
          "mid", "m" + (i % 300),
          "d", i % 5 == 0 ? null : i * 0.25,
          "f", i % 7 == 0 ? "bad" : i * 0.5f,
          "v", i * 1.5,
          "n", i % 11 == 0 ? null : (long) i,
          "r", 0.25f
      );
      index.add(START + (i / 50), r);
    }
    Path dir = tmp.resolve("big");
    SegmentFiles files = V9SegmentWriter.write(index, START, END, dir);
    assertEquals(n, files.rowCount());

    V9TestReader reader = V9TestReader.open(dir);
    long[] times = reader.column("__time").numeric().longs();
    assertEquals(n, times.length);
    assertEquals(9, reader.column("__time").numeric().blockCount());

    V9TestReader.StringValues id = reader.column("id").strings();
    assertEquals(n, id.dictionary().count());
    assertEquals(3, id.numBytes(), "70,001 distinct values need 3-byte ids");
    assertEquals(16384, id.sizePer());
    assertEquals(5, id.blockCount());
    assertEquals(1, id.dictionary().flag());
    V9TestReader.StringValues sparse = reader.column("sparse").strings();
    assertNull(sparse.dictionary().strings().get(0));
    assertEquals(1, sparse.numBytes());
    V9TestReader.StringValues mid = reader.column("mid").strings();
    assertEquals(2, mid.numBytes(), "cardinality 300 needs 2 bytes");
    assertEquals(32768, mid.sizePer());
    assertBitmapsMatchIds(id);
    assertBitmapsMatchIds(sparse);
    assertBitmapsMatchIds(mid);

    double[] d = reader.column("d").numeric().doubles();
    RoaringBitmap dNulls = reader.column("d").numeric().nulls();
    float[] f = reader.column("f").numeric().floats();
    RoaringBitmap fNulls = reader.column("f").numeric().nulls();
    double[] vSum = reader.column("v_sum").numeric().doubles();
    long[] vMax = reader.column("v_max").numeric().longs();
    RoaringBitmap vMaxNulls = reader.column("v_max").numeric().nulls();
    float[] r = reader.column("r").numeric().floats();
    long[] count = reader.column("count").numeric().longs();

    // rows keep insertion order within a time (no rollup, NONE); times are START + i / 50 in insertion order,
    // and within a millisecond rows sort by id: recover i from v_sum = i * 1.5
    long prevTime = Long.MIN_VALUE;
    String prevId = null;
    boolean[] seen = new boolean[n];
    for (int row = 0; row < n; row++) {
      int i = (int) Math.round(vSum[row] / 1.5);
      assertFalse(seen[i]);
      seen[i] = true;
      assertEquals(START + (i / 50), times[row]);
      String idValue = id.value(row);
      assertEquals(String.format("id-%06d", (i * 7919) % n), idValue);
      if (times[row] == prevTime) {
        assertTrue(idValue.compareTo(prevId) > 0, "sorted by id within a time");
      } else {
        assertTrue(times[row] > prevTime);
      }
      prevTime = times[row];
      prevId = idValue;
      assertEquals(i % 3 == 0 ? null : "s" + (i % 10), sparse.value(row));
      assertEquals("m" + (i % 300), mid.value(row));
      assertEquals(i % 5 == 0, dNulls.contains(row));
      assertEquals(i % 5 == 0 ? 0.0 : i * 0.25, d[row]);
      assertEquals(i % 7 == 0, fNulls.contains(row));
      assertEquals(i % 7 == 0 ? 0f : i * 0.5f, f[row]);
      assertEquals(i % 11 == 0, vMaxNulls.contains(row));
      assertEquals(i % 11 == 0 ? 0L : i, vMax[row]);
      assertEquals(0.25f, r[row]);
      assertEquals(1L, count[row]);
    }
  }

  @Test
  void countColumnHeaderMatchesTheObservedDruidBytes() throws IOException
  {
    IndexSchema schema = new IndexSchema(
        List.of(), List.of(MetricSchema.count("count")), Granularity.NONE, false, IndexSchema.defaultTimestampSpec()
    );
    IncrementalIndex index = new IncrementalIndex(schema);
    for (int i = 0; i < 100_000; i++) {
      index.add(START + i, Map.of());
    }
    Path dir = tmp.resolve("count");
    V9SegmentWriter.write(index, START, END, dir);
    V9TestReader reader = V9TestReader.open(dir);
    ByteBuffer count = reader.file("count");
    V9TestReader.readString(count);
    int compressedLen = count.getInt();
    assertEquals(count.remaining(), compressedLen, "no null bitmap");
    assertEquals(0x02, count.get());
    assertEquals(100_000, count.getInt());
    assertEquals(0x2000, count.getInt());
    assertEquals(0x01, count.get());
    assertEquals(0x01, count.get(), "GI version");
    assertEquals(0x00, count.get(), "GI flag");
    assertEquals(compressedLen - 16, count.getInt(), "GI numBytesUsed");
    assertEquals(13, count.getInt(), "13 blocks");

    V9TestReader.IndexDrd indexDrd = reader.index();
    assertEquals(List.of("count"), indexDrd.columns().strings());
    assertEquals(1, indexDrd.columns().flag(), "one name is sorted, as Druid's fromIterable computes");
    assertEquals(0, indexDrd.dimensions().count());
    assertEquals(4, indexDrd.dimensions().numBytesUsed());
  }

  @Test
  void idWidthFollowsDruidsCardinalityRule() throws IOException
  {
    for (int[] c : new int[][]{{255, 1, 65536}, {256, 2, 32768}, {65535, 2, 32768}, {65536, 3, 16384}}) {
      IndexSchema schema = new IndexSchema(
          List.of(DimensionSchema.string("s")), List.of(), Granularity.NONE, true, IndexSchema.defaultTimestampSpec()
      );
      IncrementalIndex index = new IncrementalIndex(schema);
      for (int i = 0; i < c[0]; i++) {
        index.add(START, row("s", Integer.toString(i)));
      }
      Path dir = tmp.resolve("card" + c[0]);
      V9SegmentWriter.write(index, START, END, dir);
      V9TestReader.StringValues s = V9TestReader.open(dir).column("s").strings();
      assertEquals(c[0], s.dictionary().count());
      assertEquals(c[1], s.numBytes(), "cardinality " + c[0]);
      assertEquals(c[2], s.sizePer(), "cardinality " + c[0]);
      assertBitmapsMatchIds(s);
    }
  }

  @Test
  void allGranularityRowsAreWrittenAtTheIntervalStart() throws IOException
  {
    IndexSchema schema = new IndexSchema(
        List.of(DimensionSchema.string("s")), List.of(MetricSchema.count("count")), Granularity.ALL, true,
        IndexSchema.defaultTimestampSpec()
    );
    IncrementalIndex index = new IncrementalIndex(schema);
    index.add(START + 10, row("s", "x"));
    index.add(START + 20, row("s", "y"));
    index.add(START + 30, row("s", "x"));
    SegmentFiles files = V9SegmentWriter.write(index, START, END, tmp.resolve("all"));
    assertEquals(START, files.minTime());
    assertEquals(START, files.maxTime());
    V9TestReader reader = V9TestReader.open(tmp.resolve("all"));
    assertArrayEquals(new long[]{START, START}, reader.column("__time").numeric().longs());
    assertArrayEquals(new long[]{2, 1}, reader.column("count").numeric().longs());
    assertEquals(
        "{\"type\":\"all\"}", JSON.writeValueAsString(reader.metadata().get("queryGranularity"))
    );
  }

  @Test
  void rejectsRowsOutsideTheIntervalAndEmptyIndexes()
  {
    IndexSchema schema = new IndexSchema(
        List.of(DimensionSchema.string("s")), List.of(), Granularity.NONE, false, IndexSchema.defaultTimestampSpec()
    );
    IncrementalIndex empty = new IncrementalIndex(schema);
    assertThrows(IllegalArgumentException.class, () -> V9SegmentWriter.write(empty, START, END, tmp.resolve("e")));

    IncrementalIndex late = new IncrementalIndex(schema);
    late.add(END, row("s", "x"));
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> V9SegmentWriter.write(late, START, END, tmp.resolve("l"))
    );
    assertTrue(e.getMessage().contains("2023-11-14T23:00:00.000Z"), e.getMessage());

    IncrementalIndex early = new IncrementalIndex(schema);
    early.add(START - 2, row("s", "x"));
    early.add(START - 1, row("s", "x"));
    assertThrows(IllegalArgumentException.class, () -> V9SegmentWriter.write(early, START, END, tmp.resolve("x")));
    assertFalse(Files.exists(tmp.resolve("x").resolve("meta.smoosh")));
  }

  @Test
  void outputIsDeterministicAndMatchesTheGoldenSegment() throws IOException
  {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    // the golden segment holds Druid's bytes: written at Druid's LZ4 level
    V9SegmentWriter.write(smallIndex(), START, END, a, IndexSpec.DEFAULT, Blocks.Effort.DRUID);
    V9SegmentWriter.write(smallIndex(), START, END, b, IndexSpec.DEFAULT, Blocks.Effort.DRUID);
    Path published = tmp.resolve("published");
    Path again = tmp.resolve("again");
    V9SegmentWriter.write(smallIndex(), START, END, published);
    V9SegmentWriter.write(smallIndex(), START, END, again);
    assertArrayEquals(Files.readAllBytes(published.resolve("00000.smoosh")), Files.readAllBytes(again.resolve("00000.smoosh")),
                      "published segments are deterministic too");
    Path golden = Path.of("src/test/resources/v9/golden-small");
    if (Boolean.getBoolean("sluice.regenerateGolden")) {
      Files.createDirectories(golden);
      for (String f : List.of("version.bin", "factory.json", "meta.smoosh", "00000.smoosh")) {
        Files.copy(a.resolve(f), golden.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    for (String f : List.of("version.bin", "factory.json", "meta.smoosh", "00000.smoosh")) {
      assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
      assertArrayEquals(Files.readAllBytes(golden.resolve(f)), Files.readAllBytes(a.resolve(f)), "golden " + f);
    }
    // the checked-in segment still decodes
    V9TestReader reader = V9TestReader.open(golden);
    assertEquals(List.of("a", "b", "c", SMILE), reader.column("host").strings().dictionary().strings());
  }

  @Test
  void truncatedSegmentFailsClearly() throws IOException
  {
    Path dir = tmp.resolve("trunc");
    V9SegmentWriter.write(smallIndex(), START, END, dir);
    byte[] chunk = Files.readAllBytes(dir.resolve("00000.smoosh"));
    Files.write(dir.resolve("00000.smoosh"), Arrays.copyOf(chunk, chunk.length - 10));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> V9TestReader.open(dir));
    assertTrue(e.getMessage().contains("outside chunk"), e.getMessage());

    // a corrupt LZ4 block fails in the safe decompressor instead of reading out of bounds
    V9SegmentWriter.write(smallIndex(), START, END, dir);
    V9TestReader reader = V9TestReader.open(dir);
    long[] countAt = reader.offsets.get("count");
    byte[] bytes = Files.readAllBytes(dir.resolve("00000.smoosh"));
    int blockStart = (int) countAt[1] + 4 + ColumnParts.LONG_DESCRIPTOR.length() + 4 + 10 + 10 + 4 + 4;
    for (int i = blockStart; i < countAt[2]; i++) {
      bytes[i] = (byte) 0xFF;
    }
    Files.write(dir.resolve("00000.smoosh"), bytes);
    V9TestReader corrupt = V9TestReader.open(dir);
    assertThrows(RuntimeException.class, () -> corrupt.column("count"));
  }

  @Test
  void smooshStartsANewChunkWhenFull() throws IOException
  {
    Path dir = tmp.resolve("chunks");
    Files.createDirectories(dir);
    try (SmooshWriter smoosher = new SmooshWriter(dir, 10)) {
      smoosher.add("b", Part.bytes(new byte[6]));
      smoosher.add("a", Part.bytes(new byte[4]));
      smoosher.add("c", Part.bytes(new byte[5]));
      smoosher.finish();
    }
    assertEquals("v1,10,2\na,0,6,10\nb,0,0,6\nc,1,0,5\n", Files.readString(dir.resolve("meta.smoosh")));
    assertEquals(10, Files.size(dir.resolve("00000.smoosh")));
    assertEquals(5, Files.size(dir.resolve("00001.smoosh")));
  }

  @Test
  void zipsTheFourFilesFlat() throws IOException
  {
    Path dir = tmp.resolve("z");
    V9SegmentWriter.write(smallIndex(), START, END, dir);
    Path zip = tmp.resolve("out").resolve("index.zip");
    long size = SegmentZip.zip(dir, zip);
    assertEquals(Files.size(zip), size);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        entries.put(e.getName(), in.readAllBytes());
      }
    }
    assertEquals(List.of("version.bin", "factory.json", "meta.smoosh", "00000.smoosh"),
                 new ArrayList<>(entries.keySet()));
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      assertArrayEquals(Files.readAllBytes(dir.resolve(e.getKey())), e.getValue(), e.getKey());
    }
    Path zip2 = tmp.resolve("index2.zip");
    SegmentZip.zip(dir, zip2);
    assertArrayEquals(Files.readAllBytes(zip), Files.readAllBytes(zip2), "zip bytes are deterministic");
    assertThrows(IOException.class, () -> SegmentZip.zip(tmp.resolve("nope"), tmp.resolve("n.zip")));
  }

  private static void assertNoTrailingBitmap(V9TestReader reader, String column) throws IOException
  {
    ByteBuffer b = reader.file(column);
    V9TestReader.readString(b);
    int compressedLen = b.getInt();
    assertEquals(compressedLen, b.remaining());
  }

  private static void assertBitmapsMatchIds(V9TestReader.StringValues s)
  {
    assertEquals(s.dictionary().count(), s.bitmaps().size());
    RoaringBitmap[] expected = new RoaringBitmap[s.dictionary().count()];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = new RoaringBitmap();
    }
    for (int row = 0; row < s.ids().length; row++) {
      expected[s.ids()[row]].add(row);
    }
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], s.bitmaps().get(i), "bitmap of id " + i);
      assertFalse(expected[i].isEmpty(), "every dictionary value is used");
    }
    // the dictionary is strictly ascending in Java String order (Druid's), null first
    List<String> dict = s.dictionary().strings();
    for (int i = 1; i < dict.size(); i++) {
      assertTrue(dict.get(i) != null);
      if (dict.get(i - 1) != null) {
        assertTrue(dict.get(i - 1).compareTo(dict.get(i)) < 0);
      }
    }
  }
}
