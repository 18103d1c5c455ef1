package io.sluice.segment.v9;

import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.MetricSchema;
import io.sluice.segment.index.MetricSchema.Kind;
import io.sluice.segment.spec.IndexSpec;
import org.apache.druid.math.expr.ExpressionProcessing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Sums, mins and maxes over an {@code expression} instead of a {@code fieldName}: the segment Sluice writes must be,
 * column by column, what Druid 37's own ingestion writes for the same rows and metricsSpec.
 */
class ExpressionAggregatorDruidOracleTest
{
  private static final long START = V9SegmentWriterTest.START;

  @TempDir
  Path tmp;

  @BeforeAll
  static void initDruidExpressions()
  {
    ExpressionProcessing.initializeForTests();
  }

  private static List<MetricSchema> metrics()
  {
    return List.of(
        MetricSchema.count("count"),
        MetricSchema.ofExpression("n2_sum", Kind.LONG_SUM, "n * 2"),
        MetricSchema.ofExpression("xn_sum", Kind.DOUBLE_SUM, "x + n"),
        MetricSchema.ofExpression("pos_max", Kind.DOUBLE_MAX, "if(n > 0, x, 0 - x)"),
        MetricSchema.ofExpression("quarter_min", Kind.FLOAT_MIN, "x / 4"),
        MetricSchema.ofExpression("ms_max", Kind.LONG_MAX, "__time % 1000"),
        MetricSchema.ofExpression("nvl_min", Kind.LONG_MIN, "nvl(n, 7)"),
        MetricSchema.ofExpression("k_sum", Kind.LONG_SUM, "if(k == 'k1', 1, 0)"),
        new MetricSchema("n_sum", Kind.LONG_SUM, "n")
    );
  }

  @Test
  void expressionAggregatorsMatchDruidsOwnIngestionWithAndWithoutRollup() throws IOException
  {
    Random random = new Random(1121);
    int run = 0;
    for (boolean rollup : new boolean[]{true, false}) {
      for (Granularity g : new Granularity[]{Granularity.MINUTE, Granularity.NONE}) {
        DruidOracleSegmentTest oracle = new DruidOracleSegmentTest();
        oracle.tmp = tmp;
        DruidOracleSegmentTest.Case c = new DruidOracleSegmentTest.Case(
            List.of(DimensionSchema.string("k")), metrics(), g, rollup, rows(random, 300 + random.nextInt(1500)));
        oracle.compareWithDruid(c, IndexSpec.DEFAULT, "expr" + run++);
      }
    }
  }

  /** Rows with few keys; n and x numbers of several types, numeric strings, nulls or missing. */
  private static List<DruidReference.InputRow> rows(Random random, int count)
  {
    List<DruidReference.InputRow> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Map<String, Object> e = new HashMap<>();
      if (random.nextInt(8) > 0) {
        e.put("k", "k" + random.nextInt(3));
      }
      int kind = random.nextInt(10);
      if (kind > 0) {
        e.put("n", kind == 1 ? null : kind == 2 ? random.nextInt(100) : kind == 3 ? "17" : kind == 4 ? "junk"
            : (long) random.nextInt(2000) - 1000);
      }
      kind = random.nextInt(10);
      if (kind > 0) {
        e.put("x", kind == 1 ? null : kind == 2 ? (Object) random.nextFloat() : kind == 3 ? "2.5"
            : (Object) (random.nextInt(4000) / 8.0));
      }
      rows.add(new DruidReference.InputRow(START + random.nextInt(5) * 60_000L + random.nextInt(60_000), e));
    }
    return rows;
  }
}
