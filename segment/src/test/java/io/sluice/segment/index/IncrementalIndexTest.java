package io.sluice.segment.index;

import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.DimensionSchema.ValueType;
import io.sluice.segment.index.MetricSchema.Kind;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IncrementalIndexTest
{
  private static final long T0 = Instant.parse("2023-11-14T22:00:00Z").toEpochMilli();

  private static IndexSchema schema(boolean rollup, Granularity g, DimensionSchema... dims)
  {
    return new IndexSchema(
        List.of(dims),
        List.of(
            MetricSchema.count("count"),
            new MetricSchema("bytes", Kind.LONG_SUM, "bytes"),
            new MetricSchema("value_sum", Kind.DOUBLE_SUM, "value"),
            new MetricSchema("value_min", Kind.DOUBLE_MIN, "value"),
            new MetricSchema("value_max", Kind.DOUBLE_MAX, "value"),
            new MetricSchema("ratio", Kind.FLOAT_SUM, "ratio"),
            new MetricSchema("bytes_min", Kind.LONG_MIN, "bytes"),
            new MetricSchema("bytes_max", Kind.LONG_MAX, "bytes"),
            new MetricSchema("ratio_max", Kind.FLOAT_MAX, "ratio")
        ),
        g,
        rollup,
        IndexSchema.defaultTimestampSpec()
    );
  }

  private static Map<String, Object> row(Object... kv)
  {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static List<IncrementalIndex.Row> rows(IncrementalIndex index)
  {
    List<IncrementalIndex.Row> out = new ArrayList<>();
    index.sortedRows().forEachRemaining(out::add);
    return out;
  }

  @Test
  void rollupCombinesEqualKeysWithEveryAggregator()
  {
    IncrementalIndex index = new IncrementalIndex(
        schema(true, Granularity.MINUTE, DimensionSchema.string("host"), DimensionSchema.string("status"))
    );
    index.add(T0 + 1_000, row("host", "a", "status", "200", "bytes", 10, "value", 1.5, "ratio", 0.5f));
    index.add(T0 + 59_999, row("host", "a", "status", "200", "bytes", "32", "value", "2.5", "ratio", "0.25"));
    index.add(T0 + 30_000, row("host", "a", "status", "200", "bytes", "junk", "value", null));
    index.add(T0 + 60_000, row("host", "a", "status", "200", "bytes", 1));
    index.add(T0 + 5_000, row("host", "b", "status", 404, "bytes", 7L, "value", -3));

    assertEquals(3, index.rowCount());
    assertEquals(T0, index.minTime());
    assertEquals(T0 + 60_000, index.maxTime());
    List<IncrementalIndex.Row> rows = rows(index);

    IncrementalIndex.Row a = rows.get(0);
    assertEquals(T0, a.timestamp());
    assertEquals(Arrays.asList("a", "200"), a.dimensions());
    assertEquals(Arrays.asList(3L, 42L, 4.0, 1.5, 2.5, 0.75f, 10L, 32L, 0.5f), a.metrics());

    IncrementalIndex.Row b = rows.get(1);
    assertEquals(T0, b.timestamp());
    assertEquals(Arrays.asList("b", "404"), b.dimensions());
    assertEquals(Arrays.asList(1L, 7L, -3.0, -3.0, -3.0, null, 7L, 7L, null), b.metrics());

    IncrementalIndex.Row a2 = rows.get(2);
    assertEquals(T0 + 60_000, a2.timestamp());
    // value and ratio never seen: their sums, mins and maxes are null (SQL-compatible, as Druid 37)
    assertEquals(Arrays.asList(1L, 1L, null, null, null, null, 1L, 1L, null), a2.metrics());
  }

  @Test
  void noRollupKeepsEveryRowInInsertionOrderWithinEqualKeys()
  {
    IncrementalIndex index = new IncrementalIndex(schema(false, Granularity.NONE, DimensionSchema.string("host")));
    index.add(T0 + 2, row("host", "z", "bytes", 1));
    index.add(T0 + 1, row("host", "a", "bytes", 2));
    index.add(T0 + 1, row("host", "a", "bytes", 3));
    index.add(T0 + 1, row("host", "a", "bytes", 4));
    assertEquals(4, index.rowCount());
    List<IncrementalIndex.Row> rows = rows(index);
    assertEquals(List.of(2L, 3L, 4L, 1L), rows.stream().map(r -> r.metrics().get(1)).toList());
    assertEquals(List.of(T0 + 1, T0 + 1, T0 + 1, T0 + 2), rows.stream().map(IncrementalIndex.Row::timestamp).toList());
    for (IncrementalIndex.Row r : rows) {
      assertEquals(1L, r.metrics().get(0));
    }
  }

  @Test
  void stringsSortInDruidsJavaStringOrderNullsFirst()
  {
    IncrementalIndex index = new IncrementalIndex(schema(true, Granularity.HOUR, DimensionSchema.string("s")));
    String supplementary = new String(Character.toChars(0x1F600));
    String bmpMax = "\uFFFF";
    // UTF-16 order puts the surrogate pair (D83D DE00) before U+FFFF; unsigned UTF-8 byte order would not
    // (EF BF BF < F0 9F 98 80). Druid's dictionaries use the Java String order (compareUtf8UsingJavaStringOrdering).
    assertTrue(supplementary.compareTo(bmpMax) < 0);
    assertTrue(java.util.Arrays.compareUnsigned(
        bmpMax.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        supplementary.getBytes(java.nio.charset.StandardCharsets.UTF_8)
    ) < 0);
    for (Object v : new Object[]{supplementary, bmpMax, "b", "", null, "a", "é", "B", 7}) {
      index.add(T0, row("s", v));
    }
    index.add(T0, row());
    List<Object> order = rows(index).stream().map(r -> r.dimensions().get(0)).toList();
    assertEquals(Arrays.asList(null, "", "7", "B", "a", "b", "é", supplementary, bmpMax), order);
    assertEquals(2L, rows(index).get(0).metrics().get(0), "missing and explicit null are the same key");
  }

  @Test
  void sortsByTimeThenDimensionsInOrder()
  {
    IncrementalIndex index = new IncrementalIndex(
        schema(true, Granularity.NONE, DimensionSchema.string("a"), DimensionSchema.string("b"))
    );
    index.add(T0 + 1, row("a", "x", "b", "1"));
    index.add(T0, row("a", "y", "b", "0"));
    index.add(T0, row("a", "x", "b", "2"));
    index.add(T0, row("a", "x", "b", null));
    index.add(T0, row("b", "9"));
    List<IncrementalIndex.Row> rows = rows(index);
    assertEquals(
        List.of(
            Arrays.asList(null, "9"), Arrays.asList("x", null), Arrays.asList("x", "2"), Arrays.asList("y", "0"),
            Arrays.asList("x", "1")
        ),
        rows.stream().map(IncrementalIndex.Row::dimensions).toList()
    );
  }

  @Test
  void typedDimensionsParseAndSortNumerically()
  {
    IncrementalIndex index = new IncrementalIndex(schema(
        true,
        Granularity.NONE,
        new DimensionSchema("l", ValueType.LONG),
        new DimensionSchema("d", ValueType.DOUBLE),
        new DimensionSchema("f", ValueType.FLOAT)
    ));
    index.add(T0, row("l", 10, "d", "2.5", "f", 1));
    index.add(T0, row("l", "9", "d", -1.0, "f", "x"));
    index.add(T0, row("l", "12.7", "d", "nope", "f", 0.5));
    index.add(T0, row("l", "junk"));
    index.add(T0, row("l", -5L, "d", 3, "f", true));
    List<IncrementalIndex.Row> rows = rows(index);
    assertEquals(
        List.of(
            Arrays.asList(null, null, null),
            Arrays.asList(-5L, 3.0, 1.0f),
            Arrays.asList(9L, -1.0, null),
            Arrays.asList(10L, 2.5, 1.0f),
            Arrays.asList(12L, null, 0.5f)
        ),
        rows.stream().map(IncrementalIndex.Row::dimensions).toList()
    );
  }

  @Test
  void numbersAndBooleansInStringDimensionsAreStrings()
  {
    IncrementalIndex index = new IncrementalIndex(schema(true, Granularity.NONE, DimensionSchema.string("s")));
    index.add(T0, row("s", 1.5));
    index.add(T0, row("s", "1.5"));
    index.add(T0, row("s", true));
    index.add(T0, row("s", List.of("solo")));
    index.add(T0, row("s", List.of()));
    List<IncrementalIndex.Row> rows = rows(index);
    assertEquals(Arrays.asList(null, "1.5", "solo", "true"), rows.stream().map(r -> r.dimensions().get(0)).toList());
    assertEquals(2L, rows.get(1).metrics().get(0));
  }

  @Test
  void multiValueCellsFollowTheirHandlingAndKeyRollupOnTheWholeList()
  {
    IncrementalIndex index = new IncrementalIndex(schema(
        true, Granularity.NONE,
        new DimensionSchema("sa", ValueType.STRING, DimensionSchema.MultiValueHandling.SORTED_ARRAY),
        new DimensionSchema("ss", ValueType.STRING, DimensionSchema.MultiValueHandling.SORTED_SET),
        new DimensionSchema("ar", ValueType.STRING, DimensionSchema.MultiValueHandling.ARRAY)
    ));
    List<Object> cell = Arrays.asList("b", null, "a", "b", "");
    index.add(T0, row("sa", cell, "ss", cell, "ar", cell, "bytes", 1));
    // the same values in another order: one key for the sorted modes, another for ARRAY
    List<Object> shuffled = Arrays.asList("a", "b", "", null, "b");
    index.add(T0, row("sa", shuffled, "ss", shuffled, "ar", cell, "bytes", 2));
    index.add(T0, row("sa", shuffled, "ss", shuffled, "ar", shuffled, "bytes", 4));
    List<IncrementalIndex.Row> rows = rows(index);
    assertEquals(2, rows.size());
    List<Object> sorted = Arrays.asList(null, "", "a", "b", "b");
    List<Object> set = Arrays.asList(null, "", "a", "b");
    // ARRAY rows order value by value: ["a", ...] before ["b", ...]
    assertEquals(List.of(sorted, set, shuffled), rows.get(0).dimensions());
    assertEquals(4L, rows.get(0).metrics().get(1));
    assertEquals(List.of(sorted, set, cell), rows.get(1).dimensions());
    assertEquals(3L, rows.get(1).metrics().get(1));
    SortedIndex.StringColumn ar = index.sort().stringDimension(2);
    assertEquals(Arrays.asList(null, "", "a", "b"), Arrays.asList(ar.dictionary()));
    assertEquals(List.of(0, 5, 10), Arrays.stream(ar.offsets()).boxed().toList());
    assertEquals(List.of(2, 3, 1, 0, 3, /* row 2 */ 3, 0, 2, 3, 1), Arrays.stream(ar.ids()).boxed().toList());
  }

  @Test
  void aColumnIsMultiValueOnlyWhenSomeCellHadSeveralValues()
  {
    IncrementalIndex index = new IncrementalIndex(schema(
        false, Granularity.NONE, DimensionSchema.string("one"),
        new DimensionSchema("set", ValueType.STRING, DimensionSchema.MultiValueHandling.SORTED_SET)
    ));
    index.add(T0, row("one", List.of("x"), "set", List.of("y", "y")));
    index.add(T0 + 1, row("one", List.of(), "set", List.of()));
    SortedIndex sorted = index.sort();
    SortedIndex.StringColumn one = sorted.stringDimension(0);
    assertNull(one.offsets(), "lists of at most one value stay single-valued");
    assertEquals(Arrays.asList(null, "x"), Arrays.asList(one.dictionary()));
    assertEquals(List.of(1, 0), Arrays.stream(one.ids()).boxed().toList(), "an empty list is null");
    SortedIndex.StringColumn set = sorted.stringDimension(1);
    // as Druid: two values make the column multi-value, even when SORTED_SET leaves one; [] is an empty row
    assertEquals(List.of(0, 1, 1), Arrays.stream(set.offsets()).boxed().toList());
    assertEquals(List.of(1), Arrays.stream(set.ids()).boxed().toList());
  }

  @Test
  void emptyListAndListOfNullAreOneRollupKeyKeepingTheFirstForm()
  {
    IncrementalIndex index = new IncrementalIndex(schema(
        true, Granularity.NONE, DimensionSchema.string("s"), DimensionSchema.string("t")
    ));
    index.add(T0, row("s", List.of(), "t", "a"));
    index.add(T0, row("s", Arrays.asList((Object) null), "t", "a"));
    index.add(T0, row("t", "a"));
    index.add(T0, row("s", List.of("p", "q"), "t", "a"));
    List<IncrementalIndex.Row> rows = rows(index);
    assertEquals(2, rows.size());
    assertEquals(3L, rows.get(0).metrics().get(0));
    SortedIndex.StringColumn s = index.sort().stringDimension(0);
    assertEquals(List.of(0, 0, 2), Arrays.stream(s.offsets()).boxed().toList(), "the empty row was first: kept");
  }

  @Test
  void allGranularityClampsToTheMinimumTimestamp()
  {
    IncrementalIndex plain = new IncrementalIndex(schema(true, Granularity.ALL, DimensionSchema.string("s")));
    plain.add(T0 + 5, row("s", "a"));
    plain.add(T0 + 99_999, row("s", "a"));
    assertEquals(1, plain.rowCount());
    assertEquals(Granularity.MIN_INSTANT, plain.minTime());

    IncrementalIndex clamped = new IncrementalIndex(schema(true, Granularity.ALL, DimensionSchema.string("s")), T0);
    clamped.add(T0 + 5, row("s", "a"));
    clamped.add(T0 + 99_999, row("s", "a"));
    assertEquals(1, clamped.rowCount());
    assertEquals(T0, clamped.minTime());
    assertEquals(T0, clamped.maxTime());
    assertEquals(2L, rows(clamped).get(0).metrics().get(0));
  }

  @Test
  void sortedColumnsUseSegmentDictionaryIds()
  {
    IncrementalIndex index = new IncrementalIndex(schema(false, Granularity.NONE, DimensionSchema.string("s")));
    index.add(T0, row("s", "b"));
    index.add(T0 + 1, row("s", "a"));
    index.add(T0 + 2, row("s", "b"));
    SortedIndex sorted = index.sort();
    SortedIndex.StringColumn col = sorted.stringDimension(0);
    assertFalse(col.hasNulls());
    assertEquals(List.of("a", "b"), Arrays.asList(col.dictionary()));
    assertEquals(List.of(1, 0, 1), Arrays.stream(col.ids()).boxed().toList());

    index.add(T0 + 3, row());
    SortedIndex.StringColumn withNull = index.sort().stringDimension(0);
    assertTrue(withNull.hasNulls());
    assertEquals(Arrays.asList(null, "a", "b"), Arrays.asList(withNull.dictionary()));
    assertEquals(List.of(2, 1, 2, 0), Arrays.stream(withNull.ids()).boxed().toList());
    assertNull(withNull.utf8Dictionary()[0]);

    SortedIndex.NumericColumn min = index.sort().metric(3);
    assertEquals(4, min.nulls().cardinality(), "value_min never saw a value");
  }

  @Test
  void estimatedBytesGrowsWithRowsAndDictionaries()
  {
    IncrementalIndex index = new IncrementalIndex(schema(true, Granularity.NONE, DimensionSchema.string("s")));
    long empty = index.estimatedBytes();
    for (int i = 0; i < 100_000; i++) {
      index.add(T0 + i, row("s", "value-" + i, "bytes", i));
    }
    long full = index.estimatedBytes();
    assertTrue(full > empty);
    // 100k rows x (8 time + 4 key + 4 hash + metrics ~ 56) plus 100k strings of ~12 chars
    assertTrue(full > 100_000L * (16 + 56 + 100), "estimate " + full);
    assertTrue(full < 100_000L * 600, "estimate " + full);
  }

  @Test
  void ingestsFast()
  {
    IncrementalIndex index = new IncrementalIndex(schema(
        true,
        Granularity.MINUTE,
        DimensionSchema.string("host"),
        DimensionSchema.string("service"),
        DimensionSchema.string("status"),
        DimensionSchema.string("endpoint")
    ));
    int n = 1_000_000;
    List<Map<String, Object>> input = new ArrayList<>(10_000);
    for (int i = 0; i < 10_000; i++) {
      input.add(row(
          "host", "host-" + (i % 200),
          "service", "svc-" + (i % 17),
          "status", String.valueOf(200 + (i % 5)),
          "endpoint", "/api/v1/e" + (i % 1000),
          "bytes", (long) i,
          "value", i * 0.5,
          "ratio", 0.25f
      ));
    }
    for (int warm = 0; warm < 200_000; warm++) {
      index.add(T0 + warm, input.get(warm % input.size()));
    }
    index = new IncrementalIndex(index.schema());
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      index.add(T0 + i * 3L, input.get(i % input.size()));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double rate = n / seconds;
    System.out.printf("IncrementalIndex: %,d rows in %.3f s = %,.0f rows/s, %,d rolled-up rows, ~%,d bytes%n",
                      n, seconds, rate, index.rowCount(), index.estimatedBytes());
    // generous bound for a shared 2-core CI machine; the target is > 300k rows/s per core
    assertTrue(rate > 100_000, "too slow: " + rate + " rows/s");
  }

  @Test
  void schemaValidation()
  {
    assertThrows(IllegalArgumentException.class, () -> DimensionSchema.string("__time"));
    assertThrows(IllegalArgumentException.class, () -> DimensionSchema.string("a,b"));
    assertThrows(IllegalArgumentException.class, () -> DimensionSchema.string("index.drd"));
    assertThrows(IllegalArgumentException.class, () -> new DimensionSchema("x", null));
    assertThrows(IllegalArgumentException.class, () -> new MetricSchema("m", Kind.LONG_SUM, null));
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> new IndexSchema(
        List.of(DimensionSchema.string("x")), List.of(MetricSchema.count("x")), Granularity.NONE, true,
        IndexSchema.defaultTimestampSpec()
    ));
    assertTrue(dup.getMessage().contains("[x]"));
    assertThrows(IllegalArgumentException.class, () -> new IndexSchema(
        List.of(), List.of(), null, true, IndexSchema.defaultTimestampSpec()
    ));
    assertEquals(Map.of("type", "longSum", "name", "n", "fieldName", "n"), MetricSchema.count("n").combiningJson());
    assertEquals("doubleMin", new MetricSchema("m", Kind.DOUBLE_MIN, "v").combiningJson().get("type"));
    assertEquals(Kind.FLOAT_MAX, Kind.fromTypeName("floatMax"));
    assertEquals(ValueType.DOUBLE, ValueType.fromName("double"));
  }

  @Test
  void anExpressionMetricAggregatesTheExpressionsValueOnEachRow()
  {
    IndexSchema schema = new IndexSchema(
        List.of(DimensionSchema.string("host")),
        List.of(MetricSchema.count("count"),
                MetricSchema.ofExpression("double_sum", Kind.LONG_SUM, "bytes * 2"),
                MetricSchema.ofExpression("ms_max", Kind.LONG_MAX, "__time % 1000"),
                MetricSchema.ofExpression("ratio_min", Kind.DOUBLE_MIN, "if(bytes > 5, bytes / 4, nothing)")),
        Granularity.MINUTE, true, IndexSchema.defaultTimestampSpec());
    IncrementalIndex index = new IncrementalIndex(schema);
    index.add(T0 + 1_250, row("host", "a", "bytes", 10));
    index.add(T0 + 2_999, row("host", "a", "bytes", "3"));
    index.add(T0 + 500, row("host", "b"));
    List<IncrementalIndex.Row> rows = rows(index);
    assertEquals(Arrays.asList(2L, 26L, 999L, 2.0), rows.get(0).metrics()); // 10 / 4 of longs is 2, as in Druid
    // b: bytes is missing, so "bytes * 2" is null, and so is the if's else branch (a missing field)
    assertEquals(Arrays.asList(1L, null, 500L, null), rows.get(1).metrics());
    assertThrows(IllegalArgumentException.class, () -> MetricSchema.ofExpression("x", Kind.LONG_SUM, "bytes *"));
    assertThrows(IllegalArgumentException.class, () -> MetricSchema.ofExpression("x", Kind.LONG_FIRST, "bytes"));
    assertThrows(IllegalArgumentException.class, () -> new MetricSchema("x", Kind.LONG_SUM, "b", null, "bytes"));
  }
}
