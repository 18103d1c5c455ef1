package io.sluice.segment.v9;

import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.DimensionSchema.ValueType;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.index.MetricSchema;
import io.sluice.segment.index.MetricSchema.Kind;
import io.sluice.segment.read.PairColumn;
import io.sluice.segment.read.SegmentReader;
import io.sluice.segment.spec.IndexSpec;
import io.sluice.segment.spec.IndexSpec.Compression;
import org.apache.druid.collections.SerializablePair;
import org.apache.druid.segment.QueryableIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * First/last aggregators against Druid 37 twice over: the segment Sluice writes must be, column by column, the
 * bytes Druid's own ingestion (OnheapIncrementalIndex persisted by IndexMergerV9) writes for the same rows, and every
 * (time, value) pair Druid's IndexIO reads from Sluice's segment must be the one an independent model of Druid's
 * semantics predicts: first keeps the earliest time (a tie: the row added first), last the latest (a tie: the row
 * added last), the row's full event time and not the truncated {@code __time}, a null value is a candidate, a value
 * that is not a number moves the time and keeps the value, another timeColumn is read from the row.
 */
class FirstLastDruidOracleTest
{
  private static final long START = V9SegmentWriterTest.START;

  @TempDir
  Path tmp;

  private DruidOracleSegmentTest oracle()
  {
    DruidOracleSegmentTest oracle = new DruidOracleSegmentTest();
    oracle.tmp = tmp;
    return oracle;
  }

  private static List<MetricSchema> metrics()
  {
    return List.of(
        MetricSchema.count("count"),
        new MetricSchema("n_first", Kind.LONG_FIRST, "n"),
        new MetricSchema("n_last", Kind.LONG_LAST, "n"),
        new MetricSchema("x_first", Kind.DOUBLE_FIRST, "x"),
        new MetricSchema("x_last", Kind.DOUBLE_LAST, "x"),
        new MetricSchema("f_first", Kind.FLOAT_FIRST, "x"),
        new MetricSchema("f_last", Kind.FLOAT_LAST, "x"),
        new MetricSchema("seq_first", Kind.LONG_FIRST, "n", "seq"),
        new MetricSchema("seq_last", Kind.DOUBLE_LAST, "x", "seq")
    );
  }

  @Test
  void edgeCasesMatchDruidsOwnIngestionByteForByte() throws IOException
  {
    List<DruidReference.InputRow> rows = List.of(
        in(START + 30_000, "k", "a", "n", 3, "x", 1.5, "seq", 7),
        in(START + 10_000, "k", "a", "n", null, "x", "2.5", "seq", "3"),
        in(START + 10_000, "k", "a", "n", 8, "x", 9.0), // tie with the row before: first keeps it, last takes this
        in(START + 50_000, "k", "a", "n", "junk", "x", "junk", "seq", "junk"),
        in(START + 59_999, "k", "b", "x", -0.0),
        in(START + 61_000, "k", "b", "n", "12", "x", 3L, "seq", -5),
        in(START + 62_000, "k", "b", "n", 4.9, "x", 2.5f, "seq", Long.MAX_VALUE),
        in(START + 63_000, "k", "c"),
        in(START + 64_000, "k", null, "n", Long.MIN_VALUE, "x", Double.NaN, "seq", Long.MIN_VALUE)
    );
    int run = 0;
    for (boolean rollup : new boolean[]{true, false}) {
      for (Granularity g : new Granularity[]{Granularity.MINUTE, Granularity.NONE}) {
        DruidOracleSegmentTest.Case c = new DruidOracleSegmentTest.Case(
            List.of(DimensionSchema.string("k")), metrics(), g, rollup, rows);
        Path ours = oracle().compareWithDruid(c, IndexSpec.DEFAULT, "edge" + run++);
        checkAgainstModel(c, ours, "edge rollup=" + rollup + " " + g);
      }
    }
  }

  @Test
  void randomRowsMatchDruidAndTheModelWithAndWithoutRollup() throws IOException
  {
    Random random = new Random(20261121);
    List<IndexSpec> specs = List.of(IndexSpec.DEFAULT,
                                    IndexSpec.of(Compression.UNCOMPRESSED, Compression.NONE, IndexSpec.LongEncoding.AUTO));
    Granularity[] granularities = {Granularity.NONE, Granularity.MINUTE, Granularity.HOUR, Granularity.ALL};
    int run = 0;
    for (boolean rollup : new boolean[]{true, false}) {
      for (Granularity g : granularities) {
        DruidOracleSegmentTest.Case c = new DruidOracleSegmentTest.Case(
            List.of(DimensionSchema.string("k"), new DimensionSchema("d", ValueType.LONG)), metrics(), g, rollup,
            randomRows(random, 500 + random.nextInt(3000)));
        IndexSpec spec = specs.get(run % specs.size());
        Path ours = oracle().compareWithDruid(c, spec, "random" + run++);
        checkAgainstModel(c, ours, "random rollup=" + rollup + " " + g);
      }
    }
  }

  @Test
  void moreThan64KiBOfCellsSpanSeveralBlocksAndMatchDruid() throws IOException
  {
    // 8 bytes of cell index and 5 to 13 bytes of cell a row: several blocks of each, cells straddling blocks
    Random random = new Random(7);
    DruidOracleSegmentTest.Case c = new DruidOracleSegmentTest.Case(
        List.of(DimensionSchema.string("k")), metrics(), Granularity.NONE, false, randomRows(random, 20_000));
    Path ours = oracle().compareWithDruid(c, IndexSpec.DEFAULT, "blocks");
    checkAgainstModel(c, ours, "blocks");
    try (SegmentReader reader = SegmentReader.open(ours)) {
      PairColumn col = (PairColumn) reader.column("x_last");
      assertEquals(3, col.details().get("cellIndexBlocks"));
      assertTrue((Integer) col.details().get("payloadBlocks") > 1, col.details().toString());
      assertEquals(20_000, col.rows());
    }
  }

  /** Rows with few keys and few distinct times (so rollup combines and times tie), every kind of value. */
  static List<DruidReference.InputRow> randomRows(Random random, int n)
  {
    List<DruidReference.InputRow> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Object> e = new HashMap<>();
      if (random.nextInt(8) > 0) {
        e.put("k", "k" + random.nextInt(4));
      }
      if (random.nextInt(6) > 0) {
        e.put("d", (long) random.nextInt(3));
      }
      putMaybe(random, e, "n", pick(random, (long) random.nextInt(1000) - 500, random.nextInt(50), "17", 2.75,
                                    null, "junk", random.nextLong()));
      putMaybe(random, e, "x", pick(random, random.nextGaussian() * 100, random.nextFloat(), "0.125", 4L, null,
                                    "junk"));
      putMaybe(random, e, "seq", pick(random, (long) random.nextInt(100), "42", 7.5, null, "junk"));
      long time = START + random.nextInt(5) * 60_000L + (random.nextBoolean() ? random.nextInt(4) : random.nextInt(60_000));
      rows.add(new DruidReference.InputRow(time, e));
    }
    return rows;
  }

  private static void putMaybe(Random random, Map<String, Object> e, String field, Object value)
  {
    if (random.nextInt(10) > 0) {
      e.put(field, value);
    }
  }

  /** Mostly the first choice, the others now and then. */
  private static Object pick(Random random, Object usual, Object... others)
  {
    int k = random.nextInt(others.length * 3);
    return k < others.length ? others[k] : usual;
  }

  private static DruidReference.InputRow in(long time, Object... kv)
  {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return new DruidReference.InputRow(time, m);
  }

  // ------------------------------------------------------------------------------------------------ the model

  /** Every pair Druid reads from Sluice's segment is the model's. */
  private static void checkAgainstModel(DruidOracleSegmentTest.Case c, Path ours, String where)
  {
    List<List<DruidReference.InputRow>> groups = modelRows(c);
    try (QueryableIndex index = DruidReference.load(ours.toFile())) {
      List<Map<String, Object>> rows = DruidRows.rows(index);
      assertEquals(groups.size(), rows.size(), where);
      for (int r = 0; r < rows.size(); r++) {
        assertEquals((long) groups.get(r).size(), rows.get(r).get("count"), where + " row " + r);
        for (MetricSchema m : c.metrics()) {
          if (!m.kind().isFirstLast()) {
            continue;
          }
          Object[] expected = expectedPair(m, groups.get(r));
          SerializablePair<?, ?> actual = (SerializablePair<?, ?>) rows.get(r).get(m.name());
          assertEquals(expected[0], actual.lhs, where + " row " + r + " " + m.name() + " time");
          assertEquals(expected[1], actual.rhs, where + " row " + r + " " + m.name() + " value");
        }
      }
    }
  }

  /**
   * The input rows of each output row, in segment order: grouped by (truncated time, dimensions) with rollup, one
   * each without; ordered by time, then the dimensions (nulls first), then the first row's arrival.
   */
  private static List<List<DruidReference.InputRow>> modelRows(DruidOracleSegmentTest.Case c)
  {
    Map<List<Object>, List<DruidReference.InputRow>> groups = new LinkedHashMap<>();
    int arrival = 0;
    for (DruidReference.InputRow row : c.rows()) {
      long bucket = Math.max(START, c.granularity().bucketStart(row.timestamp()));
      List<Object> key = new ArrayList<>();
      key.add(bucket);
      for (DimensionSchema d : c.dimensions()) {
        Object v = row.event().get(d.name());
        key.add(d.type() == ValueType.STRING ? (v == null ? null : v.toString()) : v);
      }
      if (!c.rollup()) {
        key.add(arrival);
      }
      arrival++;
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
    }
    Comparator<Object> nullsFirst = Comparator.nullsFirst((a, b) -> compare(a, b));
    List<List<Object>> keys = new ArrayList<>(groups.keySet());
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      order.add(i);
    }
    order.sort((i, j) -> {
      List<Object> a = keys.get(i);
      List<Object> b = keys.get(j);
      for (int p = 0; p < 1 + c.dimensions().size(); p++) {
        int cmp = nullsFirst.compare(a.get(p), b.get(p));
        if (cmp != 0) {
          return cmp;
        }
      }
      return Integer.compare(i, j);
    });
    List<List<DruidReference.InputRow>> out = new ArrayList<>();
    for (int i : order) {
      out.add(groups.get(keys.get(i)));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static int compare(Object a, Object b)
  {
    return ((Comparable<Object>) a).compareTo(b);
  }

  /** {time, value} of a first/last over rows in arrival order, per Druid's NumericFirst/LastAggregator. */
  private static Object[] expectedPair(MetricSchema m, List<DruidReference.InputRow> rows)
  {
    boolean first = m.kind().isFirst();
    long time = first ? Long.MAX_VALUE : Long.MIN_VALUE;
    Object value = null;
    for (DruidReference.InputRow row : rows) {
      long t;
      if (m.timeColumn().equals(IndexSchema.TIME_COLUMN)) {
        t = row.timestamp();
      } else {
        Number n = number(row.event().get(m.timeColumn()));
        if (n == null) {
          continue;
        }
        t = n.longValue();
      }
      if (first ? t >= time : t < time) {
        continue;
      }
      time = t;
      Object raw = row.event().get(m.fieldName());
      if (raw == null) {
        value = null;
        continue;
      }
      Number n = number(raw);
      if (n == null) {
        continue; // not a number: the time moved, the value stays
      }
      value = switch (m.kind().valueType()) {
        case LONG -> n.longValue();
        case DOUBLE -> n.doubleValue();
        default -> n.floatValue();
      };
    }
    return new Object[]{time, value};
  }

  private static Number number(Object v)
  {
    if (v instanceof Number) {
      return (Number) v;
    }
    if (v instanceof String s) {
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
    return null;
  }
}
