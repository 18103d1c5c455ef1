package io.sluice.segment.index;

import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.MetricSchema.Kind;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * First/last metrics in the index, with the semantics of Druid 37's NumericFirstAggregator / NumericLastAggregator
 * (the Druid-oracle tests check the same cases against Druid's own IncrementalIndex).
 */
class FirstLastIndexTest
{
  private static final long T0 = Instant.parse("2023-11-14T22:00:00Z").toEpochMilli();

  private static IndexSchema schema(boolean rollup, MetricSchema... metrics)
  {
    return new IndexSchema(List.of(DimensionSchema.string("k")), List.of(metrics), Granularity.MINUTE, rollup,
                           IndexSchema.defaultTimestampSpec());
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

  private static FirstLastPair pair(long time, Number value)
  {
    return new FirstLastPair(time, value);
  }

  @Test
  void firstKeepsTheEarliestEventTimeAndLastTheLatestNotTheTruncatedTime()
  {
    IncrementalIndex index = new IncrementalIndex(schema(
        true,
        new MetricSchema("f", Kind.LONG_FIRST, "v"),
        new MetricSchema("l", Kind.LONG_LAST, "v"),
        new MetricSchema("df", Kind.DOUBLE_FIRST, "v"),
        new MetricSchema("fl", Kind.FLOAT_LAST, "v")
    ));
    index.add(T0 + 30_000, row("k", "a", "v", 3));
    index.add(T0 + 10_000, row("k", "a", "v", 1));
    index.add(T0 + 50_000, row("k", "a", "v", 5));
    index.add(T0 + 20_000, row("k", "a", "v", 2));
    List<IncrementalIndex.Row> rows = rows(index);
    assertEquals(1, rows.size());
    assertEquals(T0, rows.get(0).timestamp()); // __time is truncated to the minute, the pairs' times are not
    assertEquals(List.of(pair(T0 + 10_000, 1L), pair(T0 + 50_000, 5L), pair(T0 + 10_000, 1.0),
                         pair(T0 + 50_000, 5.0f)), rows.get(0).metrics());
  }

  @Test
  void tiesGoToTheFirstAddedRowForFirstAndTheLastAddedRowForLast()
  {
    IncrementalIndex index = new IncrementalIndex(schema(
        true, new MetricSchema("f", Kind.LONG_FIRST, "v"), new MetricSchema("l", Kind.LONG_LAST, "v")));
    index.add(T0 + 5, row("k", "a", "v", 1));
    index.add(T0 + 5, row("k", "a", "v", 2));
    index.add(T0 + 5, row("k", "a", "v", 3));
    assertEquals(List.of(pair(T0 + 5, 1L), pair(T0 + 5, 3L)), rows(index).get(0).metrics());
  }

  @Test
  void aNullValueIsACandidateAndAMissingFieldIsNull()
  {
    IncrementalIndex index = new IncrementalIndex(schema(
        true, new MetricSchema("f", Kind.DOUBLE_FIRST, "v"), new MetricSchema("l", Kind.DOUBLE_LAST, "v")));
    index.add(T0 + 2, row("k", "a", "v", 7.5));
    index.add(T0 + 1, row("k", "a", "v", null)); // earliest, null: first is null
    index.add(T0 + 9, row("k", "a")); // latest, missing: last is null
    index.add(T0 + 3, row("k", "b", "v", "2.25"));
    List<IncrementalIndex.Row> rows = rows(index);
    assertEquals(List.of(pair(T0 + 1, null), pair(T0 + 9, null)), rows.get(0).metrics());
    assertEquals(List.of(pair(T0 + 3, 2.25), pair(T0 + 3, 2.25)), rows.get(1).metrics());
  }

  @Test
  void aValueThatIsNotANumberMovesTheTimeButKeepsTheValueAsDruid()
  {
    // Druid's aggregator takes the time, then its value selector throws a ParseException
    IncrementalIndex index = new IncrementalIndex(schema(
        true, new MetricSchema("f", Kind.LONG_FIRST, "v"), new MetricSchema("l", Kind.LONG_LAST, "v")));
    index.add(T0 + 5, row("k", "a", "v", 4));
    index.add(T0 + 1, row("k", "a", "v", "junk"));
    index.add(T0 + 9, row("k", "a", "v", List.of(1, 2)));
    index.add(T0 + 3, row("k", "b", "v", "junk"));
    List<IncrementalIndex.Row> rows = rows(index);
    assertEquals(List.of(pair(T0 + 1, 4L), pair(T0 + 9, 4L)), rows.get(0).metrics());
    assertEquals(List.of(pair(T0 + 3, null), pair(T0 + 3, null)), rows.get(1).metrics());
  }

  @Test
  void anotherTimeColumnIsReadFromTheRowAndRowsWithoutItAreSkipped()
  {
    IncrementalIndex index = new IncrementalIndex(schema(
        true,
        new MetricSchema("f", Kind.LONG_FIRST, "v", "seq"),
        new MetricSchema("l", Kind.FLOAT_LAST, "v", "seq")
    ));
    index.add(T0 + 1, row("k", "a", "v", 10, "seq", 30));
    index.add(T0 + 2, row("k", "a", "v", 20, "seq", "12"));
    index.add(T0 + 3, row("k", "a", "v", 30, "seq", "4x")); // unparseable time: skipped
    index.add(T0 + 4, row("k", "a", "v", 40)); // no time: skipped
    index.add(T0 + 5, row("k", "a", "v", 50, "seq", 31.9)); // a double time is truncated: 31
    index.add(T0 + 6, row("k", "b", "v", 1)); // b never has a time
    List<IncrementalIndex.Row> rows = rows(index);
    assertEquals(List.of(pair(12, 20L), pair(31, 50f)), rows.get(0).metrics());
    assertEquals(List.of(pair(Long.MAX_VALUE, null), pair(Long.MIN_VALUE, null)), rows.get(1).metrics());
  }

  @Test
  void withoutRollupEveryRowHoldsItsOwnPair()
  {
    IncrementalIndex index = new IncrementalIndex(schema(
        false, new MetricSchema("f", Kind.FLOAT_FIRST, "v"), new MetricSchema("l", Kind.LONG_LAST, "v")));
    index.add(T0 + 7, row("k", "a", "v", 1.5));
    index.add(T0 + 3, row("k", "a"));
    List<IncrementalIndex.Row> rows = rows(index);
    assertEquals(2, rows.size());
    assertEquals(List.of(pair(T0 + 7, 1.5f), pair(T0 + 7, 1L)), rows.get(0).metrics());
    assertEquals(List.of(pair(T0 + 3, null), pair(T0 + 3, null)), rows.get(1).metrics());
  }

  @Test
  void metricSchemaDefaultsTheTimeColumnAndRefusesItElsewhere()
  {
    assertEquals("__time", new MetricSchema("f", Kind.LONG_FIRST, "v").timeColumn());
    assertEquals("seq", new MetricSchema("f", Kind.DOUBLE_LAST, "v", "seq").timeColumn());
    assertEquals(null, new MetricSchema("s", Kind.LONG_SUM, "v").timeColumn());
    assertThrows(IllegalArgumentException.class, () -> new MetricSchema("s", Kind.LONG_SUM, "v", "seq"));
    assertThrows(IllegalArgumentException.class, () -> new MetricSchema("f", Kind.LONG_FIRST, null));
    assertThrows(IllegalArgumentException.class, () -> new MetricSchema("f", Kind.LONG_FIRST, "v", ""));
    assertEquals(Map.of("type", "longFirst", "name", "f", "fieldName", "f", "timeColumn", "seq"),
                 new MetricSchema("f", Kind.LONG_FIRST, "v", "seq").combiningJson());
    assertEquals("serializablePairLongFloat", Kind.FLOAT_LAST.complexTypeName());
  }
}
