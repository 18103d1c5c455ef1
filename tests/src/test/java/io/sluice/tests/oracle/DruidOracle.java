package io.sluice.tests.oracle;

import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.druid.collections.bitmap.ImmutableBitmap;
import org.apache.druid.jackson.DefaultObjectMapper;
import org.apache.druid.math.expr.ExprMacroTable;
import org.apache.druid.query.DefaultBitmapResultFactory;
import org.apache.druid.segment.ColumnSelectorFactory;
import org.apache.druid.segment.ColumnValueSelector;
import org.apache.druid.segment.Cursor;
import org.apache.druid.segment.CursorBuildSpec;
import org.apache.druid.segment.CursorHolder;
import org.apache.druid.segment.IndexIO;
import org.apache.druid.segment.QueryableIndex;
import org.apache.druid.segment.QueryableIndexCursorFactory;
import org.apache.druid.segment.column.ColumnConfig;
import org.apache.druid.segment.column.ColumnHolder;
import org.apache.druid.segment.column.ColumnIndexSupplier;
import org.apache.druid.segment.column.ColumnType;
import org.apache.druid.segment.index.BitmapColumnIndex;
import org.apache.druid.segment.index.semantic.NullValueIndex;
import org.apache.druid.segment.index.semantic.ValueIndexes;

/**
 * Druid 37's own segment reader ({@code IndexIO}), used as the oracle that says Sluice's V9 writer is right. Built
 * outside Druid's Guice wiring the way Druid's TestHelper builds it.
 */
public final class DruidOracle {
  public static final ObjectMapper MAPPER = makeMapper();
  private static final IndexIO INDEX_IO = new IndexIO(MAPPER, ColumnConfig.DEFAULT);

  private DruidOracle() {}

  private static ObjectMapper makeMapper() {
    ObjectMapper mapper = new DefaultObjectMapper();
    // metadata.drd's aggregators need these injected; without them Druid silently drops the metadata
    mapper.setInjectableValues(new InjectableValues.Std()
        .addValue(ExprMacroTable.class, ExprMacroTable.nil())
        .addValue(ObjectMapper.class, mapper));
    return mapper;
  }

  /** Loads a V9 segment directory. The caller closes it. */
  public static QueryableIndex load(File segmentDir) {
    try {
      return INDEX_IO.loadIndex(segmentDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Druid failed to load segment " + segmentDir, e);
    }
  }

  /** Every row in segment order: {@code __time} then each column Druid reports. */
  public static List<Map<String, Object>> rows(QueryableIndex idx) {
    List<String> columns = idx.getColumnNames();
    List<Map<String, Object>> out = new ArrayList<>(idx.getNumRows());
    QueryableIndexCursorFactory cursorFactory = new QueryableIndexCursorFactory(idx);
    try (CursorHolder holder = cursorFactory.makeCursorHolder(CursorBuildSpec.FULL_SCAN)) {
      Cursor cursor = holder.asCursor();
      if (cursor == null) return out;
      ColumnSelectorFactory csf = cursor.getColumnSelectorFactory();
      ColumnValueSelector<?> time = csf.makeColumnValueSelector(ColumnHolder.TIME_COLUMN_NAME);
      List<ColumnValueSelector<?>> selectors = new ArrayList<>();
      for (String c : columns) selectors.add(csf.makeColumnValueSelector(c));
      while (!cursor.isDone()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(ColumnHolder.TIME_COLUMN_NAME, time.getLong());
        for (int i = 0; i < columns.size(); i++) row.put(columns.get(i), selectors.get(i).getObject());
        out.add(row);
        cursor.advance();
      }
    }
    return out;
  }

  /** Rows where {@code dimension} equals the value (null: IS NULL), answered from the bitmap indexes alone. */
  public static int countSelector(QueryableIndex idx, String dimension, String valueOrNull) {
    ColumnHolder holder = idx.getColumnHolder(dimension);
    if (holder == null) return valueOrNull == null ? idx.getNumRows() : 0;
    ColumnIndexSupplier supplier = holder.getIndexSupplier();
    if (supplier == null) throw new IllegalStateException("column " + dimension + " has no indexes");
    BitmapColumnIndex index;
    if (valueOrNull == null) {
      NullValueIndex nulls = supplier.as(NullValueIndex.class);
      if (nulls == null) throw new IllegalStateException("column " + dimension + " has no null index");
      index = nulls.get();
    } else {
      ValueIndexes values = supplier.as(ValueIndexes.class);
      if (values == null) throw new IllegalStateException("column " + dimension + " has no value index");
      index = values.forValue(valueOrNull, ColumnType.STRING);
      if (index == null) throw new IllegalStateException("column " + dimension + " cannot match " + valueOrNull);
    }
    ImmutableBitmap bitmap = index.computeBitmapResult(
        new DefaultBitmapResultFactory(idx.getBitmapFactoryForDimensions()), false);
    return bitmap.size();
  }
}
