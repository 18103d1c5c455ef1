package io.sluice.segment.v9;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.DimensionSchema.MultiValueHandling;
import io.sluice.segment.index.DimensionSchema.ValueType;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.index.MetricSchema;
import io.sluice.segment.index.MetricSchema.Kind;
import io.sluice.segment.spec.DataSchema;
import io.sluice.segment.spec.DimensionDiscovery;
import io.sluice.segment.spec.IndexSpec;
import io.sluice.segment.spec.SpecParser;
import io.sluice.segment.spec.IndexSpec.Compression;
import org.apache.druid.collections.bitmap.ImmutableBitmap;
import org.apache.druid.query.DefaultBitmapResultFactory;
import org.apache.druid.segment.QueryableIndex;
import org.apache.druid.segment.column.ColumnCapabilities;
import org.apache.druid.segment.column.ColumnIndexSupplier;
import org.apache.druid.segment.column.ColumnType;
import org.apache.druid.segment.index.BitmapColumnIndex;
import org.apache.druid.segment.index.semantic.NullValueIndex;
import org.apache.druid.segment.index.semantic.ValueIndexes;
import org.joda.time.Interval;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Druid 37 as the oracle. Each case ingests the same seeded random rows twice: into Sluice's IncrementalIndex,
 * written by {@link V9SegmentWriter}, and into Druid's own OnheapIncrementalIndex, persisted by Druid's
 * IndexMergerV9. Both segments are then loaded with Druid's IndexIO and must agree on every value of every column
 * (a full cursor scan), on every column's capabilities, on the metadata, and on the bitmap index of every value and
 * of null. Where the indexSpec stores a column without LZ4 (whose compressor Druid runs in its high-compression
 * mode) the internal files must be byte for byte what Druid wrote.
 */
class DruidOracleSegmentTest
{
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long START = V9SegmentWriterTest.START;
  private static final long END = V9SegmentWriterTest.END;
  /** Strings Druid and Sluice must treat alike: null, empty, non-ASCII, supplementary characters, U+FFFF. */
  private static final String[] ODD_STRINGS = {
      null, "", " ", "a", "A", "b", "ab", "ü", "日本", "\uE000", "\uFFFF", V9SegmentWriterTest.SMILE,
      V9SegmentWriterTest.SMILE + "x", "x" + V9SegmentWriterTest.SMILE, "\u00e9t\u00e9", "null", "0", "-1"
  };
  private static final Granularity[] GRANULARITIES = {Granularity.NONE, Granularity.MINUTE, Granularity.HOUR,
                                                      Granularity.ALL};

  @TempDir
  Path tmp;

  /** Every indexSpec Sluice accepts (dimensionCompression none is refused: Druid cannot write it). */
  static List<IndexSpec> everyIndexSpec()
  {
    List<IndexSpec> specs = new ArrayList<>();
    for (Compression dims : List.of(Compression.LZ4, Compression.UNCOMPRESSED)) {
      for (Compression metrics : Compression.values()) {
        for (IndexSpec.LongEncoding longs : IndexSpec.LongEncoding.values()) {
          specs.add(IndexSpec.of(dims, metrics, longs));
        }
      }
    }
    return specs;
  }

  @Test
  void randomSchemasAndRowsMatchDruidForEveryIndexSpec() throws IOException
  {
    Random random = new Random(20231114);
    int run = 0;
    for (IndexSpec spec : everyIndexSpec()) {
      for (int i = 0; i < 2; i++) {
        Case c = Case.random(random, 200 + random.nextInt(3000), false);
        compareWithDruid(c, spec, "run" + run++);
      }
    }
  }

  @Test
  void largeSegmentsMatchDruid() throws IOException
  {
    Random random = new Random(42);
    // > 65,536 rows and a dimension with > 65,536 distinct values (3-byte ids), no rollup
    Case big = Case.random(random, 70_001, true);
    big = big.withRollup(false);
    compareWithDruid(big, IndexSpec.DEFAULT, "big-default");
    compareWithDruid(big, IndexSpec.of(Compression.UNCOMPRESSED, Compression.UNCOMPRESSED,
                                       IndexSpec.LongEncoding.AUTO), "big-uncompressed-auto");
    compareWithDruid(big, IndexSpec.of(Compression.LZ4, Compression.NONE, IndexSpec.LongEncoding.AUTO),
                     "big-none-auto");
    // rollup that keeps > 8,192 rows (several blocks of every numeric column)
    Case rolled = Case.random(random, 30_000, false).withRollup(true);
    compareWithDruid(rolled, IndexSpec.of(Compression.LZ4, Compression.LZ4, IndexSpec.LongEncoding.AUTO),
                     "rolled");
  }

  @Test
  void aSumThatSawOnlyNullsIsNullAsInDruid() throws IOException
  {
    Case c = new Case(
        List.of(DimensionSchema.string("s")),
        List.of(MetricSchema.count("count"), new MetricSchema("n_sum", Kind.LONG_SUM, "n"),
                new MetricSchema("x_sum", Kind.DOUBLE_SUM, "x"), new MetricSchema("f_sum", Kind.FLOAT_SUM, "x")),
        Granularity.NONE,
        true,
        List.of(
            new DruidReference.InputRow(START, row("s", "a", "n", null, "x", null)),
            new DruidReference.InputRow(START, row("s", "a")),
            new DruidReference.InputRow(START, row("s", "b", "n", 3, "x", 1.5)),
            new DruidReference.InputRow(START, row("s", "b", "n", null))
        )
    );
    Path ours = compareWithDruid(c, IndexSpec.DEFAULT, "null-sums");
    try (QueryableIndex index = DruidReference.load(ours.toFile())) {
      List<Map<String, Object>> rows = DruidRows.rows(index);
      assertNull(rows.get(0).get("n_sum"));
      assertNull(rows.get(0).get("x_sum"));
      assertNull(rows.get(0).get("f_sum"));
      assertEquals(3L, rows.get(1).get("n_sum"));
    }
  }

  @Test
  void multiValueStringsMatchDruidUnderEveryHandlingWithAndWithoutRollup() throws IOException
  {
    Random random = new Random(4_3_2026);
    int run = 0;
    for (MultiValueHandling handling : MultiValueHandling.values()) {
      for (boolean rollup : new boolean[]{true, false}) {
        for (IndexSpec spec : List.of(IndexSpec.DEFAULT, IndexSpec.of(Compression.UNCOMPRESSED, Compression.LZ4,
                                                                       IndexSpec.LongEncoding.LONGS))) {
          Case c = multiValueCase(random, handling, rollup, 300 + random.nextInt(2000));
          compareWithDruid(c, spec, "mv" + run++);
        }
      }
    }
  }

  @Test
  void publishedSegmentsUseAFasterLz4LevelAndReadTheSameInDruid() throws IOException
  {
    Random random = new Random(99);
    Case c = Case.random(random, 20_000, true).withRollup(false);
    IndexSchema schema = new IndexSchema(c.dimensions, c.metrics, c.granularity, c.rollup,
                                         IndexSchema.defaultTimestampSpec());
    IncrementalIndex index = new IncrementalIndex(schema, START);
    for (DruidReference.InputRow r : c.rows) {
      index.add(r.timestamp(), r.event());
    }
    Path druidLevel = tmp.resolve("level-druid");
    SegmentFiles asDruid = V9SegmentWriter.write(index, START, END, druidLevel, IndexSpec.DEFAULT, Blocks.Effort.DRUID);
    Path published = tmp.resolve("level-published");
    SegmentFiles ours = V9SegmentWriter.write(index, START, END, published, IndexSpec.DEFAULT);
    assertTrue(!java.util.Arrays.equals(java.nio.file.Files.readAllBytes(druidLevel.resolve("00000.smoosh")),
                                        java.nio.file.Files.readAllBytes(published.resolve("00000.smoosh"))),
               "another LZ4 level gives other compressed bytes");
    assertTrue(ours.sizeBytes() <= asDruid.sizeBytes() * 1.05,
               ours.sizeBytes() + " bytes against " + asDruid.sizeBytes() + " at Druid's level");
    try (QueryableIndex expected = DruidReference.load(druidLevel.toFile());
         QueryableIndex actual = DruidReference.load(published.toFile())) {
      assertEquals(expected.getColumnNames(), actual.getColumnNames());
      assertEquals(DruidRows.rows(expected), DruidRows.rows(actual));
    }
  }

  @Test
  void stringColumnsWithoutBitmapIndexesMatchDruid() throws IOException
  {
    Random random = new Random(2611);
    int run = 0;
    for (boolean rollup : new boolean[]{true, false}) {
      for (IndexSpec spec : List.of(IndexSpec.DEFAULT, IndexSpec.of(Compression.UNCOMPRESSED, Compression.LZ4,
                                                                     IndexSpec.LongEncoding.LONGS))) {
        Case mv = multiValueCase(random, MultiValueHandling.SORTED_ARRAY, rollup, 300 + random.nextInt(2000));
        List<DimensionSchema> dims = new ArrayList<>();
        for (int d = 0; d < mv.dimensions().size(); d++) {
          DimensionSchema dim = mv.dimensions().get(d);
          // every other string column without its index: single- and multi-value ones
          dims.add(dim.type() == ValueType.STRING && d % 2 == 0 ? dim.withBitmapIndex(false) : dim);
        }
        Case c = new Case(dims, mv.metrics(), mv.granularity(), rollup, mv.rows());
        Path ours = compareWithDruid(c, spec, "nobitmap" + run++);
        try (QueryableIndex index = DruidReference.load(ours.toFile())) {
          for (DimensionSchema d : dims) {
            if (d.type() == ValueType.STRING) {
              assertEquals(d.bitmapIndex(), index.getColumnCapabilities(d.name()).hasBitmapIndexes(), d.name());
            }
          }
        }
      }
    }
  }

  @Test
  void largeMultiValueColumnsMatchDruid() throws IOException
  {
    // > 16,384 offsets (several offset blocks) and > 65,536 ids (several id blocks), 2-byte ids
    Random random = new Random(77);
    List<DruidReference.InputRow> rows = new ArrayList<>();
    for (int r = 0; r < 40_000; r++) {
      List<Object> values = new ArrayList<>();
      int n = random.nextInt(5);
      for (int i = 0; i < n; i++) {
        values.add("t" + random.nextInt(700));
      }
      rows.add(new DruidReference.InputRow(START + random.nextInt(3_600_000), row("tags", values, "n", r)));
    }
    Case c = new Case(List.of(new DimensionSchema("tags", ValueType.STRING, MultiValueHandling.ARRAY)),
                      List.of(MetricSchema.count("count"), new MetricSchema("n_sum", Kind.LONG_SUM, "n")),
                      Granularity.NONE, false, rows);
    compareWithDruid(c, IndexSpec.DEFAULT, "mv-large");
    compareWithDruid(c, IndexSpec.of(Compression.UNCOMPRESSED, Compression.LZ4, IndexSpec.LongEncoding.LONGS),
                     "mv-large-uncompressed");
  }

  @Test
  void rollupKeysOnTheWholeListAndMergesEmptyWithNull() throws IOException
  {
    List<Object> empty = List.of();
    Case c = new Case(
        List.of(DimensionSchema.string("tags"), new DimensionSchema("set", ValueType.STRING, MultiValueHandling.SORTED_SET)),
        List.of(MetricSchema.count("count")),
        Granularity.HOUR,
        true,
        List.of(
            new DruidReference.InputRow(START, row("tags", List.of("b", "a"), "set", List.of("x", "x"))),
            new DruidReference.InputRow(START + 1, row("tags", List.of("a", "b"), "set", "x")),
            new DruidReference.InputRow(START + 2, row("tags", List.of("a"), "set", Arrays.asList("x", null))),
            new DruidReference.InputRow(START + 3, row("tags", empty)),
            new DruidReference.InputRow(START + 4, row("tags", Arrays.asList((Object) null))),
            new DruidReference.InputRow(START + 5, row("tags", Arrays.asList("", null, "a")))
        )
    );
    Path ours = compareWithDruid(c, IndexSpec.DEFAULT, "mv-rollup");
    try (QueryableIndex index = DruidReference.load(ours.toFile())) {
      List<Map<String, Object>> rows = DruidRows.rows(index);
      // [] and [null] merged; [null, "", a]; [a] with [null, x]; [a, b] twice with x (a set of one)
      assertEquals(4, rows.size(), rows.toString());
      assertNull(rows.get(0).get("tags"));
      assertEquals(2L, rows.get(0).get("count"));
      assertEquals(Arrays.asList(null, "", "a"), rows.get(1).get("tags"));
      assertEquals("a", rows.get(2).get("tags"));
      assertEquals(Arrays.asList(null, "x"), rows.get(2).get("set"));
      assertEquals(List.of("a", "b"), rows.get(3).get("tags"));
      assertEquals("x", rows.get(3).get("set"));
      assertEquals(2L, rows.get(3).get("count"));
    }
  }

  /**
   * String dimensions whose cells are null, scalars, or lists (empty, of one, of several with duplicates, nulls and
   * empty strings) from small pools, so that rollup merges rows; one dimension only ever gets lists of at most one
   * value (a single-valued column with empty rows), one is typed long.
   */
  private static Case multiValueCase(Random random, MultiValueHandling handling, boolean rollup, int rowCount)
  {
    List<DimensionSchema> dims = List.of(
        new DimensionSchema("tags", ValueType.STRING, handling),
        new DimensionSchema("odd", ValueType.STRING, handling),
        new DimensionSchema("one", ValueType.STRING, handling),
        DimensionSchema.string("plain"),
        new DimensionSchema("d_long", ValueType.LONG)
    );
    List<MetricSchema> metrics = List.of(MetricSchema.count("count"), new MetricSchema("n_sum", Kind.LONG_SUM, "n"));
    List<DruidReference.InputRow> rows = new ArrayList<>(rowCount);
    for (int r = 0; r < rowCount; r++) {
      Map<String, Object> event = new HashMap<>();
      event.put("tags", cell(random, 5, 4, k -> k == 0 ? null : "t" + k));
      event.put("odd", cell(random, ODD_STRINGS.length, 3, k -> ODD_STRINGS[k]));
      event.put("one", cell(random, 4, 1, k -> k == 0 ? "" : "o" + k));
      event.put("plain", random.nextInt(3) == 0 ? null : "p" + random.nextInt(3));
      event.put("d_long", random.nextInt(4) == 0 ? null : (long) random.nextInt(3));
      event.put("n", random.nextInt(100));
      rows.add(new DruidReference.InputRow(START + random.nextInt(4) * 60_000L + random.nextInt(2), event));
    }
    return new Case(dims, metrics, Granularity.MINUTE, rollup, rows);
  }

  /** null, a scalar, or a list of 0..maxValues values drawn from {@code pool} values. */
  private static Object cell(Random random, int pool, int maxValues, java.util.function.IntFunction<String> value)
  {
    int kind = random.nextInt(6);
    if (kind == 0) {
      return null;
    }
    if (kind == 1) {
      return value.apply(random.nextInt(pool));
    }
    int n = random.nextInt(maxValues + 1);
    List<Object> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(value.apply(random.nextInt(pool)));
    }
    return list;
  }

  @Test
  void includeAllDimensionsPutsTheListedFirstThenTheDiscoveredAsDruid() throws IOException
  {
    Random random = new Random(5150);
    String[] fields = {"b", "n_dim", "tags", "z", "a", "skip", "n", "late", "mv"};
    int run = 0;
    for (boolean rollup : new boolean[]{true, false}) {
      for (int i = 0; i < 3; i++) {
        String dimensions = "[\"b\",{\"type\":\"long\",\"name\":\"n_dim\"},"
                            + "{\"type\":\"string\",\"name\":\"tags\",\"multiValueHandling\":\"ARRAY\"}]";
        DataSchema dataSchema = SpecParser.mapper().readValue(
            "{\"dataSource\":\"x\",\"timestampSpec\":{\"column\":\"timestamp\",\"format\":\"millis\"},"
            + "\"dimensionsSpec\":{\"dimensions\":" + dimensions + ",\"includeAllDimensions\":true,"
            + "\"dimensionExclusions\":[\"skip\"]},"
            + "\"metricsSpec\":[{\"type\":\"count\",\"name\":\"count\"},"
            + "{\"type\":\"longSum\",\"name\":\"n_sum\",\"fieldName\":\"n\"}],"
            + "\"granularitySpec\":{\"queryGranularity\":\"MINUTE\",\"rollup\":" + rollup + "}}",
            DataSchema.class
        );
        List<DruidReference.InputRow> rows = new ArrayList<>();
        int rowCount = 200 + random.nextInt(800);
        for (int r = 0; r < rowCount; r++) {
          List<String> order = new ArrayList<>(Arrays.asList(fields));
          java.util.Collections.shuffle(order, random);
          Map<String, Object> event = new java.util.LinkedHashMap<>();
          for (String f : order) {
            if (random.nextInt(3) == 0 || (f.equals("late") && r < rowCount / 2)) {
              continue; // absent
            }
            event.put(f, switch (f) {
              case "n", "n_dim" -> random.nextInt(5) == 0 ? null : (long) random.nextInt(4);
              case "tags", "mv" -> cell(random, 4, 3, k -> k == 0 ? null : f + k);
              default -> random.nextInt(6) == 0 ? null : f + random.nextInt(3);
            });
          }
          rows.add(new DruidReference.InputRow(START + random.nextInt(5) * 60_000L + random.nextInt(9), event));
        }
        IncrementalIndex index = discoveringIndex(dataSchema, rows);
        IndexSchema schema = index.schema();
        assertEquals(List.of("b", "n_dim", "tags"),
                     schema.dimensions().subList(0, 3).stream().map(DimensionSchema::name).toList());
        Case c = new Case(schema.dimensions(), schema.metrics(), Granularity.MINUTE, rollup, rows);
        String druidDimensionsSpec = "{\"dimensions\":" + dimensions + ",\"includeAllDimensions\":true,"
                                     + "\"dimensionExclusions\":[\"skip\",\"n\",\"count\",\"n_sum\",\"timestamp\"]}";
        IndexSpec spec = i == 0 ? IndexSpec.of(Compression.UNCOMPRESSED, Compression.LZ4, IndexSpec.LongEncoding.LONGS)
                                : IndexSpec.DEFAULT;
        compareWithDruid(c, spec, "all" + run++, index, druidDimensionsSpec);
      }
    }
  }

  /** An index of {@code rows} under {@code dataSchema}, with its dimensions discovered as a reading task does. */
  static IncrementalIndex discoveringIndex(DataSchema dataSchema, List<DruidReference.InputRow> rows)
  {
    DimensionDiscovery discovery = new DimensionDiscovery(dataSchema);
    IncrementalIndex index = new IncrementalIndex(discovery.indexSchema(), START);
    for (DruidReference.InputRow r : rows) {
      for (DimensionSchema d : discovery.discover(r.event())) {
        index.addDimension(d);
      }
      index.add(r.timestamp(), r.event());
    }
    return index;
  }

  /** Writes the case both ways, compares, and returns the directory of Sluice's segment. */
  Path compareWithDruid(Case c, IndexSpec spec, String name) throws IOException
  {
    IndexSchema schema = new IndexSchema(c.dimensions, c.metrics, c.granularity, c.rollup,
                                         IndexSchema.defaultTimestampSpec());
    IncrementalIndex index = new IncrementalIndex(schema, START);
    for (DruidReference.InputRow r : c.rows) {
      index.add(r.timestamp(), r.event());
    }
    return compareWithDruid(c, spec, name, index, c.druidDimensionsSpec());
  }

  /**
   * Writes {@code index} (holding the case's rows) with Sluice and the case's rows with Druid under
   * {@code druidDimensionsSpec}, compares, and returns the directory of Sluice's segment.
   */
  Path compareWithDruid(Case c, IndexSpec spec, String name, IncrementalIndex index,
                                String druidDimensionsSpec) throws IOException
  {
    Path ours = tmp.resolve(name + "-sluice");
    V9SegmentWriter.write(index, START, END, ours, spec, Blocks.Effort.DRUID); // Druid's LZ4 level: Druid's bytes
    Path druid = tmp.resolve(name + "-druid");
    DruidReference.persist(druid.toFile(), druidDimensionsSpec, c.druidMetricsSpec(),
                           JSON.writeValueAsString(c.granularity.toMetadataJson()), c.rollup,
                           JSON.writeValueAsString(spec), START, new Interval(START, END), c.rows);

    String where = name + " " + c + " " + JSON.writeValueAsString(spec);
    try (QueryableIndex expected = DruidReference.load(druid.toFile());
         QueryableIndex actual = DruidReference.load(ours.toFile())) {
      assertEquals(expected.getNumRows(), actual.getNumRows(), where);
      assertEquals(expected.getColumnNames(), actual.getColumnNames(), where);
      assertEquals(list(expected.getAvailableDimensions()), list(actual.getAvailableDimensions()), where);
      assertEquals(expected.getDataInterval(), actual.getDataInterval(), where);
      assertEquals(Arrays.asList(expected.getMetadata().getAggregators()),
                   Arrays.asList(actual.getMetadata().getAggregators()), where);
      assertEquals(expected.getMetadata().getQueryGranularity(), actual.getMetadata().getQueryGranularity(), where);
      assertEquals(expected.getMetadata().isRollup(), actual.getMetadata().isRollup(), where);
      assertEquals(expected.getMetadata().getOrdering(), actual.getMetadata().getOrdering(), where);
      for (String column : expected.getColumnNames()) {
        ColumnCapabilities e = expected.getColumnCapabilities(column);
        ColumnCapabilities a = actual.getColumnCapabilities(column);
        assertEquals(e.toColumnType(), a.toColumnType(), where + " " + column);
        assertEquals(e.hasMultipleValues(), a.hasMultipleValues(), where + " " + column);
        assertEquals(e.hasNulls(), a.hasNulls(), where + " " + column);
      }
      List<Map<String, Object>> expectedRows = DruidRows.rows(expected);
      List<Map<String, Object>> actualRows = DruidRows.rows(actual);
      for (int r = 0; r < expectedRows.size(); r++) {
        assertEquals(expectedRows.get(r), actualRows.get(r), where + " row " + r);
      }
      for (DimensionSchema d : c.dimensions) {
        if (d.type() == ValueType.STRING && d.bitmapIndex()) {
          compareBitmaps(expected, actual, actualRows, d.name(), where);
        }
      }
    }
    compareUncompressedFiles(druid, ours, c, spec, where);
    return ours;
  }

  /** The bitmap of null and of every value, through Druid's index API, against both segments and the scan. */
  private static void compareBitmaps(
      QueryableIndex expected,
      QueryableIndex actual,
      List<Map<String, Object>> rows,
      String dimension,
      String where
  )
  {
    Set<String> values = new TreeSet<>();
    Map<String, Set<Integer>> scanned = new HashMap<>();
    for (int r = 0; r < rows.size(); r++) {
      Object v = rows.get(r).get(dimension);
      List<?> each = v instanceof List ? (List<?>) v : Arrays.asList(v);
      for (Object o : each) {
        String s = (String) o;
        scanned.computeIfAbsent(s == null ? "\0null" : s, k -> new LinkedHashSet<>()).add(r);
        if (s != null) {
          values.add(s);
        }
      }
    }
    if (expected.getColumnHolder(dimension).getIndexSupplier() != null) {
      assertEquals(rowsOf(expected, dimension, null), rowsOf(actual, dimension, null), where + " null " + dimension);
    } else {
      // Druid stores a column that is null in every row as a "null" part without indexes; Sluice keeps a
      // dictionary holding only null, whose bitmap has every row
      assertEquals(Set.of(), values, where + " " + dimension + " is null in every row");
    }
    assertEquals(scanned.getOrDefault("\0null", Set.of()), rowsOf(actual, dimension, null), where);
    for (String value : values) {
      assertEquals(rowsOf(expected, dimension, value), rowsOf(actual, dimension, value),
                   where + " " + dimension + "=" + value);
      assertEquals(scanned.get(value), rowsOf(actual, dimension, value), where + " " + dimension + "=" + value);
    }
    // a value that is not in the dictionary matches nothing
    assertTrue(rowsOf(actual, dimension, "\u0000absent").isEmpty(), where);
  }

  /** Rows matched by {@code dimension = value} (null: IS NULL), from the bitmap index alone. */
  private static Set<Integer> rowsOf(QueryableIndex index, String dimension, String value)
  {
    ColumnIndexSupplier supplier = index.getColumnHolder(dimension).getIndexSupplier();
    BitmapColumnIndex bitmapIndex = value == null
                                    ? supplier.as(NullValueIndex.class).get()
                                    : supplier.as(ValueIndexes.class).forValue(value, ColumnType.STRING);
    ImmutableBitmap bitmap = bitmapIndex.computeBitmapResult(
        new DefaultBitmapResultFactory(index.getBitmapFactoryForDimensions()), false
    );
    Set<Integer> out = new LinkedHashSet<>();
    for (org.roaringbitmap.IntIterator it = bitmap.iterator(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  /** Every column must be the bytes Druid wrote, LZ4 blocks included (both use LZ4's high-compression mode). */
  private static void compareUncompressedFiles(Path druid, Path ours, Case c, IndexSpec spec, String where)
      throws IOException
  {
    V9TestReader expected = V9TestReader.open(druid);
    V9TestReader actual = V9TestReader.open(ours);
    List<String> columns = new ArrayList<>();
    columns.add(IndexSchema.TIME_COLUMN);
    c.metrics.forEach(m -> columns.add(m.name()));
    c.dimensions.forEach(d -> columns.add(d.name()));
    for (String column : columns) {
      ByteBuffer druidFile = expected.file(column);
      if (V9TestReader.readString(druidFile.duplicate()).contains("\"type\":\"null\"")) {
        continue; // null in every row: Druid writes a "null" part (not implemented by Sluice; compared by value)
      }
      assertEquals(hex(druidFile), hex(actual.file(column)), where + " bytes of " + column);
    }
  }

  private static String hex(ByteBuffer b)
  {
    StringBuilder sb = new StringBuilder(b.remaining() * 2);
    for (int i = b.position(); i < b.limit(); i++) {
      sb.append(Character.forDigit((b.get(i) >> 4) & 0xF, 16)).append(Character.forDigit(b.get(i) & 0xF, 16));
    }
    return sb.toString();
  }

  private static List<String> list(Iterable<String> names)
  {
    List<String> out = new ArrayList<>();
    names.forEach(out::add);
    return out;
  }

  static Map<String, Object> row(Object... kv)
  {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** A schema and its input rows. */
  record Case(
      List<DimensionSchema> dimensions,
      List<MetricSchema> metrics,
      Granularity granularity,
      boolean rollup,
      List<DruidReference.InputRow> rows
  )
  {
    Case withRollup(boolean r)
    {
      return new Case(dimensions, metrics, granularity, r, rows);
    }

    @Override
    public String toString()
    {
      return "{dims " + dimensions + ", metrics " + metrics + ", " + granularity + ", rollup " + rollup + ", "
             + rows.size() + " rows}";
    }

    /**
     * Random dimensions (strings from several pools, typed long/float/double), random aggregators over fields
     * that hold numbers of every Java type, numeric strings, nulls or nothing.
     *
     * @param highCardinality add a string dimension with (almost) one distinct value per row
     */
    static Case random(Random random, int rowCount, boolean highCardinality)
    {
      List<DimensionSchema> dims = new ArrayList<>();
      int strings = 1 + random.nextInt(3);
      for (int i = 0; i < strings; i++) {
        dims.add(DimensionSchema.string("s" + i));
      }
      if (highCardinality) {
        dims.add(DimensionSchema.string("id"));
      }
      for (ValueType t : List.of(ValueType.LONG, ValueType.FLOAT, ValueType.DOUBLE)) {
        if (random.nextInt(3) > 0) {
          dims.add(new DimensionSchema("d_" + t.specName(), t));
        }
      }
      if (random.nextBoolean()) {
        dims.add(new DimensionSchema("wide", ValueType.LONG)); // full-range longs: DELTA overflows, auto stores LONGS
      }
      java.util.Collections.shuffle(dims, random);
      List<MetricSchema> metrics = new ArrayList<>();
      metrics.add(MetricSchema.count("count"));
      for (Kind k : Kind.values()) {
        if (k != Kind.COUNT && random.nextInt(3) > 0) {
          String field = k.valueType() == ValueType.LONG ? "n" : "x";
          metrics.add(new MetricSchema(k.typeName() + "_" + field, k, field));
        }
      }
      Granularity granularity = GRANULARITIES[random.nextInt(GRANULARITIES.length)];
      int[] pools = new int[strings];
      for (int i = 0; i < strings; i++) {
        pools[i] = 1 + random.nextInt(i == 0 ? ODD_STRINGS.length : 400);
      }
      List<DruidReference.InputRow> rows = new ArrayList<>(rowCount);
      for (int r = 0; r < rowCount; r++) {
        Map<String, Object> event = new HashMap<>();
        for (int i = 0; i < strings; i++) {
          int k = random.nextInt(pools[i]);
          String v = i == 0 ? ODD_STRINGS[k] : (k == 0 ? null : "v" + k + (k % 7 == 0 ? "ü" : ""));
          if (v != null || random.nextBoolean()) {
            event.put("s" + i, v);
          }
        }
        if (highCardinality) {
          event.put("id", "id-" + random.nextInt(rowCount * 4));
        }
        event.put("d_long", pick(random, random.nextInt(50) - 25L, "7", 3.75, null));
        event.put("d_float", pick(random, random.nextInt(40) / 4f, "2.5", 1.25d, null));
        event.put("d_double", pick(random, random.nextInt(1000) / 8d, "-0.5", 3L, null));
        event.put("wide", random.nextInt(10) == 0 ? null : random.nextLong());
        event.put("n", pick(random, (long) random.nextInt(1_000_000) - 500_000, random.nextInt(100), "12", null));
        event.put("x", pick(random, random.nextGaussian() * 1e3, random.nextFloat(), "0.125", null));
        if (random.nextInt(10) == 0) {
          event.remove("n");
        }
        long time = START + (random.nextInt(4) == 0 ? random.nextInt(10) * 60_000L : random.nextInt(3_600_000));
        rows.add(new DruidReference.InputRow(time, event));
      }
      return new Case(dims, metrics, granularity, random.nextBoolean(), rows);
    }

    /** Mostly the first choice; the others (other types, numeric strings, null) now and then. */
    private static Object pick(Random random, Object usual, Object... others)
    {
      int k = random.nextInt(8);
      return k < others.length ? others[k] : usual;
    }

    String druidDimensionsSpec() throws IOException
    {
      List<Map<String, Object>> out = new ArrayList<>();
      for (DimensionSchema d : dimensions) {
        out.add(d.type() == ValueType.STRING
                ? Map.of("type", "string", "name", d.name(), "multiValueHandling", d.multiValueHandling().specName(),
                         "createBitmapIndex", d.bitmapIndex())
                : Map.of("type", d.type().specName(), "name", d.name()));
      }
      return JSON.writeValueAsString(Map.of("dimensions", out));
    }

    String druidMetricsSpec() throws IOException
    {
      List<Map<String, Object>> out = new ArrayList<>();
      for (MetricSchema m : metrics) {
        Map<String, Object> agg = new HashMap<>();
        agg.put("type", m.kind().typeName());
        agg.put("name", m.name());
        if (m.fieldName() != null) {
          agg.put("fieldName", m.fieldName());
        }
        if (m.expression() != null) {
          agg.put("expression", m.expression());
        }
        if (m.timeColumn() != null && !m.timeColumn().equals(IndexSchema.TIME_COLUMN)) {
          agg.put("timeColumn", m.timeColumn());
        }
        out.add(agg);
      }
      return JSON.writeValueAsString(out);
    }
  }

}
