package io.sluice.segment.v9;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.index.MetricSchema;
import io.sluice.segment.merge.IntermediatePersists;
import io.sluice.segment.merge.SegmentMergerTest;
import io.sluice.segment.spec.IndexSpec;
import org.apache.druid.segment.QueryableIndex;
import org.joda.time.Interval;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.sluice.segment.merge.SegmentMergerTest.END;
import static io.sluice.segment.merge.SegmentMergerTest.START;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Druid is the oracle for merged segments: rows persisted in slices and merged by Sluice load in Druid 37's IndexIO
 * with the values Druid itself produces when it ingests the same rows into one index and persists it.
 */
class MergedSegmentDruidTest
{
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @Test
  void druidReadsMergedSegmentsWithTheValuesOfItsOwnIngestion() throws IOException
  {
    int k = 0;
    for (boolean rollup : new boolean[]{true, false}) {
      IndexSchema schema = SegmentMergerTest.schema(rollup, Granularity.of("HOUR"));
      List<Map<String, Object>> rows = SegmentMergerTest.rows(100 + k, 2000);
      IntermediatePersists persists = new IntermediatePersists(tmp.resolve("p" + k), IndexSpec.DEFAULT);
      IncrementalIndex current = new IncrementalIndex(schema, START);
      List<DruidReference.InputRow> druidRows = new ArrayList<>();
      for (Map<String, Object> row : rows) {
        current.add((Long) row.get("t"), row);
        druidRows.add(new DruidReference.InputRow((Long) row.get("t"), row));
        if (current.rowCount() == 450) {
          persists.persist(START, END, current);
          current = new IncrementalIndex(schema, START);
        }
      }
      Path ours = tmp.resolve("merged" + k);
      persists.merge(START, END, current, schema, Integer.MAX_VALUE, IndexSpec.DEFAULT, p -> ours);
      Path druid = tmp.resolve("druid" + k);
      DruidReference.persist(druid.toFile(), dimensionsSpec(schema), metricsSpec(schema),
                             JSON.writeValueAsString(schema.queryGranularity().toMetadataJson()), rollup, "{}",
                             START, new Interval(START, END), druidRows);
      try (QueryableIndex expected = DruidReference.load(druid.toFile());
           QueryableIndex actual = DruidReference.load(ours.toFile())) {
        String where = "rollup=" + rollup;
        assertEquals(expected.getNumRows(), actual.getNumRows(), where);
        assertEquals(expected.getColumnNames(), actual.getColumnNames(), where);
        assertEquals(Arrays.asList(expected.getMetadata().getAggregators()),
                     Arrays.asList(actual.getMetadata().getAggregators()), where);
        assertEquals(DruidRows.rows(expected), DruidRows.rows(actual), where);
      }
      k++;
    }
  }

  private static String dimensionsSpec(IndexSchema schema) throws IOException
  {
    List<Map<String, Object>> out = new ArrayList<>();
    for (DimensionSchema d : schema.dimensions()) {
      out.add(Map.of("type", d.type().specName(), "name", d.name()));
    }
    return JSON.writeValueAsString(Map.of("dimensions", out));
  }

  private static String metricsSpec(IndexSchema schema) throws IOException
  {
    List<Map<String, Object>> out = new ArrayList<>();
    for (MetricSchema m : schema.metrics()) {
      Map<String, Object> agg = new HashMap<>();
      agg.put("type", m.kind().typeName());
      agg.put("name", m.name());
      if (m.fieldName() != null) {
        agg.put("fieldName", m.fieldName());
      }
      out.add(agg);
    }
    return JSON.writeValueAsString(out);
  }
}
