package io.sluice.segment.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.segment.granularity.Granularity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Schemaless ingestion: a dimension that first appears after rows were added. */
class AddDimensionTest {
  static IncrementalIndex index(boolean rollup) {
    return new IncrementalIndex(new IndexSchema(List.of(DimensionSchema.string("a")),
        List.of(MetricSchema.count("count")), Granularity.NONE, rollup, IndexSchema.defaultTimestampSpec()));
  }

  static List<IncrementalIndex.Row> rows(IncrementalIndex index) {
    List<IncrementalIndex.Row> out = new ArrayList<>();
    for (Iterator<IncrementalIndex.Row> it = index.sortedRows(); it.hasNext(); ) out.add(it.next());
    return out;
  }

  @Test
  void earlierRowsGetNullAndRollupStillCombines() {
    IncrementalIndex index = index(true);
    index.add(1, Map.of("a", "x"));
    index.add(1, Map.of("a", "x"));
    index.add(2, Map.of("a", "y"));
    index.addDimension(DimensionSchema.string("b"));
    index.add(1, Map.of("a", "x")); // b missing: same key as the first two
    index.add(1, Map.of("a", "x", "b", "z"));
    for (int i = 0; i < 3000; i++) index.add(1000 + i, Map.of("a", "x", "b", "z")); // grows past the first capacity
    List<IncrementalIndex.Row> rows = rows(index);
    assertEquals(3003, rows.size());
    assertEquals(List.of("x", "z"), rows.get(1).dimensions());
    assertEquals(Arrays.asList("x", null), rows.get(0).dimensions());
    assertEquals(3L, rows.get(0).metrics().get(0), "rows before and after the new dimension roll up together");
    assertEquals(Arrays.asList("y", null), rows.get(2).dimensions());
    assertEquals(List.of("a", "b"), index.schema().dimensions().stream().map(DimensionSchema::name).toList());
  }

  @Test
  void aDiscoveredDimensionKeysAbsentApartFromNullAndSortsItFirst() {
    IncrementalIndex index = index(true);
    index.add(1, Map.of("a", "x"));
    index.addDimension(DimensionSchema.discovered("b"));
    index.add(1, Map.of("a", "x")); // b absent, as in the first row: one key
    Map<String, Object> explicitNull = new java.util.HashMap<>();
    explicitNull.put("a", "x");
    explicitNull.put("b", null);
    index.add(1, explicitNull); // b present but null: another key, as in Druid
    index.add(1, Map.of("a", "x", "b", List.of())); // [] is the same key as null
    List<IncrementalIndex.Row> rows = rows(index);
    assertEquals(2, rows.size());
    assertEquals(2L, rows.get(0).metrics().get(0), "the absent key sorts first");
    assertEquals(2L, rows.get(1).metrics().get(0));
    assertEquals(Arrays.asList("x", null), rows.get(0).dimensions());
    assertEquals(Arrays.asList("x", null), rows.get(1).dimensions());
  }

  @Test
  void withoutRollupEveryRowIsKept() {
    IncrementalIndex index = index(false);
    index.add(1, Map.of("a", "x"));
    index.addDimension(DimensionSchema.string("b"));
    index.add(1, Map.of("a", "x"));
    assertEquals(2, rows(index).size());
  }

  @Test
  void aDuplicateNameIsRefused() {
    IncrementalIndex index = index(true);
    assertThrows(IllegalArgumentException.class, () -> index.addDimension(DimensionSchema.string("count")));
  }
}
