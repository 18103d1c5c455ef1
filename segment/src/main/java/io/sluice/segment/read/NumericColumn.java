package io.sluice.segment.read;

import org.roaringbitmap.RoaringBitmap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A LONG, FLOAT or DOUBLE column ({@code longV2}, {@code floatV2}, {@code doubleV2}, or the legacy {@code long},
 * {@code float}, {@code double} parts without a null bitmap). Grammar, after the column descriptor:
 * <pre>
 * V2 part     := i32 valuesLen | values[valuesLen] | [ i32 bitmapLen | roaring bitmap of null rows ]
 * legacy part := values
 * values      := u8 0x02 | i32 rows | i32 sizePer | u8 compressionId | [ u8 encodingId ] | layout
 *                (version 0x01, LZF without a compression byte, is rejected)
 *   compressionId: LZ4 0x01, UNCOMPRESSED 0xFF, NONE 0xFE (LZF 0x00 and ZSTD 0x02 are rejected). Longs only: a
 *   signed id below -2 means an encoding byte follows and the compression is id + 126; encodings DELTA 0x00,
 *   TABLE 0x01, LONGS 0xFF. Without the flag the encoding is LONGS.
 * layout      := encodingHeader | ( GI(blocks) if compression != NONE, else the encoded values directly )
 *   LONGS  header: none.                          value: 8 bytes (long, double) or 4 (float) in the descriptor's byteOrder
 *   DELTA  header: u8 0x01 | i64 base | i32 bits  value: base + bits-wide unsigned int, packed big-endian
 *   TABLE  header: u8 0x01 | i32 n (<= 256) | i64 table[n]   value: table[bits-wide id], bits for max n
 *   Block k holds rows [k*sizePer, min(rows, (k+1)*sizePer)); each decompresses to at most 64 KiB.
 *   With NONE, sizePer is not used (Druid writes 0).
 * </pre>
 * Null rows read as 0 from the values; {@link #value} returns null for them.
 */
public final class NumericColumn extends Column
{
  /** The stored number type. */
  public enum Type
  {
    LONG(8), FLOAT(4), DOUBLE(8);

    final int width;

    Type(int width)
    {
      this.width = width;
    }
  }

  /** Long encodings by their stored id. */
  public enum LongEncoding
  {
    DELTA((byte) 0x00, "delta"), TABLE((byte) 0x01, "table"), LONGS((byte) 0xFF, "longs");

    private final byte id;
    private final String jsonName;

    LongEncoding(byte id, String jsonName)
    {
      this.id = id;
      this.jsonName = jsonName;
    }

    public String jsonName()
    {
      return jsonName;
    }
  }

  static final byte LZF_VERSION = 0x01;
  static final byte VERSION = 0x02;
  /** Compression ids below this carry the encoding flag (Druid's CompressionFactory.FLAG_BOUND). */
  private static final byte FLAG_BOUND = (byte) 0xFE;
  private static final int FLAG_VALUE = 126;
  private static final int[] SUPPORTED_BITS = io.sluice.segment.v9.LongEncoding.supportedBits();
  private static final int MAX_TABLE_SIZE = 256;

  private final Type type;
  private final int rows;
  private final int sizePer;
  private final Compression compression;
  private final LongEncoding encoding;
  private final int bits;
  private final long base;
  private final long[] table;
  private final ByteOrder order;
  private final Blocks blocks;
  private final ByteBuffer entire;
  private final Input entireInput;
  private final RoaringBitmap nulls;

  private NumericColumn(
      String name,
      String valueType,
      String partType,
      long sizeBytes,
      Type type,
      Header h,
      RoaringBitmap nulls
  )
  {
    super(name, valueType, partType, sizeBytes);
    this.type = type;
    this.rows = h.rows;
    this.sizePer = h.sizePer;
    this.compression = h.compression;
    this.encoding = h.encoding;
    this.bits = h.bits;
    this.base = h.base;
    this.table = h.table;
    this.order = h.order;
    this.blocks = h.blocks;
    this.entire = h.entire;
    this.entireInput = h.entireInput;
    this.nulls = nulls;
  }

  /**
   * Parses a numeric part; {@code in} holds the rest of the column file after the descriptor.
   *
   * @param v2      the part has a values length and an optional null bitmap
   * @param roaring the descriptor's bitmapSerdeFactory is roaring
   */
  static NumericColumn read(
      String name,
      String valueType,
      String partType,
      long sizeBytes,
      Type type,
      boolean v2,
      ByteOrder order,
      boolean roaring,
      Input in
  )
  {
    if (!v2) {
      final Header h = readValues(in, type, order, name);
      return new NumericColumn(name, valueType, partType, sizeBytes, type, h, new RoaringBitmap());
    }
    final int valuesLength = in.i32(name + " values length");
    final Header h = readValues(in.slice(valuesLength, name + " values"), type, order, name);
    RoaringBitmap nulls = new RoaringBitmap();
    if (in.hasRemaining()) {
      if (!roaring) {
        throw in.error(name + ": the null bitmap is not in the roaring format (the only bitmap format supported)");
      }
      final int bitmapLength = in.i32(name + " null bitmap length");
      nulls = Bitmaps.read(in.slice(bitmapLength, name + " null bitmap"), h.rows, name + " null bitmap");
      if (in.hasRemaining()) {
        throw in.error(in.remaining() + " bytes after the null bitmap of " + name);
      }
    }
    return new NumericColumn(name, valueType, partType, sizeBytes, type, h, nulls);
  }

  /** What the values header says, and where the values are. */
  private static final class Header
  {
    int rows;
    int sizePer;
    Compression compression;
    LongEncoding encoding = LongEncoding.LONGS;
    int bits;
    long base;
    long[] table;
    ByteOrder order;
    Blocks blocks;
    ByteBuffer entire;
    Input entireInput;
  }

  private static Header readValues(Input in, Type type, ByteOrder order, String name)
  {
    final Header h = new Header();
    h.order = order;
    final byte version = in.u8(name + " version");
    if (version == LZF_VERSION) {
      throw in.errorAt(0, name + ": version 1 (LZF) numeric columns are not supported");
    }
    if (version != VERSION) {
      throw in.errorAt(0, name + ": unknown numeric column version " + version);
    }
    h.rows = in.i32(name + " row count");
    h.sizePer = in.i32(name + " values per block");
    if (h.rows < 0) {
      throw in.errorAt(1, name + ": negative row count " + h.rows);
    }
    final long compressionAt = in.position();
    byte compressionId = in.u8(name + " compression");
    if (compressionId < FLAG_BOUND) {
      if (type != Type.LONG) {
        throw in.errorAt(compressionAt, name + ": encoding flag on a " + type + " column");
      }
      final long encodingAt = in.position();
      final byte encodingId = in.u8(name + " long encoding");
      h.encoding = null;
      for (LongEncoding e : LongEncoding.values()) {
        if (e.id == encodingId) {
          h.encoding = e;
        }
      }
      if (h.encoding == null) {
        throw in.errorAt(encodingAt, name + ": unknown long encoding 0x" + Integer.toHexString(encodingId & 0xFF));
      }
      compressionId = (byte) (compressionId + FLAG_VALUE);
    }
    h.compression = Compression.forId(compressionId, in, compressionAt);
    switch (h.encoding) {
      case DELTA: {
        final byte v = in.u8(name + " delta version");
        if (v != 0x01) {
          throw in.errorAt(in.position() - 1, name + ": unknown delta encoding version " + v);
        }
        h.base = in.i64(name + " delta base");
        h.bits = in.i32(name + " delta bits");
        checkBits(in, h.bits, name);
        break;
      }
      case TABLE: {
        final byte v = in.u8(name + " table version");
        if (v != 0x01) {
          throw in.errorAt(in.position() - 1, name + ": unknown table encoding version " + v);
        }
        final int size = in.i32(name + " table size");
        if (size < 0 || size > MAX_TABLE_SIZE) {
          throw in.errorAt(in.position() - 4, name + ": table size " + size + " outside [0, 256]");
        }
        in.need(8L * size, name + " table");
        h.table = new long[size];
        for (int i = 0; i < size; i++) {
          h.table[i] = in.i64(name + " table");
        }
        h.bits = io.sluice.segment.v9.LongEncoding.bitsForMax(size);
        break;
      }
      default:
        h.bits = type.width * 8;
    }
    final long rows = h.rows;
    if (h.compression == Compression.NONE) {
      in.need((rows * h.bits + 7) / 8, name + " values");
      h.entireInput = in.rest();
      h.entire = h.entireInput.buffer(order);
    } else {
      if (h.sizePer <= 0) {
        throw in.errorAt(5, name + ": values per block " + h.sizePer + " is not positive");
      }
      if (((long) h.sizePer * h.bits + 7) / 8 > Blocks.MAX_BLOCK_BYTES) {
        throw in.errorAt(5, name + ": " + h.sizePer + " values per block do not fit in 64 KiB");
      }
      final long at = in.position();
      h.blocks = Blocks.read(in, h.compression, order, name);
      final long expected = (rows + h.sizePer - 1) / h.sizePer;
      if (h.blocks.count() != expected) {
        throw in.errorAt(at, name + ": " + h.blocks.count() + " blocks for " + rows + " rows of " + h.sizePer
                             + " per block; expected " + expected);
      }
    }
    return h;
  }

  private static void checkBits(Input in, int bits, String name)
  {
    for (int b : SUPPORTED_BITS) {
      if (b == bits) {
        return;
      }
    }
    throw in.errorAt(in.position() - 4, name + ": unsupported bits per value " + bits);
  }

  public Type type()
  {
    return type;
  }

  @Override
  public int rows()
  {
    return rows;
  }

  @Override
  public String typeName()
  {
    return type.name();
  }

  /** Rows that are null (empty if the column stores no null bitmap). */
  public RoaringBitmap nullRows()
  {
    return nulls.clone();
  }

  public boolean isNull(int row)
  {
    checkRow(row);
    return nulls.contains(row);
  }

  /** The stored long (0 for a null row); LONG columns only. */
  public long getLong(int row)
  {
    requireType(Type.LONG);
    return raw(row);
  }

  /** The stored double (0 for a null row); DOUBLE columns only. */
  public double getDouble(int row)
  {
    requireType(Type.DOUBLE);
    return Double.longBitsToDouble(raw(row));
  }

  /** The stored float (0 for a null row); FLOAT columns only. */
  public float getFloat(int row)
  {
    requireType(Type.FLOAT);
    return Float.intBitsToFloat((int) raw(row));
  }

  @Override
  public Object value(int row)
  {
    if (isNull(row)) {
      return null;
    }
    switch (type) {
      case LONG:
        return getLong(row);
      case FLOAT:
        return getFloat(row);
      default:
        return getDouble(row);
    }
  }

  @Override
  public Map<String, Object> details()
  {
    final Map<String, Object> d = new LinkedHashMap<>();
    d.put("compression", compression.jsonName());
    if (type == Type.LONG) {
      d.put("longEncoding", encoding.jsonName());
      if (encoding != LongEncoding.LONGS) {
        d.put("bitsPerValue", bits);
      }
    }
    if (compression != Compression.NONE) {
      d.put("valuesPerBlock", sizePer);
      d.put("blocks", blocks.count());
    }
    d.put("nullRows", nulls.getLongCardinality());
    return d;
  }

  private void requireType(Type t)
  {
    if (type != t) {
      throw new IllegalStateException("column " + name() + " is " + type + ", not " + t);
    }
  }

  /** The stored value's bits: the long itself, or a float's / double's raw bits. */
  private long raw(int row)
  {
    checkRow(row);
    final ByteBuffer buf;
    final int index;
    if (blocks == null) {
      buf = entire;
      index = row;
    } else {
      final int k = row / sizePer;
      index = row - k * sizePer;
      final int n = Math.min(sizePer, rows - k * sizePer);
      buf = blocks.block(k, (int) (((long) n * bits + 7) / 8));
    }
    switch (encoding) {
      case DELTA:
        return base + unpack(buf, index, bits);
      case TABLE: {
        final long id = unpack(buf, index, bits);
        if (id >= table.length) {
          throw tableError(row, id);
        }
        return table[(int) id];
      }
      default:
        return type.width == 8 ? buf.getLong(index * 8) : buf.getInt(index * 4);
    }
  }

  private SegmentFormatException tableError(int row, long id)
  {
    final String message = name() + ": row " + row + " has table id " + id + " of " + table.length;
    return blocks == null ? entireInput.errorAt(0, message) : blocks.error(row / sizePer, message);
  }

  /** Value {@code index} of a big-endian stream of {@code bits}-wide unsigned ints (Druid's VSizeLongSerde). */
  static long unpack(ByteBuffer buf, int index, int bits)
  {
    final long startBit = (long) index * bits;
    final long endBit = startBit + bits;
    final int first = (int) (startBit >>> 3);
    final int last = (int) ((endBit + 7) >>> 3);
    long acc = 0;
    for (int i = first; i < last; i++) {
      acc = (acc << 8) | (buf.get(i) & 0xFF);
    }
    acc >>>= (int) (((long) last << 3) - endBit);
    return bits == 64 ? acc : acc & ((1L << bits) - 1);
  }
}
