package io.sluice.segment.read;

import org.roaringbitmap.RoaringBitmap;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dictionary-encoded STRING column ({@code stringDictionary}), single- or multi-valued. Grammar, after the column
 * descriptor:
 * <pre>
 * part       := u8 version | [ i32 flags if version >= 2 ] | GI(dictionary) | ids | [ GI(bitmaps) ] | [ spatial ]
 *   version: 0x00 uncompressed single-value, 0x01 uncompressed multi-value, 0x02 compressed,
 *            0x03 uncompressed with flags
 *   flags:   bit0 MULTI_VALUE, bit1 MULTI_VALUE_V3, bit2 NO_BITMAP_INDEX (version 0x01 implies MULTI_VALUE)
 *   dictionary: UTF-8 values; flag 0x01 means strictly ascending in Java String order, nulls first; entry 0 is null
 *            when some row is null. (A dictionary starting with 0x7F is front-coded, and is rejected.)
 *   ids:     single-value: vsize (versions 0, 3) or compressedVSize (version 2);
 *            multi-value: vsizeMulti (versions 1, 3), multiV3 (version 2 + MULTI_VALUE_V3) or
 *            multiV2 (version 2 + MULTI_VALUE); see {@link IntColumns}
 *   bitmaps: one roaring bitmap per dictionary entry, the rows holding it (absent with NO_BITMAP_INDEX)
 *   spatial: an R-tree, present only if bytes remain; not decoded
 * </pre>
 */
public final class StringColumn extends Column
{
  static final int MULTI_VALUE = 0x1;
  static final int MULTI_VALUE_V3 = 0x2;
  static final int NO_BITMAP_INDEX = 0x4;
  private static final byte FRONT_CODED_VERSION = 0x7F;

  private final int version;
  private final int flags;
  private final GenericIndexed dictionary;
  private final IntColumns.Ints single;
  private final IntColumns.MultiInts multi;
  private final GenericIndexed bitmaps;
  private final boolean spatial;
  private final int rows;
  private String[] strings;

  private StringColumn(
      String name,
      String partType,
      long sizeBytes,
      int version,
      int flags,
      GenericIndexed dictionary,
      IntColumns.Ints single,
      IntColumns.MultiInts multi,
      GenericIndexed bitmaps,
      boolean spatial
  )
  {
    super(name, "STRING", partType, sizeBytes);
    this.version = version;
    this.flags = flags;
    this.dictionary = dictionary;
    this.single = single;
    this.multi = multi;
    this.bitmaps = bitmaps;
    this.spatial = spatial;
    this.rows = single != null ? single.size() : multi.size();
  }

  /** Parses a string part; {@code in} holds the rest of the column file after the descriptor. */
  static StringColumn read(String name, String partType, long sizeBytes, ByteOrder order, boolean roaring, Input in)
  {
    final byte version = in.u8(name + " version");
    if (version < 0 || version > 3) {
      throw in.errorAt(0, name + ": unknown string column version " + version);
    }
    final int flags;
    if (version >= 2) {
      flags = in.i32(name + " flags");
      if ((flags & ~(MULTI_VALUE | MULTI_VALUE_V3 | NO_BITMAP_INDEX)) != 0) {
        throw in.errorAt(1, name + ": unknown flags 0x" + Integer.toHexString(flags));
      }
    } else {
      flags = version == 1 ? MULTI_VALUE : 0;
    }
    if (in.peek(name + " dictionary") == FRONT_CODED_VERSION) {
      throw in.error(name + ": front-coded string dictionaries are not supported");
    }
    final GenericIndexed dictionary = GenericIndexed.read(in, name + " dictionary");
    final boolean multiValued = (flags & (MULTI_VALUE | MULTI_VALUE_V3)) != 0;
    IntColumns.Ints single = null;
    IntColumns.MultiInts multi = null;
    if (!multiValued) {
      if (version == 2) {
        single = IntColumns.compressedVSize(in, order, name + " ids");
      } else if (version == 0 || version == 3) {
        single = IntColumns.vsize(in, name + " ids");
      } else {
        throw in.errorAt(0, name + ": version " + version + " without multi-value flags");
      }
    } else if (version == 2) {
      if ((flags & MULTI_VALUE) != 0 && (flags & MULTI_VALUE_V3) != 0) {
        throw in.errorAt(1, name + ": both MULTI_VALUE and MULTI_VALUE_V3 flags");
      }
      multi = IntColumns.compressedMulti(in, order, name + " ids");
    } else if ((flags & MULTI_VALUE) != 0) {
      multi = IntColumns.vsizeMulti(in, name + " ids");
    } else {
      throw in.errorAt(1, name + ": MULTI_VALUE_V3 needs version 2, found " + version);
    }
    GenericIndexed bitmaps = null;
    if ((flags & NO_BITMAP_INDEX) == 0) {
      final long at = in.position();
      if (!roaring) {
        throw in.error(name + ": the bitmap index is not in the roaring format (the only bitmap format supported)");
      }
      bitmaps = GenericIndexed.read(in, name + " bitmaps");
      if (bitmaps.size() != dictionary.size()) {
        throw in.errorAt(at, name + ": " + bitmaps.size() + " bitmaps for " + dictionary.size()
                             + " dictionary entries");
      }
    }
    return new StringColumn(
        name,
        partType,
        sizeBytes,
        version,
        flags,
        dictionary,
        single,
        multi,
        bitmaps,
        in.hasRemaining()
    );
  }

  @Override
  public int rows()
  {
    return rows;
  }

  @Override
  public boolean hasMultipleValues()
  {
    return multi != null;
  }

  public int cardinality()
  {
    return dictionary.size();
  }

  /** Dictionary entry {@code id}; null for the null entry. */
  public String dictionaryValue(int id)
  {
    return dictionary()[id];
  }

  /** The dictionary, decoded and checked once: strictly ascending when its flag says sorted. */
  private String[] dictionary()
  {
    if (strings == null) {
      final String[] s = new String[dictionary.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = dictionary.string(i);
        if (dictionary.sorted() && i > 0 && compare(s[i - 1], s[i]) >= 0) {
          throw dictionary.error(i, name() + ": dictionary flagged sorted, but entry " + i + " is not above entry "
                                    + (i - 1));
        }
        if (s[i] == null && i > 0) {
          throw dictionary.error(i, name() + ": null dictionary entry at " + i + "; only entry 0 may be null");
        }
      }
      strings = s;
    }
    return strings;
  }

  private static int compare(String a, String b)
  {
    if (a == null) {
      return b == null ? 0 : -1;
    }
    return b == null ? 1 : a.compareTo(b);
  }

  /** The dictionary id of a single-valued row. */
  public int id(int row)
  {
    checkRow(row);
    if (single == null) {
      throw new IllegalStateException("column " + name() + " is multi-valued; use ids(row)");
    }
    final int id = single.get(row);
    if (id < 0 || id >= dictionary.size()) {
      throw single.error(row, "row " + row + " has dictionary id " + Integer.toUnsignedLong(id) + " of "
                              + dictionary.size());
    }
    return id;
  }

  /** The dictionary ids of a row (one for a single-valued column). */
  public int[] ids(int row)
  {
    checkRow(row);
    if (single != null) {
      return new int[]{id(row)};
    }
    final int[] ids = multi.get(row);
    for (int id : ids) {
      if (id < 0 || id >= dictionary.size()) {
        throw multi.error(row, "row " + row + " has dictionary id " + Integer.toUnsignedLong(id) + " of "
                               + dictionary.size());
      }
    }
    return ids;
  }

  /**
   * As Druid returns it: a String (or null) for a single-valued column; for a multi-valued one null for no values,
   * a String for one, a List for more.
   */
  @Override
  public Object value(int row)
  {
    if (single != null) {
      return dictionary()[id(row)];
    }
    final int[] ids = ids(row);
    if (ids.length == 0) {
      return null;
    }
    if (ids.length == 1) {
      return dictionary()[ids[0]];
    }
    final List<String> out = new ArrayList<>(ids.length);
    for (int id : ids) {
      out.add(dictionary()[id]);
    }
    return out;
  }

  /** The values of a row as a list: empty for no values. */
  public List<String> values(int row)
  {
    final int[] ids = ids(row);
    final String[] out = new String[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = dictionary()[ids[i]];
    }
    return Arrays.asList(out);
  }

  public boolean hasBitmapIndex()
  {
    return bitmaps != null;
  }

  /** The stored bitmap of dictionary entry {@code id}: the rows holding that value. */
  public RoaringBitmap bitmap(int id)
  {
    if (bitmaps == null) {
      throw new IllegalStateException("column " + name() + " has no bitmap index");
    }
    final Input in = bitmaps.element(id);
    return in == null ? new RoaringBitmap() : Bitmaps.read(in, rows, name() + " bitmap " + id);
  }

  /** Dictionary id of a value (null for the null entry), or -1 if absent. */
  public int indexOf(String value)
  {
    final String[] dict = dictionary();
    if (dictionary.sorted()) {
      int lo = 0;
      int hi = dict.length - 1;
      while (lo <= hi) {
        final int mid = (lo + hi) >>> 1;
        final int c = compare(dict[mid], value);
        if (c == 0) {
          return mid;
        }
        if (c < 0) {
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return -1;
    }
    for (int i = 0; i < dict.length; i++) {
      if (compare(dict[i], value) == 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Rows holding {@code value} (null: rows that are null, or have no values). From the bitmap index when there is
   * one, else by scanning the ids.
   */
  public RoaringBitmap rowsWith(String value)
  {
    final int id = indexOf(value);
    if (bitmaps != null) {
      return id < 0 ? new RoaringBitmap() : bitmap(id);
    }
    final RoaringBitmap out = new RoaringBitmap();
    for (int row = 0; row < rows; row++) {
      final int[] ids = ids(row);
      boolean match = value == null && ids.length == 0;
      for (int x : ids) {
        match |= x == id;
      }
      if (match) {
        out.add(row);
      }
    }
    return out;
  }

  @Override
  public Map<String, Object> details()
  {
    final Map<String, Object> d = new LinkedHashMap<>();
    d.put("version", version);
    d.put("cardinality", dictionary.size());
    d.put("multiValue", multi != null);
    d.put("bitmapIndex", bitmaps != null);
    if (spatial) {
      d.put("spatialIndex", true);
    }
    return d;
  }
}
