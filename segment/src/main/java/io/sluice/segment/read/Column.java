package io.sluice.segment.read;

import java.util.Map;

/**
 * One column of a segment as its descriptor declares it. Values are decoded on demand; a column whose bytes turn out
 * to be corrupt throws {@link SegmentFormatException} from the accessor that reads them. Columns are not
 * thread-safe: each caches its last decompressed block.
 */
public abstract class Column
{
  private final String name;
  private final String valueType;
  private final String partType;
  private final long sizeBytes;

  Column(String name, String valueType, String partType, long sizeBytes)
  {
    this.name = name;
    this.valueType = valueType;
    this.partType = partType;
    this.sizeBytes = sizeBytes;
  }

  public String name()
  {
    return name;
  }

  /** The descriptor's {@code valueType}: LONG, FLOAT, DOUBLE, STRING, COMPLEX, ... */
  public String valueType()
  {
    return valueType;
  }

  /** The descriptor part's {@code type}: longV2, stringDictionary, complex, ... */
  public String partType()
  {
    return partType;
  }

  /** A display type, e.g. {@code LONG}, {@code STRING}, {@code COMPLEX<serializablePairLongString>}. */
  public String typeName()
  {
    return valueType;
  }

  /** Bytes of the column's internal file, descriptor included. */
  public long sizeBytes()
  {
    return sizeBytes;
  }

  public boolean hasMultipleValues()
  {
    return false;
  }

  /** Rows the column stores, or -1 if this reader does not decode the column. */
  public abstract int rows();

  /** Whether {@link #value} decodes this column. */
  public boolean decodable()
  {
    return rows() >= 0;
  }

  /**
   * The value at a row: Long, Float, Double, String, a List of Strings (multi-value), a
   * {@link io.sluice.segment.index.FirstLastPair} (first/last columns), or null.
   *
   * @throws UnsupportedOperationException if the column is not {@link #decodable()}
   * @throws IndexOutOfBoundsException     for a row outside [0, rows)
   */
  public abstract Object value(int row);

  /** Layout facts for display: compression, encodings, cardinality, ... */
  public abstract Map<String, Object> details();

  void checkRow(int row)
  {
    if (row < 0 || row >= rows()) {
      throw new IndexOutOfBoundsException("row " + row + " of " + rows() + " in column " + name);
    }
  }
}
