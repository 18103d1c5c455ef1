package io.sluice.segment.read;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.DimensionSchema.ValueType;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.index.MetricSchema;
import io.sluice.segment.index.MetricSchema.Kind;
import io.sluice.segment.v9.SegmentFiles;
import io.sluice.segment.v9.SegmentZip;
import io.sluice.segment.v9.V9SegmentWriter;
import org.apache.druid.segment.QueryableIndex;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Segments written by Sluice's {@link V9SegmentWriter}, read back by {@link SegmentReader} and compared with the
 * index they came from and with Druid's IndexIO; index.zip handling; how errors are reported.
 */
class SegmentReaderTest
{
  static final long START = Instant.parse("2023-11-14T22:00:00Z").toEpochMilli();
  static final long END = START + 3_600_000L;
  static final String SMILE = new String(Character.toChars(0x1F600));

  @TempDir
  static Path tmp;
  static IncrementalIndex index;
  static SegmentFiles files;

  static IndexSchema schema()
  {
    return new IndexSchema(
        List.of(
            DimensionSchema.string("host"),
            DimensionSchema.string("uni"),
            DimensionSchema.string("id"),
            new DimensionSchema("port", ValueType.LONG),
            new DimensionSchema("ratio", ValueType.FLOAT),
            new DimensionSchema("score", ValueType.DOUBLE)
        ),
        List.of(
            MetricSchema.count("count"),
            new MetricSchema("bytes_sum", Kind.LONG_SUM, "bytes"),
            new MetricSchema("value_min", Kind.DOUBLE_MIN, "value"),
            new MetricSchema("value_max", Kind.DOUBLE_MAX, "value"),
            new MetricSchema("f_max", Kind.FLOAT_MAX, "f")
        ),
        Granularity.MINUTE,
        true,
        IndexSchema.defaultTimestampSpec()
    );
  }

  /** ~80k input rows with MINUTE rollup: nulls everywhere, non-ASCII values, a dimension of ~70k values. */
  static IncrementalIndex randomIndex(int rows, long seed)
  {
    final IncrementalIndex idx = new IncrementalIndex(schema());
    final Random r = new Random(seed);
    final String[] uni = {"", "ü", "\uFFFF", SMILE, "x", null};
    for (int i = 0; i < rows; i++) {
      final Map<String, Object> row = new HashMap<>();
      row.put("host", r.nextInt(10) == 0 ? null : "host-" + r.nextInt(40));
      row.put("uni", uni[r.nextInt(uni.length)]);
      row.put("id", "id-" + r.nextInt(100_000));
      row.put("port", r.nextInt(6) == 0 ? null : (long) (80 + r.nextInt(3)));
      row.put("ratio", r.nextInt(5) == 0 ? null : (float) r.nextInt(4) / 4);
      row.put("score", r.nextInt(5) == 0 ? null : (double) r.nextInt(3));
      row.put("bytes", r.nextInt(1_000_000));
      if (r.nextInt(6) != 0) {
        row.put("value", r.nextGaussian());
      }
      if (r.nextInt(3) != 0) {
        row.put("f", r.nextFloat());
      }
      idx.add(START + r.nextInt(3_600_000), row);
    }
    return idx;
  }

  @BeforeAll
  static void writeSegment() throws IOException
  {
    index = randomIndex(80_000, 11);
    files = V9SegmentWriter.write(index, START, END, tmp.resolve("seg"));
  }

  /** The index's rows as the reader returns them: __time, dimensions, then metrics. */
  static List<Map<String, Object>> expectedRows(IncrementalIndex idx)
  {
    final IndexSchema s = idx.schema();
    final List<Map<String, Object>> out = new ArrayList<>();
    idx.sortedRows().forEachRemaining(row -> {
      final Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("__time", row.timestamp());
      for (int d = 0; d < s.dimensions().size(); d++) {
        m.put(s.dimensions().get(d).name(), row.dimensions().get(d));
      }
      for (int k = 0; k < s.metrics().size(); k++) {
        m.put(s.metrics().get(k).name(), row.metrics().get(k));
      }
      out.add(m);
    });
    return out;
  }

  @Test
  void readsWhatOurWriterWrites() throws IOException
  {
    try (SegmentReader reader = SegmentReader.open(files.dir())) {
      assertEquals(files.rowCount(), reader.rowCount());
      assertEquals(files.minTime(), reader.minTime());
      assertEquals(files.maxTime(), reader.maxTime());
      assertEquals(START, reader.dataIntervalStart());
      assertEquals(END, reader.dataIntervalEnd());
      assertEquals(files.dimensions(), reader.dimensions());
      assertEquals(new HashSet<>(files.metrics()), new HashSet<>(reader.metrics()));
      final List<Map<String, Object>> expected = expectedRows(index);
      final List<Map<String, Object>> actual = reader.rows(0, Integer.MAX_VALUE);
      assertEquals(expected.size(), actual.size());
      for (int row = 0; row < expected.size(); row++) {
        // key order differs (the segment stores metrics by name); compare as maps
        assertEquals(expected.get(row), new HashMap<>(actual.get(row)), "row " + row);
      }
      assertEquals(1, reader.rows(files.rowCount() - 1, 10).size(), "rows() clips to the segment");

      // bitmaps hold exactly the rows of each value
      for (String dim : List.of("host", "uni")) {
        final StringColumn col = (StringColumn) reader.column(dim);
        final Map<String, RoaringBitmap> byValue = new HashMap<>();
        for (int row = 0; row < expected.size(); row++) {
          byValue.computeIfAbsent((String) expected.get(row).get(dim), v -> new RoaringBitmap()).add(row);
        }
        assertEquals(byValue.size(), col.cardinality());
        for (Map.Entry<String, RoaringBitmap> e : byValue.entrySet()) {
          assertEquals(e.getValue(), col.rowsWith(e.getKey()), dim + " = " + e.getKey());
        }
      }
      final NumericColumn port = (NumericColumn) reader.column("port");
      final RoaringBitmap nullPorts = new RoaringBitmap();
      for (int row = 0; row < expected.size(); row++) {
        if (expected.get(row).get("port") == null) {
          nullPorts.add(row);
        }
      }
      assertEquals(nullPorts, port.nullRows());
      assertFalse(nullPorts.isEmpty());

      final JsonNode metadata = reader.metadata();
      assertTrue(metadata.get("rollup").asBoolean());
      assertEquals("MINUTE", metadata.get("queryGranularity").asText());
      assertEquals("roaring", reader.bitmapSerdeType());
      assertEquals(Files.size(files.dir().resolve("00000.smoosh")),
                   reader.internalFileSizes().values().stream().mapToLong(Long::longValue).sum());
    }
  }

  @Test
  void agreesWithDruidOnOurSegment() throws IOException
  {
    try (SegmentReader reader = SegmentReader.open(files.dir());
         QueryableIndex druid = DruidSegments.load(files.dir().toFile())) {
      final List<String> columns = reader.columnNames().subList(1, reader.columnNames().size());
      final List<Map<String, Object>> expected = DruidSegments.rows(druid, columns);
      final List<Map<String, Object>> actual = reader.rows(0, Integer.MAX_VALUE);
      assertEquals(expected.size(), actual.size());
      for (int row = 0; row < expected.size(); row++) {
        assertEquals(expected.get(row), new HashMap<>(actual.get(row)), "row " + row);
      }
      final StringColumn host = (StringColumn) reader.column("host");
      for (int id = 0; id < host.cardinality(); id++) {
        final String v = host.dictionaryValue(id);
        assertEquals(DruidSegments.bitmap(druid, "host", v), host.rowsWith(v), "host = " + v);
      }
    }
  }

  /**
   * The checked-in golden segments: {@code golden-small} as this version writes it, and {@code golden-small-lz4fast}
   * as the first version wrote it (LZ4 fast mode, before the writer matched Druid's high-compression blocks): old
   * segments must keep loading.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"golden-small", "golden-small-lz4fast"})
  void readsTheCheckedInGoldenSegments(String name) throws IOException
  {
    final Path golden = Path.of("src/test/resources/v9", name);
    try (SegmentReader reader = SegmentReader.open(golden);
         QueryableIndex druid = DruidSegments.load(golden.toFile())) {
      assertEquals(5, reader.rowCount());
      assertEquals(List.of("host", "region", "port"), reader.dimensions());
      final List<String> columns = reader.columnNames().subList(1, reader.columnNames().size());
      final List<Map<String, Object>> expected = DruidSegments.rows(druid, columns);
      final List<Map<String, Object>> actual = reader.rows(0, 100);
      for (int row = 0; row < 5; row++) {
        assertEquals(expected.get(row), new HashMap<>(actual.get(row)), "row " + row);
      }
      assertEquals(SMILE, actual.get(4).get("host"));
      final StringColumn region = (StringColumn) reader.column("region");
      assertNull(region.dictionaryValue(0));
      assertTrue(region.indexOf(SMILE) > 0, "sorted dictionary in Java String order finds U+1F600");
    }
  }

  @Test
  void readsAZipLikeItsDirectory() throws IOException
  {
    final Path zip = tmp.resolve("index.zip");
    SegmentZip.zip(files.dir(), zip);
    final Set<Path> before = tempDirs();
    try (SegmentReader dir = SegmentReader.open(files.dir()); SegmentReader zipped = SegmentReader.open(zip)) {
      assertEquals(dir.rows(0, Integer.MAX_VALUE), zipped.rows(0, Integer.MAX_VALUE));
      assertEquals(zip.toString(), zipped.name());
      assertEquals(1, Set.copyOf(difference(tempDirs(), before)).size(), "one unpacked copy");
    }
    assertEquals(before, tempDirs(), "close() deletes the unpacked copy");
  }

  private static Set<Path> tempDirs() throws IOException
  {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("sluice-segment-")).collect(
          java.util.stream.Collectors.toSet());
    }
  }

  private static Set<Path> difference(Set<Path> a, Set<Path> b)
  {
    final Set<Path> out = new HashSet<>(a);
    out.removeAll(b);
    return out;
  }

  /** Writes a zip of (name, bytes) entries. */
  static Path zip(Path file, Object... entries) throws IOException
  {
    try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
      for (int i = 0; i < entries.length; i += 2) {
        z.putNextEntry(new ZipEntry((String) entries[i]));
        z.write((byte[]) entries[i + 1]);
        z.closeEntry();
      }
    }
    return file;
  }

  static byte[] read(String name) throws IOException
  {
    return Files.readAllBytes(files.dir().resolve(name));
  }

  @Test
  void zipEntriesOutsideTheFlatLayoutAreNeverWritten() throws IOException
  {
    final Path dir = Files.createDirectories(tmp.resolve("traversal"));
    final Path zip = zip(
        dir.resolve("index.zip"),
        "../evil.smoosh", new byte[]{1, 2, 3},
        "/abs.smoosh", new byte[]{1},
        "sub/00001.smoosh", new byte[]{1},
        "version.bin", read("version.bin"),
        "meta.smoosh", read("meta.smoosh"),
        "00000.smoosh", read("00000.smoosh")
    );
    try (SegmentReader reader = SegmentReader.open(zip)) {
      assertEquals(files.rowCount(), reader.rowCount());
    }
    assertFalse(Files.exists(tmp.resolve("evil.smoosh")));
    assertFalse(Files.exists(Path.of(System.getProperty("java.io.tmpdir"), "evil.smoosh")));
    assertFalse(Files.exists(Path.of("/abs.smoosh")));

    // a chunk only inside a folder is not the segment's chunk
    final Path nested = zip(
        dir.resolve("nested.zip"),
        "version.bin", read("version.bin"),
        "meta.smoosh", read("meta.smoosh"),
        "seg/00000.smoosh", read("00000.smoosh")
    );
    final SegmentFormatException e = assertThrows(SegmentFormatException.class, () -> SegmentReader.open(nested));
    assertTrue(e.getMessage().contains("00000.smoosh") && e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void zipBombsStopAtTheLimit() throws IOException
  {
    final Path dir = Files.createDirectories(tmp.resolve("bomb"));
    final Path bomb = zip(dir.resolve("index.zip"), "version.bin", read("version.bin"),
                          "00000.smoosh", new byte[32 << 20]);
    assertTrue(Files.size(bomb) < 100_000, "32 MiB of zeros deflate to " + Files.size(bomb));
    final Set<Path> before = tempDirs();
    final SegmentFormatException e = assertThrows(
        SegmentFormatException.class,
        () -> SegmentReader.open(bomb, 1 << 20)
    );
    assertTrue(e.getMessage().contains("beyond the limit of 1048576 bytes"), e.getMessage());
    assertEquals(before, tempDirs(), "the partial copy is deleted");

    // junk entries count too
    final Path junk = zip(dir.resolve("junk.zip"), "README", new byte[4 << 20], "version.bin", read("version.bin"));
    assertThrows(SegmentFormatException.class, () -> SegmentReader.open(junk, 1 << 20));
  }

  @Test
  void duplicateAndNonZipInputIsRejected() throws IOException
  {
    final Path dir = Files.createDirectories(tmp.resolve("dup"));
    // ZipOutputStream refuses duplicate names: write meta.smooth, then rename it in the bytes
    final Path dup = zip(
        dir.resolve("dup.zip"),
        "version.bin", read("version.bin"),
        "meta.smoosh", read("meta.smoosh"),
        "meta.smooth", read("meta.smoosh")
    );
    final String bytes = new String(Files.readAllBytes(dup), StandardCharsets.ISO_8859_1);
    Files.write(dup, bytes.replace("meta.smooth", "meta.smoosh").getBytes(StandardCharsets.ISO_8859_1));
    final SegmentFormatException e = assertThrows(SegmentFormatException.class, () -> SegmentReader.open(dup));
    assertEquals(dup + ": meta.smoosh: zip entry appears twice", e.getMessage());

    final Path text = Files.writeString(dir.resolve("text.zip"), "not a zip at all");
    final SegmentFormatException notZip = assertThrows(SegmentFormatException.class, () -> SegmentReader.open(text));
    assertTrue(notZip.getMessage().contains("not a zip"), notZip.getMessage());
    assertThrows(java.nio.file.NoSuchFileException.class, () -> SegmentReader.open(dir.resolve("absent")));
  }

  @Test
  void errorsNameTheFileAndOffset() throws IOException
  {
    final Map<String, byte[]> good = Map.of(
        "version.bin", read("version.bin"),
        "meta.smoosh", read("meta.smoosh"),
        "00000.smoosh", read("00000.smoosh")
    );
    final Map<String, byte[]> v10 = new HashMap<>(good);
    v10.put("version.bin", new byte[]{0, 0, 0, 10});
    SegmentFormatException e = assertThrows(SegmentFormatException.class, () -> SegmentReader.open("v10", v10));
    assertEquals("v10: version.bin at offset 0: segment version 10, expected 9", e.getMessage());

    final Map<String, byte[]> shortChunk = new HashMap<>(good);
    shortChunk.put("00000.smoosh", java.util.Arrays.copyOf(good.get("00000.smoosh"), 1000));
    e = assertThrows(SegmentFormatException.class, () -> SegmentReader.open("short", shortChunk));
    assertEquals("meta.smoosh", e.file());
    assertTrue(e.getMessage().contains("lies outside 00000.smoosh of 1000 bytes"), e.getMessage());

    // a lying values length in a column: the error names the column and the offset inside it
    final String meta = new String(good.get("meta.smoosh"), StandardCharsets.UTF_8);
    final String[] line = meta.lines().filter(l -> l.startsWith("bytes_sum,")).findFirst().orElseThrow().split(",");
    final int start = Integer.parseInt(line[2]);
    final byte[] chunk = good.get("00000.smoosh").clone();
    final int descriptorLength = ByteBuffer.wrap(chunk).getInt(start);
    ByteBuffer.wrap(chunk).putInt(start + 4 + descriptorLength, 1 << 30);
    final Map<String, byte[]> lying = new HashMap<>(good);
    lying.put("00000.smoosh", chunk);
    try (SegmentReader reader = SegmentReader.open("lying", lying)) {
      e = assertThrows(SegmentFormatException.class, () -> reader.column("bytes_sum"));
      assertEquals("bytes_sum", e.file());
      assertEquals(4 + descriptorLength + 4, e.offset());
      assertTrue(e.getMessage().startsWith("lying: bytes_sum at offset " + (8 + descriptorLength) + ": truncated"),
                 e.getMessage());
      assertEquals(files.rowCount(), reader.column("count").rows(), "other columns still read");
    }
  }

  @Test
  void columnAccessorsCheckTheirArguments() throws IOException
  {
    try (SegmentReader reader = SegmentReader.open(files.dir())) {
      assertNull(reader.column("nope"));
      final Column host = reader.column("host");
      assertThrows(IndexOutOfBoundsException.class, () -> host.value(-1));
      assertThrows(IndexOutOfBoundsException.class, () -> host.value(reader.rowCount()));
      final NumericColumn count = assertInstanceOf(NumericColumn.class, reader.column("count"));
      assertThrows(IllegalStateException.class, () -> count.getDouble(0));
      assertThrows(IllegalArgumentException.class, () -> reader.rows(-1, 1));
    }
  }

  @Test
  void unpacksEveryBitWidthAsDruidPacksIt() throws IOException
  {
    final Random r = new Random(5);
    for (int bits : new int[]{1, 2, 4, 8, 12, 16, 20, 24, 32, 40, 48, 56, 64}) {
      final int n = 1000;
      final long[] values = new long[n];
      final ByteBuffer buf = ByteBuffer.allocate(org.apache.druid.segment.data.VSizeLongSerde.getSerializedSize(bits, n));
      try (var ser = org.apache.druid.segment.data.VSizeLongSerde.getSerializer(bits, buf, 0)) {
        for (int i = 0; i < n; i++) {
          values[i] = bits == 64 ? r.nextLong() : r.nextLong() >>> (64 - bits);
          ser.write(values[i]);
        }
      }
      final long[] unpacked = new long[n];
      for (int i = 0; i < n; i++) {
        unpacked[i] = NumericColumn.unpack(buf, i, bits);
      }
      assertArrayEquals(values, unpacked, bits + " bits");
    }
  }

  @Test
  void bitmapsWithAndWithoutRunContainersRead()
  {
    final RoaringBitmap rows = new RoaringBitmap();
    for (int i = 0; i < 50_000; i++) {
      rows.add(i); // a run, stored as bitmap containers until runOptimize
    }
    rows.add(70_000);
    for (int i = 100_000; i < 130_000; i += 3) {
      rows.add(i); // array and bitmap containers
    }
    final RoaringBitmap plain = rows.clone();
    final RoaringBitmap runs = rows.clone();
    assertFalse(plain.hasRunCompression());
    assertTrue(runs.runOptimize());
    assertTrue(runs.serializedSizeInBytes() < plain.serializedSizeInBytes());
    for (RoaringBitmap b : List.of(plain, runs)) {
      final ByteBuffer bytes = ByteBuffer.allocate(b.serializedSizeInBytes());
      b.serialize(bytes);
      final Input in = new Input("t", "bitmap", bytes.flip(), 0);
      assertEquals(rows, Bitmaps.read(in, 200_000, "b"));
      final Input tooFewRows = new Input("t", "bitmap", bytes, 0);
      final SegmentFormatException e = assertThrows(
          SegmentFormatException.class,
          () -> Bitmaps.read(tooFewRows, 120_000, "b")
      );
      assertTrue(e.getMessage().contains("below 120000"), e.getMessage());
    }
  }
}
