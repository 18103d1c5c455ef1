package io.sluice.segment.merge;

import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.DimensionSchema.ValueType;
import io.sluice.segment.index.FirstLastPair;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.index.MetricSchema;
import io.sluice.segment.index.MetricSchema.Kind;
import io.sluice.segment.read.SegmentReader;
import io.sluice.segment.spec.IndexSpec;
import io.sluice.segment.spec.IndexSpec.Compression;
import io.sluice.segment.v9.SegmentFiles;
import io.sluice.segment.v9.V9SegmentWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streaming merge writes what one index holding every row writes: the same bytes. Rows are split into slices, each
 * slice persisted (as a reading task does when memory fills), the slices merged, and the merged segment compared file
 * by file with the segment {@link V9SegmentWriter} writes from one index of all the rows.
 */
public class SegmentMergerTest
{
  public static final long START = 1_700_000_000_000L - 1_700_000_000_000L % 86_400_000L;
  public static final long END = START + 86_400_000L;

  @TempDir
  Path tmp;

  public static IndexSchema schema(boolean rollup, Granularity granularity)
  {
    List<DimensionSchema> dims = List.of(
        new DimensionSchema("host", ValueType.STRING),
        new DimensionSchema("page", ValueType.STRING),
        new DimensionSchema("code", ValueType.LONG),
        new DimensionSchema("ratio", ValueType.DOUBLE),
        new DimensionSchema("temp", ValueType.FLOAT)
    );
    List<MetricSchema> metrics = new ArrayList<>();
    metrics.add(MetricSchema.count("count"));
    for (Kind k : Kind.values()) {
      if (k != Kind.COUNT) {
        metrics.add(new MetricSchema("m_" + k.typeName(), k, "v"));
      }
    }
    return new IndexSchema(dims, metrics, granularity, rollup, IndexSchema.defaultTimestampSpec());
  }

  /** Deterministic rows with few distinct keys (so rollup combines across slices), nulls and non-BMP strings. */
  public static List<Map<String, Object>> rows(long seed, int n)
  {
    Random random = new Random(seed);
    String[] hosts = {"a", "b", "c", "\uD83D\uDE00x", "\uE000", "zz"};
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("t", START + random.nextInt(6) * 3_600_000L + random.nextInt(3_600_000));
      if (random.nextInt(10) > 0) {
        row.put("host", hosts[random.nextInt(hosts.length)]);
      }
      if (random.nextInt(4) > 0) {
        row.put("page", "p" + random.nextInt(i < n / 2 ? 5 : 9)); // later slices bring new values
      }
      if (random.nextInt(5) > 0) {
        row.put("code", (long) (200 + random.nextInt(3)));
      }
      if (random.nextInt(5) > 0) {
        row.put("ratio", random.nextInt(3) / 2.0);
      }
      if (random.nextInt(5) > 0) {
        row.put("temp", (float) random.nextInt(3) - 1f);
      }
      if (random.nextInt(6) > 0) {
        row.put("v", random.nextInt(2001) - 1000); // integers: every combination order gives the same sums
      }
      out.add(row);
    }
    return out;
  }

  static IncrementalIndex index(IndexSchema schema, List<Map<String, Object>> rows)
  {
    IncrementalIndex index = new IncrementalIndex(schema, START);
    for (Map<String, Object> r : rows) {
      index.add((Long) r.get("t"), r);
    }
    return index;
  }

  /** Persists slices of {@code sliceRows}, then merges (the last slice stays in memory until the merge). */
  private List<SegmentFiles> persistAndMerge(
      IndexSchema schema,
      List<Map<String, Object>> rows,
      int sliceRows,
      int maxRowsPerSegment,
      IndexSpec spec,
      String name
  ) throws IOException
  {
    IntermediatePersists persists = new IntermediatePersists(tmp.resolve(name + "-persists"), spec);
    IncrementalIndex current = new IncrementalIndex(schema, START);
    for (int i = 0; i < rows.size(); i++) {
      current.add((Long) rows.get(i).get("t"), rows.get(i));
      if (current.rowCount() >= sliceRows) {
        persists.persist(START, END, current);
        current = new IncrementalIndex(schema, START);
      }
    }
    List<SegmentFiles> out = persists.merge(START, END, current, schema, maxRowsPerSegment, spec,
                                            p -> tmp.resolve(name + "-merged-" + p));
    assertTrue(persists.persistCount() > 1, "the test persists several times");
    persists.delete();
    return out;
  }

  @Test
  void mergedSegmentIsByteIdenticalToOneIndexForEveryIndexSpecWithAndWithoutRollup() throws IOException
  {
    List<IndexSpec> specs = List.of(
        IndexSpec.DEFAULT,
        IndexSpec.of(Compression.UNCOMPRESSED, Compression.NONE, IndexSpec.LongEncoding.AUTO),
        IndexSpec.of(Compression.LZ4, Compression.UNCOMPRESSED, IndexSpec.LongEncoding.AUTO)
    );
    int k = 0;
    for (boolean rollup : new boolean[]{true, false}) {
      for (Granularity g : new Granularity[]{Granularity.NONE, Granularity.of("HOUR")}) {
        IndexSchema schema = schema(rollup, g);
        List<Map<String, Object>> rows = rows(k, 3000);
        for (IndexSpec spec : specs) {
          String name = "case" + k++;
          Path single = tmp.resolve(name + "-single");
          SegmentFiles expected = V9SegmentWriter.write(index(schema, rows), START, END, single, spec);
          List<SegmentFiles> merged = persistAndMerge(schema, rows, 700, Integer.MAX_VALUE, spec, name);
          assertEquals(1, merged.size());
          assertEquals(expected.rowCount(), merged.get(0).rowCount(), name);
          assertSameFiles(single, merged.get(0).dir(), name + " rollup=" + rollup + " " + g + " " + spec);
        }
      }
    }
  }

  @Test
  void rollupCombinesRowsAcrossPersistsWithNullsAsDruid() throws IOException
  {
    IndexSchema schema = new IndexSchema(
        List.of(new DimensionSchema("d", ValueType.STRING)),
        List.of(MetricSchema.count("count"), new MetricSchema("s", Kind.LONG_SUM, "v"),
                new MetricSchema("mn", Kind.DOUBLE_MIN, "v"), new MetricSchema("mx", Kind.FLOAT_MAX, "v")),
        Granularity.of("HOUR"), true, IndexSchema.defaultTimestampSpec()
    );
    List<Map<String, Object>> rows = List.of(
        Map.of("t", START + 1, "d", "x"),                  // slice 1: no value
        Map.of("t", START + 2, "d", "x", "v", 5),          // slice 2
        Map.of("t", START + 3, "d", "x", "v", -3),         // slice 3
        Map.of("t", START + 4, "d", "y")                   // slice 4: y never has a value
    );
    List<SegmentFiles> merged = persistAndMerge(schema, rows, 1, Integer.MAX_VALUE, IndexSpec.DEFAULT, "nulls");
    try (SegmentReader r = SegmentReader.open(merged.get(0).dir())) {
      List<Map<String, Object>> got = r.rows(0, 10);
      assertEquals(2, got.size());
      assertEquals(3L, got.get(0).get("count"));
      assertEquals(2L, got.get(0).get("s"));
      assertEquals(-3.0, got.get(0).get("mn"));
      assertEquals(5.0f, got.get(0).get("mx"));
      assertEquals(1L, got.get(1).get("count"));
      assertEquals(null, got.get(1).get("s"));
      assertEquals(null, got.get(1).get("mn"));
      assertEquals(null, got.get(1).get("mx"));
    }
  }

  @Test
  void firstAndLastKeepTheEarliestAndLatestPairAcrossPersistsAsOneIndexDoes() throws IOException
  {
    IndexSchema schema = new IndexSchema(
        List.of(new DimensionSchema("d", ValueType.STRING)),
        List.of(MetricSchema.count("count"), new MetricSchema("f", Kind.LONG_FIRST, "v"),
                new MetricSchema("l", Kind.DOUBLE_LAST, "v"), new MetricSchema("sf", Kind.FLOAT_FIRST, "v", "seq")),
        Granularity.of("HOUR"), true, IndexSchema.defaultTimestampSpec()
    );
    List<Map<String, Object>> rows = new ArrayList<>();
    rows.add(row(START + 50, "x", 5, 9));      // slice 1
    rows.add(row(START + 10, "x", null, 3));   // slice 2: earliest so far, null value; seq 3
    rows.add(row(START + 10, "x", 7, null));   // slice 3: ties the first: the earlier slice's pair stays
    rows.add(row(START + 90, "x", 1, 2));      // slice 4: latest; seq 2 is the smallest
    rows.add(row(START + 90, "x", 2, null));   // slice 5: ties the last: the later slice's pair wins
    rows.add(row(START + 20, "y", 4, null));   // slice 6: y has no seq at all
    List<SegmentFiles> merged = persistAndMerge(schema, rows, 1, Integer.MAX_VALUE, IndexSpec.DEFAULT, "firstlast");
    Path single = tmp.resolve("firstlast-single");
    V9SegmentWriter.write(index(schema, rows), START, END, single, IndexSpec.DEFAULT);
    assertSameFiles(single, merged.get(0).dir(), "first/last");
    try (SegmentReader r = SegmentReader.open(merged.get(0).dir())) {
      List<Map<String, Object>> got = r.rows(0, 10);
      assertEquals(2, got.size());
      assertEquals(new FirstLastPair(START + 10, null), got.get(0).get("f"));
      assertEquals(new FirstLastPair(START + 90, 2.0), got.get(0).get("l"));
      assertEquals(new FirstLastPair(2, 1f), got.get(0).get("sf"));
      assertEquals(new FirstLastPair(START + 20, 4L), got.get(1).get("f"));
      assertEquals(new FirstLastPair(START + 20, 4.0), got.get(1).get("l"));
      assertEquals(new FirstLastPair(Long.MAX_VALUE, null), got.get(1).get("sf"));
    }
  }

  private static Map<String, Object> row(long t, String d, Object v, Object seq)
  {
    Map<String, Object> row = new HashMap<>();
    row.put("t", t);
    row.put("d", d);
    row.put("v", v);
    if (seq != null) {
      row.put("seq", seq);
    }
    return row;
  }

  /**
   * Rows in stream order: time never goes back, except for a few late rows near the end. Persists then follow each
   * other in time and the merge takes most rows as runs; groups of rows with the same time (equal keys among them,
   * for rollup) are cut by the slice boundaries, and the late rows land inside earlier persists' times.
   */
  @Test
  void persistsThatFollowEachOtherInTimeMergeToWhatOneIndexWrites() throws IOException
  {
    int k = 0;
    for (boolean rollup : new boolean[]{true, false}) {
      for (Granularity g : new Granularity[]{Granularity.NONE, Granularity.of("MINUTE")}) {
        IndexSchema schema = schema(rollup, g);
        List<Map<String, Object>> rows = rows(100 + k, 3000);
        for (int i = 0; i < rows.size(); i++) {
          // groups of 7 rows share a time, 20 s apart; 3000 rows cover 2.4 hours, within the day
          long t = START + (i / 7) * 20_000L;
          if (i > 2900 && i % 10 == 0) {
            t = START + (i % 97) * 20_000L; // late rows, inside the times of the first persists
          }
          rows.get(i).put("t", t);
        }
        for (int slice : new int[]{650, 700, 97}) {
          String name = "ordered" + k + "-" + slice;
          Path single = tmp.resolve(name + "-single");
          SegmentFiles expected = V9SegmentWriter.write(index(schema, rows), START, END, single, IndexSpec.DEFAULT);
          List<SegmentFiles> merged = persistAndMerge(schema, rows, slice, Integer.MAX_VALUE, IndexSpec.DEFAULT,
                                                      name);
          assertEquals(1, merged.size());
          assertEquals(expected.rowCount(), merged.get(0).rowCount(), name);
          assertSameFiles(single, merged.get(0).dir(), name + " rollup=" + rollup + " " + g);
        }
        k++;
      }
    }
  }

  @Test
  void maxRowsPerSegmentCutsPartitionsWhoseRowsConcatenateToTheWholeSegment() throws IOException
  {
    IndexSchema schema = schema(true, Granularity.NONE);
    List<Map<String, Object>> rows = rows(42, 2500);
    Path single = tmp.resolve("whole");
    V9SegmentWriter.write(index(schema, rows), START, END, single, IndexSpec.DEFAULT);
    List<SegmentFiles> parts = persistAndMerge(schema, rows, 600, 1000, IndexSpec.DEFAULT, "parts");
    List<Map<String, Object>> concatenated = new ArrayList<>();
    for (SegmentFiles p : parts) {
      assertTrue(p.rowCount() <= 1000);
      try (SegmentReader r = SegmentReader.open(p.dir())) {
        concatenated.addAll(r.rows(0, r.rowCount()));
      }
    }
    try (SegmentReader r = SegmentReader.open(single)) {
      assertEquals((r.rowCount() + 999) / 1000, parts.size());
      assertEquals(r.rows(0, r.rowCount()), concatenated);
    }
  }

  @Test
  void aDimensionDiscoveredAfterAPersistIsNullInTheEarlierRows() throws IOException
  {
    IndexSchema before = new IndexSchema(
        List.of(new DimensionSchema("a", ValueType.STRING)), List.of(MetricSchema.count("count")),
        Granularity.NONE, true, IndexSchema.defaultTimestampSpec()
    );
    IndexSchema after = new IndexSchema(
        List.of(new DimensionSchema("a", ValueType.STRING), new DimensionSchema("b", ValueType.STRING)),
        List.of(MetricSchema.count("count")), Granularity.NONE, true, IndexSchema.defaultTimestampSpec()
    );
    IncrementalIndex one = new IncrementalIndex(before, START);
    one.add(START + 5, Map.of("a", "x"));
    one.add(START + 1, Map.of("a", "y"));
    IntermediatePersists persists = new IntermediatePersists(tmp.resolve("schemaless"), IndexSpec.DEFAULT);
    persists.persist(START, END, one);
    IncrementalIndex two = new IncrementalIndex(after, START);
    two.add(START + 5, Map.of("a", "x", "b", "q"));
    two.add(START + 5, Map.of("a", "x"));
    List<SegmentFiles> merged = persists.merge(START, END, two, after, 100, IndexSpec.DEFAULT,
                                               p -> tmp.resolve("schemaless-out"));

    // one index that discovered b after its first two rows
    IncrementalIndex whole = new IncrementalIndex(before, START);
    whole.add(START + 5, Map.of("a", "x"));
    whole.add(START + 1, Map.of("a", "y"));
    whole.addDimension(new DimensionSchema("b", ValueType.STRING));
    whole.add(START + 5, Map.of("a", "x", "b", "q"));
    whole.add(START + 5, Map.of("a", "x"));
    Path single = tmp.resolve("schemaless-single");
    V9SegmentWriter.write(whole, START, END, single, IndexSpec.DEFAULT);
    assertEquals(3, merged.get(0).rowCount());
    assertSameFiles(single, merged.get(0).dir(), "schemaless");
  }

  /**
   * Rows whose "tags" cell is missing, one value, or a list of 0 to 3 values with repeats and nulls; with
   * {@code listsFrom} > 0, the first rows hold single values only, so early persists are single-valued columns.
   */
  static List<Map<String, Object>> multiValueRows(long seed, int n, int listsFrom)
  {
    Random random = new Random(seed);
    String[] values = {"a", "b", "c", "\uD83D\uDE00", ""};
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("t", START + random.nextInt(4) * 60_000L + random.nextInt(60_000));
      row.put("host", "h" + random.nextInt(3));
      row.put("v", random.nextInt(100));
      int kind = random.nextInt(5);
      if (kind == 1 || (kind > 1 && i < listsFrom)) {
        row.put("tags", values[random.nextInt(values.length)]);
      } else if (kind > 1) {
        List<String> list = new ArrayList<>();
        int len = random.nextInt(4);
        for (int k = 0; k < len; k++) {
          list.add(random.nextInt(8) == 0 ? null : values[random.nextInt(values.length)]);
        }
        row.put("tags", list);
      }
      out.add(row);
    }
    return out;
  }

  @Test
  void multiValueDimensionsMergeToWhatOneIndexWritesForEveryHandling() throws IOException
  {
    int k = 0;
    for (DimensionSchema.MultiValueHandling handling : DimensionSchema.MultiValueHandling.values()) {
      for (boolean rollup : new boolean[]{true, false}) {
        for (int listsFrom : new int[]{0, 1500}) {
          IndexSchema schema = new IndexSchema(
              List.of(new DimensionSchema("tags", ValueType.STRING, handling),
                      new DimensionSchema("host", ValueType.STRING)),
              List.of(MetricSchema.count("count"), new MetricSchema("s", Kind.LONG_SUM, "v")),
              Granularity.of("MINUTE"), rollup, IndexSchema.defaultTimestampSpec()
          );
          List<Map<String, Object>> rows = multiValueRows(k, 3000, listsFrom);
          String name = "mv" + k++ + "-" + handling + "-" + rollup + "-" + listsFrom;
          Path single = tmp.resolve(name + "-single");
          SegmentFiles expected = V9SegmentWriter.write(index(schema, rows), START, END, single, IndexSpec.DEFAULT);
          List<SegmentFiles> merged = persistAndMerge(schema, rows, 150, Integer.MAX_VALUE, IndexSpec.DEFAULT, name);
          assertEquals(1, merged.size(), name);
          assertEquals(expected.rowCount(), merged.get(0).rowCount(), name);
          assertSameFiles(single, merged.get(0).dir(), name);
          try (SegmentReader r = SegmentReader.open(merged.get(0).dir())) {
            assertTrue(((io.sluice.segment.read.StringColumn) r.column("tags")).hasMultipleValues(), name);
          }

          // cut into partitions of 100 rows: their rows concatenate to the whole segment's
          List<SegmentFiles> parts = persistAndMerge(schema, rows, 150, 100, IndexSpec.DEFAULT, name + "-parts");
          List<Map<String, Object>> concatenated = new ArrayList<>();
          for (SegmentFiles part : parts) {
            try (SegmentReader r = SegmentReader.open(part.dir())) {
              concatenated.addAll(r.rows(0, r.rowCount()));
            }
          }
          try (SegmentReader r = SegmentReader.open(single)) {
            assertEquals(r.rows(0, r.rowCount()), concatenated, name);
          }
        }
      }
    }
  }

  @Test
  void rolledUpEmptyAndNullListsKeepTheFirstPersistsForm() throws IOException
  {
    IndexSchema schema = new IndexSchema(
        List.of(new DimensionSchema("tags", ValueType.STRING)), List.of(MetricSchema.count("count")),
        Granularity.of("HOUR"), true, IndexSchema.defaultTimestampSpec()
    );
    Map<String, Object> empty = new HashMap<>(Map.of("t", START + 1, "tags", List.of()));
    Map<String, Object> nullList = new HashMap<>(Map.of("t", START + 2));
    nullList.put("tags", java.util.Arrays.asList((String) null));
    Map<String, Object> pair = new HashMap<>(Map.of("t", START + 3, "tags", List.of("b", "a")));
    for (List<Map<String, Object>> rows : List.of(List.of(empty, nullList, pair), List.of(nullList, empty, pair))) {
      String name = "forms" + (rows.get(0) == empty ? "-empty-first" : "-null-first");
      Path single = tmp.resolve(name + "-single");
      V9SegmentWriter.write(index(schema, rows), START, END, single, IndexSpec.DEFAULT);
      List<SegmentFiles> merged = persistAndMerge(schema, rows, 1, Integer.MAX_VALUE, IndexSpec.DEFAULT, name);
      if (rows.get(0) == nullList) {
        assertSameFiles(single, merged.get(0).dir(), name);
      }
      // else the first persist, holding only [], is single-valued and stores it as null: the merged row holds one
      // null where the one index holds an empty row. Both read as null, as in Druid.
      try (SegmentReader r = SegmentReader.open(merged.get(0).dir());
           SegmentReader whole = SegmentReader.open(single)) {
        assertEquals(whole.rows(0, 10), r.rows(0, 10), name);
        List<Map<String, Object>> got = r.rows(0, 10);
        assertEquals(2, got.size(), name);
        assertEquals(2L, got.get(0).get("count"), name);
        assertEquals(List.of("a", "b"), got.get(1).get("tags"), name);
      }
    }
  }

  @Test
  void aCountMissingFromAnInputIsAnError() throws IOException
  {
    IndexSchema noCount = new IndexSchema(List.of(new DimensionSchema("a", ValueType.STRING)), List.of(),
                                          Granularity.NONE, true, IndexSchema.defaultTimestampSpec());
    IndexSchema withCount = new IndexSchema(List.of(new DimensionSchema("a", ValueType.STRING)),
                                            List.of(MetricSchema.count("count")), Granularity.NONE, true,
                                            IndexSchema.defaultTimestampSpec());
    IncrementalIndex index = new IncrementalIndex(noCount, START);
    index.add(START, Map.of("a", "x"));
    V9SegmentWriter.write(index, START, END, tmp.resolve("nocount"));
    assertThrows(IllegalArgumentException.class, () -> SegmentMerger.merge(
        List.of(tmp.resolve("nocount")), withCount, START, END, 10, IndexSpec.DEFAULT, p -> tmp.resolve("o")));
  }

  static void assertSameFiles(Path expected, Path actual, String where) throws IOException
  {
    Map<String, byte[]> e = files(expected);
    Map<String, byte[]> a = files(actual);
    assertEquals(e.keySet(), a.keySet(), where);
    for (String name : e.keySet()) {
      assertArrayEquals(e.get(name), a.get(name), where + ": " + name);
    }
  }

  private static Map<String, byte[]> files(Path dir) throws IOException
  {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.toList()) {
        out.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }
}
