package io.sluice.segment.read;

import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.druid.collections.bitmap.ImmutableBitmap;
import org.apache.druid.data.input.MapBasedInputRow;
import org.apache.druid.data.input.impl.DimensionSchema;
import org.apache.druid.data.input.impl.DimensionsSpec;
import org.apache.druid.data.input.impl.TimestampSpec;
import org.apache.druid.jackson.DefaultObjectMapper;
import org.apache.druid.java.util.common.granularity.Granularity;
import org.apache.druid.math.expr.ExprMacroTable;
import org.apache.druid.query.DefaultBitmapResultFactory;
import org.apache.druid.query.aggregation.AggregatorFactory;
import org.apache.druid.segment.ColumnSelectorFactory;
import org.apache.druid.segment.ColumnValueSelector;
import org.apache.druid.segment.Cursor;
import org.apache.druid.segment.CursorBuildSpec;
import org.apache.druid.segment.CursorHolder;
import org.apache.druid.segment.IndexIO;
import org.apache.druid.segment.IndexMergerV9;
import org.apache.druid.segment.IndexSpec;
import org.apache.druid.segment.QueryableIndex;
import org.apache.druid.segment.QueryableIndexCursorFactory;
import org.apache.druid.segment.column.ColumnConfig;
import org.apache.druid.segment.column.ColumnHolder;
import org.apache.druid.segment.column.ColumnIndexSupplier;
import org.apache.druid.segment.column.ColumnType;
import org.apache.druid.segment.incremental.IncrementalIndex;
import org.apache.druid.segment.incremental.IncrementalIndexSchema;
import org.apache.druid.segment.incremental.OnheapIncrementalIndex;
import org.apache.druid.segment.index.BitmapColumnIndex;
import org.apache.druid.segment.index.semantic.NullValueIndex;
import org.apache.druid.segment.index.semantic.ValueIndexes;
import org.apache.druid.segment.writeout.OffHeapMemorySegmentWriteOutMediumFactory;
import org.joda.time.Interval;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Druid 37's own segment writer ({@code OnheapIncrementalIndex} + {@code IndexMergerV9}) and reader
 * ({@code IndexIO}), wired outside Guice as Druid's TestHelper does: the reference segments and the oracle for the
 * reader tests, and Druid's side of the engine benchmark.
 */
public final class DruidSegments
{
  public static final ObjectMapper MAPPER = makeMapper();
  public static final IndexIO INDEX_IO = new IndexIO(MAPPER, ColumnConfig.DEFAULT);
  public static final IndexMergerV9 MERGER = new IndexMergerV9(
      MAPPER,
      INDEX_IO,
      OffHeapMemorySegmentWriteOutMediumFactory.instance()
  );

  private DruidSegments()
  {
  }

  private static ObjectMapper makeMapper()
  {
    final ObjectMapper mapper = new DefaultObjectMapper();
    // metadata.drd's aggregators need these injected; without them Druid drops the metadata
    mapper.setInjectableValues(new InjectableValues.Std()
                                   .addValue(ExprMacroTable.class, ExprMacroTable.nil())
                                   .addValue(ObjectMapper.class, mapper));
    return mapper;
  }

  /** An empty on-heap index: timestampSpec {@code timestamp}/millis, dimensions in order, the given rollup. */
  public static IncrementalIndex newIndex(
      long minTimestamp,
      Granularity queryGranularity,
      boolean rollup,
      List<DimensionSchema> dimensions,
      AggregatorFactory[] metrics,
      int maxRows
  )
  {
    final IncrementalIndexSchema schema = new IncrementalIndexSchema.Builder()
        .withMinTimestamp(minTimestamp)
        .withTimestampSpec(new TimestampSpec("timestamp", "millis", null))
        .withQueryGranularity(queryGranularity)
        .withDimensionsSpec(new DimensionsSpec(dimensions))
        .withMetrics(metrics)
        .withRollup(rollup)
        .build();
    return new OnheapIncrementalIndex.Builder().setIndexSchema(schema).setMaxRowCount(maxRows).build();
  }

  /** Adds one event; {@code dimensionNames} are the dimensions the row declares. */
  public static void add(IncrementalIndex index, long timestamp, List<String> dimensionNames, Map<String, Object> event)
  {
    index.add(new MapBasedInputRow(timestamp, dimensionNames, event));
  }

  /** Persists the index as a V9 segment directory. */
  public static File persist(IncrementalIndex index, Interval interval, File dir, IndexSpec spec)
  {
    try {
      return MERGER.persist(index, interval, dir, spec, null);
    }
    catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Persists the index as a V9 segment directory with the given merger (write-out medium). */
  public static File persist(IncrementalIndex index, Interval interval, File dir, IndexSpec spec, IndexMergerV9 merger)
  {
    try {
      return merger.persist(index, interval, dir, spec, null);
    }
    catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads a segment directory with Druid's IndexIO. The caller closes it. */
  public static QueryableIndex load(File dir)
  {
    try {
      return INDEX_IO.loadIndex(dir);
    }
    catch (IOException e) {
      throw new UncheckedIOException("Druid failed to load " + dir, e);
    }
  }

  /** Every row in segment order as Druid's cursor reads it: {@code __time}, then each column Druid lists. */
  public static List<Map<String, Object>> rows(QueryableIndex index, List<String> columns)
  {
    final List<Map<String, Object>> out = new ArrayList<>(index.getNumRows());
    try (CursorHolder holder = new QueryableIndexCursorFactory(index).makeCursorHolder(CursorBuildSpec.FULL_SCAN)) {
      final Cursor cursor = holder.asCursor();
      if (cursor == null) {
        return out;
      }
      final ColumnSelectorFactory csf = cursor.getColumnSelectorFactory();
      final ColumnValueSelector<?> time = csf.makeColumnValueSelector(ColumnHolder.TIME_COLUMN_NAME);
      final List<ColumnValueSelector<?>> selectors = new ArrayList<>();
      for (String c : columns) {
        selectors.add(csf.makeColumnValueSelector(c));
      }
      while (!cursor.isDone()) {
        final Map<String, Object> row = new LinkedHashMap<>();
        row.put(ColumnHolder.TIME_COLUMN_NAME, time.getLong());
        for (int i = 0; i < columns.size(); i++) {
          row.put(columns.get(i), selectors.get(i).getObject());
        }
        out.add(row);
        cursor.advance();
      }
    }
    return out;
  }

  /** Rows Druid's bitmap index gives for {@code dimension = value} (null: IS NULL). */
  public static RoaringBitmap bitmap(QueryableIndex index, String dimension, String value)
  {
    final ColumnIndexSupplier supplier = index.getColumnHolder(dimension).getIndexSupplier();
    final BitmapColumnIndex bitmapIndex;
    if (value == null) {
      bitmapIndex = supplier.as(NullValueIndex.class).get();
    } else {
      bitmapIndex = supplier.as(ValueIndexes.class).forValue(value, ColumnType.STRING);
    }
    final ImmutableBitmap bitmap = bitmapIndex.computeBitmapResult(
        new DefaultBitmapResultFactory(index.getBitmapFactoryForDimensions()),
        false
    );
    final RoaringBitmap out = new RoaringBitmap();
    final IntIterator it = bitmap.iterator();
    while (it.hasNext()) {
      out.add(it.next());
    }
    return out;
  }
}
