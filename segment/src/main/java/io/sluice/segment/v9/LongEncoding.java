package io.sluice.segment.v9;

import io.sluice.segment.spec.IndexSpec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How a long column's values are encoded, chosen as Druid's writers choose ({@code LongsLongEncodingWriter},
 * and for {@code longEncoding: auto} {@code IntermediateColumnarLongsSerializer}):
 * <pre>
 * LONGS   each value as 8 bytes, little-endian; meta := u8 compressionId                     (no encoding byte)
 * TABLE   at most 256 distinct values: each row stores its value's index in the table (first-appearance order)
 *         meta := u8 (compressionId - 126) | u8 0x01 | u8 version 1 | i32 tableSize | i64 value[tableSize]
 * DELTA   each row stores value - min; used when max - min does not overflow and is not Long.MAX_VALUE
 *         meta := u8 (compressionId - 126) | u8 0x00 | u8 version 1 | i64 min | i32 bitsPerValue
 * </pre>
 * With {@code auto}, a column that fits neither TABLE nor DELTA is LONGS. TABLE and DELTA values are bit-packed
 * big-endian, most significant bit first, {@code bits} each ({@link #SUPPORTED_BITS}), padded to a byte, then
 * followed by 4 zero bytes ({@code VSizeLongSerde}). In blocks, each block is packed on its own and holds
 * {@link #valuesPerBlock()} values: the largest power of two whose packed size fits in 64 KiB.
 */
public final class LongEncoding
{
  /** Druid's VSizeLongSerde.SUPPORTED_SIZES. */
  static final int[] SUPPORTED_BITS = {1, 2, 4, 8, 12, 16, 20, 24, 32, 40, 48, 56, 64};

  /** The bit widths Druid packs longs with, for readers of the format. */
  public static int[] supportedBits()
  {
    return SUPPORTED_BITS.clone();
  }
  static final int MAX_TABLE_SIZE = 256;
  static final byte ENCODING_VERSION = 0x01;
  /** CompressionFactory's flag: a compression id minus 126 says "an encoding byte follows". */
  private static final int FLAG_VALUE = 126;

  enum Format
  {
    DELTA((byte) 0x00),
    TABLE((byte) 0x01),
    LONGS((byte) 0xFF);

    final byte id;

    Format(byte id)
    {
      this.id = id;
    }
  }

  final Format format;
  final int bits;
  final long base;
  final long[] table;
  /** The table sorted, and each sorted entry's index in the table: a binary-search lookup. */
  private final long[] sortedTable;
  private final int[] tableIndex;

  private LongEncoding(Format format, int bits, long base, long[] table)
  {
    this.format = format;
    this.bits = bits;
    this.base = base;
    this.table = table;
    if (table == null) {
      this.sortedTable = null;
      this.tableIndex = null;
    } else {
      final Integer[] order = new Integer[table.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Long.compare(table[a], table[b]));
      this.sortedTable = new long[table.length];
      this.tableIndex = new int[table.length];
      for (int i = 0; i < order.length; i++) {
        sortedTable[i] = table[order[i]];
        tableIndex[i] = order[i];
      }
    }
  }

  static LongEncoding choose(long[] values, IndexSpec.LongEncoding strategy)
  {
    if (strategy == IndexSpec.LongEncoding.LONGS) {
      return new LongEncoding(Format.LONGS, 64, 0, null);
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    final SmallSet distinct = new SmallSet();
    for (long v : values) {
      distinct.addIfRoom(v);
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    if (distinct.size <= MAX_TABLE_SIZE) {
      return new LongEncoding(Format.TABLE, bitsForMax(distinct.size), 0, distinct.inOrder());
    }
    final long delta;
    try {
      delta = Math.subtractExact(max, min);
    }
    catch (ArithmeticException e) {
      return new LongEncoding(Format.LONGS, 64, 0, null);
    }
    if (delta == Long.MAX_VALUE) {
      return new LongEncoding(Format.LONGS, 64, 0, null);
    }
    return new LongEncoding(Format.DELTA, bitsForMax(delta + 1), min, null);
  }

  /** The meta bytes after the column header (see the class comment). */
  byte[] meta(IndexSpec.Compression compression)
  {
    switch (format) {
      case LONGS:
        return new byte[]{compression.id()};
      case TABLE: {
        final ByteBuffer b = ByteBuffer.allocate(3 + Integer.BYTES + table.length * Long.BYTES);
        b.put(flagged(compression)).put(format.id).put(ENCODING_VERSION).putInt(table.length);
        for (long v : table) {
          b.putLong(v);
        }
        return b.array();
      }
      default: {
        final ByteBuffer b = ByteBuffer.allocate(3 + Long.BYTES + Integer.BYTES);
        b.put(flagged(compression)).put(format.id).put(ENCODING_VERSION).putLong(base).putInt(bits);
        return b.array();
      }
    }
  }

  private static byte flagged(IndexSpec.Compression compression)
  {
    return (byte) (compression.id() - FLAG_VALUE);
  }

  int valuesPerBlock()
  {
    if (format == Format.LONGS) {
      return Blocks.LONGS_PER_BLOCK;
    }
    int n = 1;
    while (packedBytes(n) <= Blocks.BLOCK_BYTES) {
      n *= 2;
    }
    return n / 2;
  }

  /** Bytes that {@code n} encoded values take. */
  int packedBytes(int n)
  {
    if (format == Format.LONGS) {
      return n * Long.BYTES;
    }
    return (int) (((long) bits * n + 7) / 8 + Integer.BYTES);
  }

  /** Writes {@code values[from, to)} encoded into {@code out}. */
  void pack(long[] values, int from, int to, ByteBuffer out)
  {
    if (format == Format.LONGS) {
      for (int i = from; i < to; i++) {
        out.putLong(values[i]);
      }
      return;
    }
    long pending = 0;
    int pendingBits = 0;
    for (int i = from; i < to; i++) {
      final long v = format == Format.TABLE ? indexOf(values[i]) : values[i] - base;
      int remaining = bits;
      while (remaining > 0) {
        final int take = Math.min(remaining, 8 - pendingBits);
        final long chunk = (v >>> (remaining - take)) & ((1L << take) - 1);
        pending = (pending << take) | chunk;
        pendingBits += take;
        remaining -= take;
        if (pendingBits == 8) {
          out.put((byte) pending);
          pending = 0;
          pendingBits = 0;
        }
      }
    }
    if (pendingBits > 0) {
      out.put((byte) (pending << (8 - pendingBits)));
    }
    out.putInt(0);
  }

  private int indexOf(long v)
  {
    final int i = Arrays.binarySearch(sortedTable, v);
    if (i < 0) {
      throw new IllegalStateException("value " + v + " is not in the table");
    }
    return tableIndex[i];
  }

  /** Druid's VSizeLongSerde.getBitsForMax: the smallest supported width whose range 2^bits covers {@code value}. */
  public static int bitsForMax(long value)
  {
    if (value < 0) {
      throw new IllegalArgumentException("maxValue must be >= 0: " + value);
    }
    int numBits = 0;
    long maxValue = 1;
    for (int supported : SUPPORTED_BITS) {
      while (numBits < supported && maxValue < Long.MAX_VALUE / 2) {
        numBits++;
        maxValue *= 2;
      }
      if (value <= maxValue || maxValue >= Long.MAX_VALUE / 2) {
        return supported;
      }
    }
    return 64;
  }

  /** Distinct values in first-appearance order, counting up to MAX_TABLE_SIZE + 1 and no further. */
  private static final class SmallSet
  {
    private final long[] slots = new long[1024];
    private final boolean[] used = new boolean[1024];
    private final long[] order = new long[MAX_TABLE_SIZE + 1];
    int size;

    void addIfRoom(long v)
    {
      if (size > MAX_TABLE_SIZE) {
        return;
      }
      int slot = (int) (mix(v) & (slots.length - 1));
      while (used[slot]) {
        if (slots[slot] == v) {
          return;
        }
        slot = (slot + 1) & (slots.length - 1);
      }
      used[slot] = true;
      slots[slot] = v;
      order[size++] = v;
    }

    long[] inOrder()
    {
      return Arrays.copyOf(order, size);
    }

    private static long mix(long x)
    {
      x *= 0x9E3779B97F4A7C15L;
      return x ^ (x >>> 32);
    }
  }
}
