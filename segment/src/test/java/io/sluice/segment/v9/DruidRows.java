package io.sluice.segment.v9;

import org.apache.druid.segment.ColumnSelectorFactory;
import org.apache.druid.segment.ColumnValueSelector;
import org.apache.druid.segment.Cursor;
import org.apache.druid.segment.CursorBuildSpec;
import org.apache.druid.segment.CursorHolder;
import org.apache.druid.segment.QueryableIndex;
import org.apache.druid.segment.QueryableIndexCursorFactory;
import org.apache.druid.segment.column.ColumnHolder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class DruidRows
{
  static List<Map<String, Object>> rows(QueryableIndex idx)
  {
    List<String> columns = idx.getColumnNames();
    List<Map<String, Object>> out = new ArrayList<>();
    try (CursorHolder holder = new QueryableIndexCursorFactory(idx).makeCursorHolder(CursorBuildSpec.FULL_SCAN)) {
      Cursor cursor = holder.asCursor();
      ColumnSelectorFactory csf = cursor.getColumnSelectorFactory();
      ColumnValueSelector<?> time = csf.makeColumnValueSelector(ColumnHolder.TIME_COLUMN_NAME);
      List<ColumnValueSelector<?>> sel = new ArrayList<>();
      for (String c : columns) {
        sel.add(csf.makeColumnValueSelector(c));
      }
      while (!cursor.isDone()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("__time", time.getLong());
        for (int i = 0; i < columns.size(); i++) {
          row.put(columns.get(i), sel.get(i).getObject());
        }
        out.add(row);
        cursor.advance();
      }
    }
    return out;
  }
}
