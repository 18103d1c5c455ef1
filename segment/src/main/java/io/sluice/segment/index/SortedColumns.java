package io.sluice.segment.index;

import io.sluice.segment.index.DimensionSchema.ValueType;

import java.util.BitSet;

/**
 * Builds {@link SortedIndex.StringColumn}s and {@link SortedIndex.NumericColumn}s from outside an index, so a column
 * produced another way (a streaming merge of segments) is written by the same code as an index's columns.
 */
public final class SortedColumns
{
  private SortedColumns()
  {
  }

  /**
   * A single-valued STRING column.
   *
   * @param dictionary strictly ascending in Java String order, null first exactly when some row is null
   * @param utf8       the same values UTF-8 encoded (null stays null)
   * @param ids        one dictionary id per row
   */
  public static SortedIndex.StringColumn stringColumn(String name, String[] dictionary, byte[][] utf8, int[] ids)
  {
    if (dictionary.length != utf8.length) {
      throw new IllegalArgumentException("dictionary and utf8 differ in length");
    }
    return new SortedIndex.StringColumn(name, dictionary, utf8, ids, null);
  }

  /**
   * A multi-value STRING column: row r holds {@code ids[offsets[r] .. offsets[r + 1])} (none for an empty row).
   *
   * @param dictionary strictly ascending in Java String order, null first when some row is null or empty
   * @param offsets    rowCount + 1 non-decreasing offsets into {@code ids}, from 0 to {@code ids.length}
   */
  public static SortedIndex.StringColumn multiValueStringColumn(
      String name,
      String[] dictionary,
      byte[][] utf8,
      int[] ids,
      int[] offsets
  )
  {
    if (dictionary.length != utf8.length) {
      throw new IllegalArgumentException("dictionary and utf8 differ in length");
    }
    if (offsets.length == 0 || offsets[0] != 0 || offsets[offsets.length - 1] != ids.length) {
      throw new IllegalArgumentException("offsets must run from 0 to the number of ids");
    }
    return new SortedIndex.StringColumn(name, dictionary, utf8, ids, offsets);
  }

  /** A first/last column of {@code rows} pairs (0, 0 of {@code valueType}), none null; fill its arrays and nulls. */
  public static SortedIndex.PairColumn pairColumn(String name, ValueType valueType, int rows)
  {
    return new SortedIndex.PairColumn(name, new long[rows], numericColumn(name, valueType, rows));
  }

  /**
   * A type-aware dimension's single-valued string column as the numeric column a final segment stores (see
   * {@link DimensionSchema#writtenType()}): each dictionary value parsed once; null rows stay null.
   *
   * @throws IllegalArgumentException if a value does not parse as {@code type}, or the column is multi-value
   */
  public static SortedIndex.NumericColumn parsedNumbers(SortedIndex.StringColumn strings, ValueType type)
  {
    if (strings.offsets() != null) {
      throw new IllegalArgumentException("column [" + strings.name() + "] is multi-value; it cannot be numeric");
    }
    final String[] dictionary = strings.dictionary();
    final long[] longs = type == ValueType.LONG ? new long[dictionary.length] : null;
    final double[] doubles = type == ValueType.DOUBLE ? new double[dictionary.length] : null;
    if (longs == null && doubles == null) {
      throw new IllegalArgumentException("not LONG or DOUBLE: " + type);
    }
    for (int i = 0; i < dictionary.length; i++) {
      if (dictionary[i] == null) {
        continue;
      }
      try {
        if (longs != null) {
          longs[i] = Long.parseLong(dictionary[i]);
        } else {
          doubles[i] = Double.parseDouble(dictionary[i]);
        }
      }
      catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "column [" + strings.name() + "] value [" + dictionary[i] + "] is not a " + type, e);
      }
    }
    final int[] ids = strings.ids();
    final SortedIndex.NumericColumn out = numericColumn(strings.name(), type, ids.length);
    for (int r = 0; r < ids.length; r++) {
      final int id = ids[r];
      if (dictionary[id] == null) {
        out.nulls().set(r);
      } else if (longs != null) {
        out.longs()[r] = longs[id];
      } else {
        out.doubles()[r] = doubles[id];
      }
    }
    return out;
  }

  /** A numeric column of {@code rows} zeros, none null; fill its array and its {@code nulls()}. */
  public static SortedIndex.NumericColumn numericColumn(String name, ValueType type, int rows)
  {
    return SortedIndex.NumericColumn.allocate(name, type, rows, new BitSet());
  }
}
