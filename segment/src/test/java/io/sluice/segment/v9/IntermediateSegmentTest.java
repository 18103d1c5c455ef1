package io.sluice.segment.v9;

import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.merge.SegmentMergerTest;
import io.sluice.segment.spec.IndexSpec;
import org.apache.druid.segment.QueryableIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static io.sluice.segment.merge.SegmentMergerTest.END;
import static io.sluice.segment.merge.SegmentMergerTest.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An intermediate persist ({@link V9SegmentWriter#writeIntermediate}, LZ4 fast mode) holds what the segment written
 * for publishing holds: Druid 37 loads both to the same rows, and only the compressed bytes differ.
 */
class IntermediateSegmentTest
{
  @TempDir
  Path tmp;

  @Test
  void intermediatePersistHoldsTheSameRowsAsThePublishedSegment() throws IOException
  {
    final IndexSchema schema = SegmentMergerTest.schema(true, Granularity.of("MINUTE"));
    final IncrementalIndex index = new IncrementalIndex(schema, START);
    for (Map<String, Object> row : SegmentMergerTest.rows(11, 30_000)) {
      index.add((Long) row.get("t"), row);
    }
    final Path published = tmp.resolve("published");
    final Path intermediate = tmp.resolve("intermediate");
    V9SegmentWriter.write(index, START, END, published, IndexSpec.DEFAULT);
    V9SegmentWriter.writeIntermediate(index, START, END, intermediate, IndexSpec.DEFAULT);
    assertFalse(Arrays.equals(Files.readAllBytes(published.resolve("00000.smoosh")),
                              Files.readAllBytes(intermediate.resolve("00000.smoosh"))),
                "LZ4 blocks are compressed differently");
    try (QueryableIndex expected = DruidReference.load(published.toFile());
         QueryableIndex actual = DruidReference.load(intermediate.toFile())) {
      assertEquals(expected.getNumRows(), actual.getNumRows());
      assertEquals(expected.getColumnNames(), actual.getColumnNames());
      assertEquals(Arrays.asList(expected.getMetadata().getAggregators()),
                   Arrays.asList(actual.getMetadata().getAggregators()));
      assertEquals(DruidRows.rows(expected), DruidRows.rows(actual));
    }
  }
}
