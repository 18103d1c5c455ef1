package io.sluice.segment.v9;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.druid.data.input.MapBasedInputRow;
import org.apache.druid.data.input.impl.DimensionsSpec;
import org.apache.druid.data.input.impl.MapInputRowParser;
import org.apache.druid.data.input.impl.TimestampSpec;
import org.apache.druid.jackson.DefaultObjectMapper;
import org.apache.druid.java.util.common.granularity.Granularity;
import org.apache.druid.math.expr.ExprMacroTable;
import org.apache.druid.query.aggregation.AggregatorFactory;
import org.apache.druid.segment.IndexIO;
import org.apache.druid.segment.IndexMergerV9;
import org.apache.druid.segment.IndexSpec;
import org.apache.druid.segment.QueryableIndex;
import org.apache.druid.segment.column.ColumnConfig;
import org.apache.druid.segment.incremental.IncrementalIndex;
import org.apache.druid.segment.incremental.IncrementalIndexSchema;
import org.apache.druid.segment.incremental.OnheapIncrementalIndex;
import org.apache.druid.segment.writeout.OnHeapMemorySegmentWriteOutMediumFactory;
import org.joda.time.Interval;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Druid 37 itself, outside its Guice wiring: its segment reader ({@code IndexIO}) and, to learn what Druid writes,
 * its own ingestion path (OnheapIncrementalIndex persisted by IndexMergerV9). Schemas come as Druid spec JSON, so
 * a test can hand the same JSON to Sluice's spec model and to Druid.
 */
final class DruidReference
{
  static final ObjectMapper MAPPER = makeMapper();
  static final IndexIO INDEX_IO = new IndexIO(MAPPER, ColumnConfig.DEFAULT);
  private static final TimestampSpec TIMESTAMP_SPEC = new TimestampSpec("timestamp", "millis", null);

  private DruidReference()
  {
  }

  private static ObjectMapper makeMapper()
  {
    final ObjectMapper mapper = new DefaultObjectMapper();
    // metadata.drd's aggregators need these injected; without them Druid silently drops the metadata
    mapper.setInjectableValues(
        new InjectableValues.Std()
            .addValue(ExprMacroTable.class, ExprMacroTable.nil())
            .addValue(ObjectMapper.class, mapper)
    );
    return mapper;
  }

  /** Loads a V9 segment directory with Druid's IndexIO. The caller closes it. */
  static QueryableIndex load(File segmentDir)
  {
    try {
      return INDEX_IO.loadIndex(segmentDir);
    }
    catch (IOException e) {
      throw new UncheckedIOException("Druid failed to load segment " + segmentDir, e);
    }
  }

  static <T> T json(String json, Class<T> type)
  {
    try {
      return MAPPER.readValue(json, type);
    }
    catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One input row for Druid's index. */
  record InputRow(long timestamp, Map<String, Object> event)
  {
  }

  /**
   * Ingests rows the way a Druid task does and persists them with IndexMergerV9.
   *
   * @param dimensionsSpec  Druid dimensionsSpec JSON
   * @param metricsSpec     Druid metricsSpec JSON (an array)
   * @param granularity     queryGranularity JSON, e.g. {@code "\"MINUTE\""}
   * @param indexSpec       Druid indexSpec JSON ({@code "{}"} for the defaults)
   */
  static File persist(
      File outDir,
      String dimensionsSpec,
      String metricsSpec,
      String granularity,
      boolean rollup,
      String indexSpec,
      long minTimestamp,
      Interval interval,
      List<InputRow> rows
  )
  {
    try {
      final DimensionsSpec dims = MAPPER.readValue(dimensionsSpec, DimensionsSpec.class);
      final List<AggregatorFactory> aggs = MAPPER.readValue(metricsSpec, new TypeReference<>() {});
      final IncrementalIndexSchema schema = new IncrementalIndexSchema.Builder()
          .withMinTimestamp(minTimestamp)
          .withTimestampSpec(TIMESTAMP_SPEC)
          .withQueryGranularity(MAPPER.readValue(granularity, Granularity.class))
          .withDimensionsSpec(dims)
          .withMetrics(aggs.toArray(new AggregatorFactory[0]))
          .withRollup(rollup)
          .build();
      final IncrementalIndex index = new OnheapIncrementalIndex.Builder()
          .setIndexSchema(schema)
          .setMaxRowCount(Integer.MAX_VALUE)
          .build();
      try {
        for (InputRow r : rows) {
          // the row's dimensions as Druid's parser finds them: the listed ones, or with includeAllDimensions (or none
          // listed) also every other field that is not excluded, in the row's field order
          final List<String> rowDims =
              MapInputRowParser.findDimensions(TIMESTAMP_SPEC, dims, r.event().keySet());
          index.add(new MapBasedInputRow(r.timestamp(), rowDims, r.event()));
        }
        final IndexMergerV9 merger =
            new IndexMergerV9(MAPPER, INDEX_IO, OnHeapMemorySegmentWriteOutMediumFactory.instance(), true);
        return merger.persist(
            index, interval, outDir, MAPPER.readValue(indexSpec, IndexSpec.class),
            OnHeapMemorySegmentWriteOutMediumFactory.instance()
        );
      }
      finally {
        index.close();
      }
    }
    catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
