package io.sluice.segment.read;

import java.util.Map;

/** A column whose every row is null: Druid's {@code null} part, written for columns that never saw a value. */
public final class NullColumn extends Column
{
  private final int rows;

  NullColumn(String name, String valueType, String partType, long sizeBytes, int rows)
  {
    super(name, valueType, partType, sizeBytes);
    this.rows = rows;
  }

  @Override
  public int rows()
  {
    return rows;
  }

  @Override
  public Object value(int row)
  {
    checkRow(row);
    return null;
  }

  @Override
  public Map<String, Object> details()
  {
    return Map.of();
  }
}
