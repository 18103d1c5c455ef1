package io.sluice.segment.v9;

import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.DimensionSchema.ValueType;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.merge.IntermediatePersists;
import io.sluice.segment.spec.DataSchema;
import io.sluice.segment.spec.DimensionDiscovery;
import io.sluice.segment.spec.IndexSpec;
import io.sluice.segment.spec.SpecParser;
import org.apache.druid.segment.QueryableIndex;
import org.apache.druid.segment.column.ColumnType;
import org.joda.time.Interval;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code useSchemaDiscovery: true} against Druid 37 on the same rows: Druid stores discovered fields as "auto"
 * columns (nested common format, which the V9 reference does not cover), Sluice as classic V9 columns of the same
 * type. So this compares what a query sees: the columns, their order and their types, and the rows' values (as a
 * multiset: Sluice orders a type-aware column's rows by its values' strings, Druid by their typed values).
 */
class SchemaDiscoveryDruidOracleTest
{
  private static final long START = V9SegmentWriterTest.START;
  private static final long END = V9SegmentWriterTest.END;

  @TempDir
  Path tmp;

  private static DataSchema dataSchema(String dimensionsSpec, boolean rollup) throws IOException
  {
    return SpecParser.mapper().readValue(
        "{\"dataSource\":\"x\",\"timestampSpec\":{\"column\":\"timestamp\",\"format\":\"millis\"},"
        + "\"dimensionsSpec\":" + dimensionsSpec + ","
        + "\"metricsSpec\":[{\"type\":\"count\",\"name\":\"count\"},"
        + "{\"type\":\"longSum\",\"name\":\"v_sum\",\"fieldName\":\"v\"}],"
        + "\"granularitySpec\":{\"queryGranularity\":\"MINUTE\",\"rollup\":" + rollup + "}}",
        DataSchema.class
    );
  }

  /**
   * Rows whose discovered fields hold every mix of scalar types: only longs, longs and doubles, only strings, longs
   * and strings, doubles and strings, booleans, only nulls, and a field that appears halfway. Doubles are never whole
   * in a column that also holds strings, strings never look like numbers, and booleans never share a column with
   * longs: there Sluice's keys, a discovered value's string, would differ from Druid's (see the README). Whole
   * doubles among longs are keyed with the longs they equal, as by Druid.
   */
  private static List<DruidReference.InputRow> rows(Random random, int count)
  {
    List<DruidReference.InputRow> rows = new ArrayList<>();
    for (int r = 0; r < count; r++) {
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("x", random.nextInt(5) == 0 ? null : "x" + random.nextInt(3));
      maybe(random, event, "l", random.nextInt(6) == 0 ? null : (long) random.nextInt(4) - 1);
      maybe(random, event, "d", random.nextBoolean() ? (Object) (long) random.nextInt(3)
                                : random.nextInt(3) + (random.nextBoolean() ? 0.5 : 0.0));
      maybe(random, event, "s", random.nextInt(6) == 0 ? null : "s" + random.nextInt(4));
      maybe(random, event, "m", random.nextBoolean() ? (Object) (long) random.nextInt(3) : "m" + random.nextInt(2));
      maybe(random, event, "ds", random.nextBoolean() ? (Object) (random.nextInt(3) + 0.25) : "ds" + random.nextInt(2));
      maybe(random, event, "b", random.nextBoolean());
      maybe(random, event, "n", null);
      if (r >= count / 2) {
        maybe(random, event, "late", (long) random.nextInt(2));
      }
      event.put("v", (long) random.nextInt(100));
      rows.add(new DruidReference.InputRow(START + random.nextInt(4) * 60_000L + random.nextInt(3), event));
    }
    return rows;
  }

  /** Puts the field most of the time; leaves it absent now and then. */
  private static void maybe(Random random, Map<String, Object> event, String name, Object value)
  {
    if (random.nextInt(5) != 0) {
      event.put(name, value);
    }
  }

  private static IncrementalIndex index(DataSchema dataSchema, List<DruidReference.InputRow> rows)
  {
    return DruidOracleSegmentTest.discoveringIndex(dataSchema, rows);
  }

  @Test
  void discoveredColumnsHaveDruidsTypesAndValues() throws IOException
  {
    Random random = new Random(1121);
    int run = 0;
    for (boolean rollup : new boolean[]{false, true}) {
      for (String dims : List.of("{\"useSchemaDiscovery\":true}",
                                 "{\"dimensions\":[\"x\"],\"useSchemaDiscovery\":true}")) {
        List<DruidReference.InputRow> rows = rows(random, 300 + random.nextInt(700));
        IncrementalIndex index = index(dataSchema(dims, rollup), rows);
        Path ours = tmp.resolve("ours" + run);
        V9SegmentWriter.write(index, START, END, ours, IndexSpec.DEFAULT);
        Path druid = tmp.resolve("druid" + run++);
        String druidDims = dims.replace("}", ",\"dimensionExclusions\":[\"timestamp\",\"v\",\"count\",\"v_sum\"]}");
        DruidReference.persist(druid.toFile(), druidDims,
                               "[{\"type\":\"count\",\"name\":\"count\"},"
                               + "{\"type\":\"longSum\",\"name\":\"v_sum\",\"fieldName\":\"v\"}]",
                               "\"MINUTE\"", rollup, "{}", START, new Interval(START, END), rows);
        compare(druid, ours, dims + " rollup " + rollup);
      }
    }
  }

  @Test
  void rollupKeysDiscoveredValuesAsDruidDoes() throws IOException
  {
    // few values in one time bucket, so that rows collide: 5 with 5.0, a value with a missing field, null with absent
    Random random = new Random(77);
    List<DruidReference.InputRow> rows = new ArrayList<>();
    for (int r = 0; r < 400; r++) {
      Map<String, Object> event = new LinkedHashMap<>();
      maybe(random, event, "d", random.nextBoolean() ? (Object) (long) random.nextInt(2)
                                : random.nextInt(2) + (random.nextInt(3) == 0 ? 0.5 : 0.0));
      maybe(random, event, "l", random.nextInt(4) == 0 ? null : (long) random.nextInt(2));
      maybe(random, event, "b", random.nextBoolean());
      event.put("v", 1L);
      rows.add(new DruidReference.InputRow(START + random.nextInt(1000), event));
    }
    IncrementalIndex index = index(dataSchema("{\"useSchemaDiscovery\":true}", true), rows);
    Path ours = tmp.resolve("rollup-ours");
    V9SegmentWriter.write(index, START, END, ours, IndexSpec.DEFAULT);
    Path druid = tmp.resolve("rollup-druid");
    DruidReference.persist(druid.toFile(), "{\"useSchemaDiscovery\":true,"
                                           + "\"dimensionExclusions\":[\"timestamp\",\"v\",\"count\",\"v_sum\"]}",
                           "[{\"type\":\"count\",\"name\":\"count\"},"
                           + "{\"type\":\"longSum\",\"name\":\"v_sum\",\"fieldName\":\"v\"}]",
                           "\"MINUTE\"", true, "{}", START, new Interval(START, END), rows);
    try (QueryableIndex q = DruidReference.load(druid.toFile())) {
      assertTrue(q.getNumRows() < 100, "rows collide: " + q.getNumRows());
    }
    compareTypesAndRows(druid, ours, "rollup");
  }

  /** The types and values a query sees must be Druid's; returns nothing, throws on a difference. */
  private static void compare(Path druid, Path ours, String where)
  {
    Map<String, ColumnType> types = compareTypesAndRows(druid, ours, where);
    // the columns cover every mix the rows hold
    assertEquals(ColumnType.LONG, types.get("l"), where);
    assertEquals(ColumnType.DOUBLE, types.get("d"), where);
    assertEquals(ColumnType.STRING, types.get("m"), where);
    assertEquals(ColumnType.LONG, types.get("b"), where);
    assertEquals(ColumnType.STRING, types.get("n"), where);
  }

  /** Compares the columns, their types and the rows (as a multiset); returns Druid's column types. */
  private static Map<String, ColumnType> compareTypesAndRows(Path druid, Path ours, String where)
  {
    try (QueryableIndex expected = DruidReference.load(druid.toFile());
         QueryableIndex actual = DruidReference.load(ours.toFile())) {
      assertEquals(expected.getNumRows(), actual.getNumRows(), where);
      assertEquals(expected.getColumnNames(), actual.getColumnNames(), where);
      Map<String, ColumnType> types = new TreeMap<>();
      for (String column : expected.getColumnNames()) {
        ColumnType type = expected.getColumnCapabilities(column).toColumnType();
        assertEquals(type, actual.getColumnCapabilities(column).toColumnType(), where + " " + column);
        types.put(column, type);
      }
      assertEquals(sortedRows(expected, types), sortedRows(actual, types), where);
      return types;
    }
  }

  /** Every row's values as its column type reads them, rows sorted: the segment's contents as a multiset. */
  private static List<String> sortedRows(QueryableIndex index, Map<String, ColumnType> types)
  {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> row : DruidRows.rows(index)) {
      StringBuilder sb = new StringBuilder();
      for (Map.Entry<String, ColumnType> c : types.entrySet()) {
        Object v = row.get(c.getKey());
        Object typed = v == null ? null
            : c.getValue().equals(ColumnType.LONG) ? (Object) ((Number) v).longValue()
            : c.getValue().equals(ColumnType.DOUBLE) ? (Object) ((Number) v).doubleValue()
            : String.valueOf(v);
        sb.append(c.getKey()).append('=').append(typed).append(' ');
      }
      out.add(sb.toString());
    }
    out.sort(null);
    return out;
  }

  @Test
  void aDiscoveredColumnIsTypedByEveryPersistOfItsSegment() throws IOException
  {
    // one persist holds only longs, the next doubles too, the last strings too: the merged column widens each time,
    // and equals what one index of all the rows writes, byte for byte
    DataSchema schema = dataSchema("{\"useSchemaDiscovery\":true}", false);
    List<List<DruidReference.InputRow>> persists = List.of(
        List.of(row(START, "a", 1L, "w", 1L), row(START + 1, "a", 2L, "w", 1L)),
        List.of(row(START + 2, "a", 2.5, "w", 3L), row(START + 3, "w", null)),
        List.of(row(START + 4, "w", "text"), row(START + 5, "a", 7L)));
    for (int upTo = 1; upTo <= persists.size(); upTo++) {
      IntermediatePersists intermediate = new IntermediatePersists(tmp.resolve("work" + upTo), IndexSpec.DEFAULT);
      List<DruidReference.InputRow> all = new ArrayList<>();
      DimensionDiscovery discovery = new DimensionDiscovery(schema);
      for (List<DruidReference.InputRow> p : persists.subList(0, upTo)) {
        IncrementalIndex index = new IncrementalIndex(discovery.indexSchema(), START);
        for (DruidReference.InputRow r : p) {
          for (DimensionSchema d : discovery.discover(r.event())) {
            index.addDimension(d);
          }
          index.add(r.timestamp(), r.event());
        }
        intermediate.persist(START, END, index);
        all.addAll(p);
      }
      Path merged = tmp.resolve("merged" + upTo);
      List<SegmentFiles> out = intermediate.merge(START, END, null, discovery.indexSchema(), Integer.MAX_VALUE,
                                                  IndexSpec.DEFAULT, p -> merged);
      assertEquals(1, out.size());
      Path single = tmp.resolve("single" + upTo);
      IncrementalIndex whole = index(schema, all);
      V9SegmentWriter.write(whole, START, END, single, IndexSpec.DEFAULT);
      ValueType a = whole.schema().dimensions().get(0).writtenType();
      ValueType w = whole.schema().dimensions().get(1).writtenType();
      assertEquals(upTo == 1 ? ValueType.LONG : ValueType.DOUBLE, a, "a after " + upTo);
      assertEquals(upTo < 3 ? ValueType.LONG : ValueType.STRING, w, "w after " + upTo);
      for (String file : List.of("00000.smoosh", "meta.smoosh")) {
        assertArrayEquals(Files.readAllBytes(single.resolve(file)), Files.readAllBytes(merged.resolve(file)),
                          file + " after " + upTo + " persists");
      }
      try (QueryableIndex q = DruidReference.load(merged.toFile())) {
        assertEquals(a.druidName(), q.getColumnCapabilities("a").toColumnType().asTypeString().toUpperCase());
        // "a" is written as numbers but its rows are in its strings' order: the claimed order stops before it
        assertEquals(List.of("__time"),
                     q.getMetadata().getOrdering().stream().map(o -> o.getColumnName()).toList());
      }
      intermediate.delete();
    }
  }

  private static DruidReference.InputRow row(long time, Object... kv)
  {
    Map<String, Object> event = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      event.put((String) kv[i], kv[i + 1]);
    }
    return new DruidReference.InputRow(time, event);
  }

  @Test
  void arraysAndObjectsAreRefusedByTheIndexNamingTheField()
  {
    IndexSchema schema = new IndexSchema(List.of(DimensionSchema.typeAware("tags")), List.of(),
                                         io.sluice.segment.granularity.Granularity.NONE, false,
                                         IndexSchema.defaultTimestampSpec());
    IncrementalIndex index = new IncrementalIndex(schema, START);
    IllegalArgumentException array = assertThrows(IllegalArgumentException.class,
        () -> index.add(START, Map.of("tags", Arrays.asList("a", "b"))));
    assertTrue(array.getMessage().contains("'tags' holds an array"), array.getMessage());
    IllegalArgumentException object = assertThrows(IllegalArgumentException.class,
        () -> index.add(START, Map.of("tags", Map.of("k", 1))));
    assertTrue(object.getMessage().contains("'tags' holds an object"), object.getMessage());
    assertEquals(0, index.rowCount());
    assertEquals(0, index.schema().dimensions().get(0).seenTypes(), "a refused row leaves no type behind");
  }
}
