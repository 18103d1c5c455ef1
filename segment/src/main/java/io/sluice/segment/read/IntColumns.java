package io.sluice.segment.read;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The int columns that hold a string column's dictionary ids. Grammar:
 * <pre>
 * compressedVSize := u8 0x02 | u8 numBytes (1..4) | i32 size | i32 sizePer | u8 compressionId | GI(blocks)
 *                    block k: ids [k*sizePer, ...), each numBytes bytes in the descriptor's byte order
 * compressedFull  := u8 0x02 | i32 size | i32 sizePer | u8 compressionId | GI(blocks)     4-byte ints
 * vsize           := u8 0x00 | u8 numBytes | i32 byteLength | ids (numBytes each, big-endian) | 4 - numBytes padding
 * vsizeMulti      := u8 0x01 | u8 numBytes | i32 byteLength | i32 rows | i32 end[rows] | ids (big-endian) | padding
 *                    row r holds the ids in bytes [r == 0 ? 0 : end[r-1], end[r]) of the ids area
 * multiV3         := u8 0x03 | compressedFull offsets (rows + 1) | compressedVSize ids     row r: ids [off[r], off[r+1])
 * multiV2         := u8 0x02 | compressedVSize offsets (rows + 1) | compressedVSize ids
 * </pre>
 */
final class IntColumns
{
  private IntColumns()
  {
  }

  /** A column of ints. */
  interface Ints
  {
    int size();

    /** Value {@code i}; it may be any int, callers check ranges. */
    int get(int i);

    /** An error located in this column, for a value found invalid at index {@code i}. */
    SegmentFormatException error(int i, String message);
  }

  /** A column of int lists. */
  interface MultiInts
  {
    int size();

    /** Row {@code row}'s ints; at most as many as the column stores in total. */
    int[] get(int row);

    SegmentFormatException error(int row, String message);
  }

  static Ints compressedVSize(Input in, ByteOrder order, String what)
  {
    final long start = in.position();
    final byte version = in.u8(what + " version");
    if (version != 0x02) {
      throw in.errorAt(start, what + ": unknown compressed ints version " + version);
    }
    final int numBytes = in.u8(what + " bytes per value");
    if (numBytes < 1 || numBytes > 4) {
      throw in.errorAt(start + 1, what + ": " + numBytes + " bytes per value, not 1 to 4");
    }
    return blockInts(in, start + 2, numBytes, order, what);
  }

  static Ints compressedFull(Input in, ByteOrder order, String what)
  {
    final long start = in.position();
    final byte version = in.u8(what + " version");
    if (version != 0x02) {
      throw in.errorAt(start, what + ": unknown compressed ints version " + version);
    }
    return blockInts(in, start + 1, 4, order, what);
  }

  private static Ints blockInts(Input in, long headerAt, int numBytes, ByteOrder order, String what)
  {
    final int size = in.i32(what + " size");
    final int sizePer = in.i32(what + " values per block");
    if (size < 0) {
      throw in.errorAt(headerAt, what + ": negative size " + size);
    }
    if (sizePer <= 0 || (long) sizePer * numBytes > Blocks.MAX_BLOCK_BYTES) {
      throw in.errorAt(headerAt + 4, what + ": " + sizePer + " values of " + numBytes + " bytes per block");
    }
    final long compressionAt = in.position();
    final Compression compression = Compression.forId(in.u8(what + " compression"), in, compressionAt);
    if (compression == Compression.NONE) {
      throw in.errorAt(compressionAt, what + ": compression 'none' is not valid for ints");
    }
    final long blocksAt = in.position();
    final Blocks blocks = Blocks.read(in, compression, order, what);
    final long expected = ((long) size + sizePer - 1) / sizePer;
    if (blocks.count() != expected) {
      throw in.errorAt(blocksAt, what + ": " + blocks.count() + " blocks for " + size + " values of " + sizePer
                                 + " per block; expected " + expected);
    }
    final boolean bigEndian = order == ByteOrder.BIG_ENDIAN;
    return bounded(size, what, i -> {
      final int k = i / sizePer;
      final int index = i - k * sizePer;
      final int n = Math.min(sizePer, size - k * sizePer);
      final ByteBuffer b = blocks.block(k, n * numBytes);
      return read(b, index * numBytes, numBytes, bigEndian);
    }, (i, message) -> blocks.error(i / sizePer, what + ": " + message));
  }

  /**
   * Ints of {@code size} values that checks bounds, reads through {@code at}, and locates errors with
   * {@code error}.
   */
  private static Ints bounded(int size, String what, java.util.function.IntUnaryOperator at,
                              java.util.function.BiFunction<Integer, String, SegmentFormatException> error)
  {
    return new Ints()
    {
      @Override
      public int size()
      {
        return size;
      }

      @Override
      public int get(int i)
      {
        if (i < 0 || i >= size) {
          throw new IndexOutOfBoundsException(what + ": " + i + " of " + size);
        }
        return at.applyAsInt(i);
      }

      @Override
      public SegmentFormatException error(int i, String message)
      {
        return error.apply(i, message);
      }
    };
  }

  /** The header of an uncompressed (VSize) ints part: version, bytes per value, byte length, then the data. */
  private record VSizeHeader(int numBytes, int length, Input data) {}

  private static VSizeHeader vsizeHeader(Input in, String what, int expectedVersion, String kind)
  {
    final long start = in.position();
    final byte version = in.u8(what + " version");
    if (version != expectedVersion) {
      throw in.errorAt(start, what + ": unknown uncompressed " + kind + " version " + version);
    }
    final int numBytes = in.u8(what + " bytes per value");
    if (numBytes < 1 || numBytes > 4) {
      throw in.errorAt(start + 1, what + ": " + numBytes + " bytes per value, not 1 to 4");
    }
    final int length = in.i32(what + " byte length");
    return new VSizeHeader(numBytes, length, in.slice(length, what));
  }

  static Ints vsize(Input in, String what)
  {
    final VSizeHeader h = vsizeHeader(in, what, 0x00, "ints");
    final int numBytes = h.numBytes();
    final int length = h.length();
    final Input data = h.data();
    if (length < 4 - numBytes) {
      throw data.errorAt(0, what + ": " + length + " bytes cannot hold the " + (4 - numBytes) + " padding bytes");
    }
    final int size = (length - (4 - numBytes)) / numBytes;
    final ByteBuffer b = data.buffer(ByteOrder.BIG_ENDIAN);
    return bounded(size, what, i -> read(b, i * numBytes, numBytes, true),
        (i, message) -> data.errorAt((long) i * numBytes, what + ": " + message));
  }

  static MultiInts vsizeMulti(Input in, String what)
  {
    final VSizeHeader h = vsizeHeader(in, what, 0x01, "multi-value ints");
    final int numBytes = h.numBytes();
    final int length = h.length();
    final Input data = h.data();
    final int rows = data.i32(what + " rows");
    if (rows < 0 || 4L + 4L * rows > length) {
      throw data.errorAt(0, what + ": " + rows + " rows do not fit in " + length + " bytes");
    }
    final ByteBuffer b = data.buffer(ByteOrder.BIG_ENDIAN);
    final int valuesStart = 4 + 4 * rows;
    final int valuesLength = length - valuesStart;
    final java.util.function.BiFunction<Integer, String, SegmentFormatException> error =
        (row, message) -> data.errorAt(4 + 4L * row, what + ": " + message);
    return boundedMulti(rows, what, row -> {
      final int from = row == 0 ? 0 : b.getInt(4 + 4 * (row - 1));
      final int to = b.getInt(4 + 4 * row);
      if (from < 0 || to < from || to > valuesLength || (to - from) % numBytes != 0) {
        throw error.apply(row, "row " + row + " spans bytes [" + from + ", " + to + ") of " + valuesLength);
      }
      final int[] out = new int[(to - from) / numBytes];
      for (int i = 0; i < out.length; i++) {
        out[i] = read(b, valuesStart + from + i * numBytes, numBytes, true);
      }
      return out;
    }, error);
  }

  /**
   * MultiInts of {@code rows} rows that checks bounds, reads through {@code at}, and locates errors with
   * {@code error}.
   */
  private static MultiInts boundedMulti(int rows, String what, java.util.function.IntFunction<int[]> at,
                                        java.util.function.BiFunction<Integer, String, SegmentFormatException> error)
  {
    return new MultiInts()
    {
      @Override
      public int size()
      {
        return rows;
      }

      @Override
      public int[] get(int row)
      {
        if (row < 0 || row >= rows) {
          throw new IndexOutOfBoundsException(what + ": row " + row + " of " + rows);
        }
        return at.apply(row);
      }

      @Override
      public SegmentFormatException error(int row, String message)
      {
        return error.apply(row, message);
      }
    };
  }

  /** {@code multiV3} (offsets are full ints) or {@code multiV2} (offsets are vsize ints). */
  static MultiInts compressedMulti(Input in, ByteOrder order, String what)
  {
    final long start = in.position();
    final byte version = in.u8(what + " version");
    final Ints offsets;
    if (version == 0x03) {
      offsets = compressedFull(in, order, what + " offsets");
    } else if (version == 0x02) {
      offsets = compressedVSize(in, order, what + " offsets");
    } else {
      throw in.errorAt(start, what + ": unknown compressed multi-value ints version " + version);
    }
    final Ints values = compressedVSize(in, order, what + " values");
    if (offsets.size() < 1) {
      throw in.errorAt(start, what + ": offsets hold no entry");
    }
    final int rows = offsets.size() - 1;
    return boundedMulti(rows, what, row -> {
      final int from = offsets.get(row);
      final int to = offsets.get(row + 1);
      if (from < 0 || to < from || to > values.size()) {
        throw offsets.error(row, "row " + row + " spans values [" + from + ", " + to + ") of " + values.size());
      }
      // the offsets are only a claim: grow the array as values actually decode
      int[] out = new int[Math.min(to - from, 1024)];
      for (int i = 0; i < to - from; i++) {
        if (i == out.length) {
          out = Arrays.copyOf(out, (int) Math.min(to - from, 2L * out.length));
        }
        out[i] = values.get(from + i);
      }
      return out;
    }, offsets::error);
  }

  private static int read(ByteBuffer b, int at, int numBytes, boolean bigEndian)
  {
    int v = 0;
    if (bigEndian) {
      for (int j = 0; j < numBytes; j++) {
        v = (v << 8) | (b.get(at + j) & 0xFF);
      }
    } else {
      for (int j = numBytes - 1; j >= 0; j--) {
        v = (v << 8) | (b.get(at + j) & 0xFF);
      }
    }
    return v;
  }
}
