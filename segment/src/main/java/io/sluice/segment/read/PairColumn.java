package io.sluice.segment.read;

import io.sluice.segment.index.FirstLastPair;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A first/last aggregator's column: Druid's complex {@code serializablePairLongLong}, {@code
 * serializablePairLongDouble} or {@code serializablePairLongFloat}, each row a (time, value) pair whose value may be
 * null. Grammar, after the column descriptor; every number little-endian:
 * <pre>
 * part        := header | i32 cellIndexSize | cellIndex | i32 payloadSize | payload
 * header      := u8 3 (version) | u8 encoding (bit 0x80: integer deltas) | u8 | u8 | i64 minTime
 * cellIndex   := blocked(i64 start of each cell, then i64 end of the last)      (rows + 1 longs)
 * payload     := blocked(cells)
 * blocked(b)  := i32 blockIndexSize | i32 blockStart[blockIndexSize / 4] (non-decreasing, from 0; the last is
 *                dataSize) | i32 dataSize | LZ4 blocks of b, each 64 KiB decompressed but the last (1..64 KiB)
 * cell        := delta (i32 with integer deltas, else i64) | u8 0 (value) or 1 (null) | [value: i64, f64 or f32]
 *                time = minTime + delta; an empty cell is a null pair
 * </pre>
 * Every length and offset is checked against the bytes present before use; a block's decoded length is read from
 * its LZ4 sequences first (1 to 64 KiB), and the block is decompressed with the safe LZ4 decompressor into a buffer
 * of that size. The last decompressed block of each stream is cached. Not thread-safe.
 */
public final class PairColumn extends Column
{
  static final int VERSION = 3;
  private static final int INTEGER_DELTAS = 0x80;

  /** The pair's value type. */
  public enum Type
  {
    LONG("serializablePairLongLong", 8), DOUBLE("serializablePairLongDouble", 8), FLOAT("serializablePairLongFloat", 4);

    final String complexTypeName;
    final int width;

    Type(String complexTypeName, int width)
    {
      this.complexTypeName = complexTypeName;
      this.width = width;
    }

    /** The type stored under a complex type name, or null if it is not a first/last pair. */
    static Type ofComplexTypeName(String name)
    {
      for (Type t : values()) {
        if (t.complexTypeName.equals(name)) {
          return t;
        }
      }
      return null;
    }
  }

  private final Type type;
  private final boolean intDeltas;
  private final long minTime;
  private final BlockedStream index;
  private final BlockedStream payload;
  private final int rows;
  private final byte[] cell = new byte[Long.BYTES + 1 + Long.BYTES];
  private final ByteBuffer cellBuffer = ByteBuffer.wrap(cell).order(ByteOrder.LITTLE_ENDIAN);
  private int cellRow = -1;
  private int cellLength;

  private PairColumn(String name, String partType, long size, Type type, boolean intDeltas, long minTime,
                     BlockedStream index, BlockedStream payload, int rows)
  {
    super(name, "COMPLEX", partType, size);
    this.type = type;
    this.intDeltas = intDeltas;
    this.minTime = minTime;
    this.index = index;
    this.payload = payload;
    this.rows = rows;
  }

  /** Whether a complex column of this type name is read by this class. */
  static boolean reads(String complexTypeName)
  {
    return Type.ofComplexTypeName(complexTypeName) != null;
  }

  static PairColumn read(String name, String partType, long size, String complexTypeName, Input in)
  {
    final Type type = Type.ofComplexTypeName(complexTypeName);
    if (type == null) {
      throw in.error("not a first/last column type: " + complexTypeName);
    }
    final int version = in.u8("pair column version") & 0xFF;
    if (version != VERSION) {
      throw in.errorAt(in.position() - 1, "pair column version " + version + ", expected " + VERSION);
    }
    final int encoding = in.u8("pair column encoding") & 0xFF;
    in.u8("pair column header");
    in.u8("pair column header");
    final long minTime = Long.reverseBytes(in.i64("pair column minTime"));
    final Input indexPart = in.slice(le32(in, "cell index size"), "cell index");
    final Input payloadPart = in.slice(le32(in, "cell payload size"), "cell payload");
    if (in.hasRemaining()) {
      throw in.error(in.remaining() + " bytes after the pair column");
    }
    final BlockedStream index = BlockedStream.read(indexPart, "cell index");
    final BlockedStream payload = BlockedStream.read(payloadPart, "cell payload");
    final long indexBytes = index.length();
    if (indexBytes % Long.BYTES != 0 || indexBytes < Long.BYTES) {
      throw indexPart.errorAt(0, "cell index holds " + indexBytes + " bytes, not a positive multiple of 8");
    }
    if (indexBytes / Long.BYTES - 1 > Integer.MAX_VALUE) {
      throw indexPart.errorAt(0, "cell index of " + indexBytes + " bytes holds too many rows");
    }
    final int rows = (int) (indexBytes / Long.BYTES - 1);
    return new PairColumn(name, partType, size, type, (encoding & INTEGER_DELTAS) != 0, minTime, index, payload,
                          rows);
  }

  private static int le32(Input in, String what)
  {
    return Integer.reverseBytes(in.i32(what));
  }

  public Type type()
  {
    return type;
  }

  @Override
  public String typeName()
  {
    return "COMPLEX<" + type.complexTypeName + ">";
  }

  @Override
  public int rows()
  {
    return rows;
  }

  /** Whether the row holds no pair at all (an empty cell; Druid's writer stores one only for a null object). */
  public boolean isNullPair(int row)
  {
    loadCell(row);
    return cellLength == 0;
  }

  /** The pair's time (Druid's lhs); 0 for a null pair. */
  public long time(int row)
  {
    loadCell(row);
    if (cellLength == 0) {
      return 0;
    }
    return minTime + (intDeltas ? cellBuffer.getInt(0) : cellBuffer.getLong(0));
  }

  /** Whether the pair's value (Druid's rhs) is null. */
  public boolean isValueNull(int row)
  {
    loadCell(row);
    return cellLength == 0 || cell[deltaWidth()] != 0;
  }

  public long getLong(int row)
  {
    return isValueNull(row) ? 0 : switch (type) {
      case LONG -> cellBuffer.getLong(deltaWidth() + 1);
      case DOUBLE -> (long) cellBuffer.getDouble(deltaWidth() + 1);
      case FLOAT -> (long) cellBuffer.getFloat(deltaWidth() + 1);
    };
  }

  public double getDouble(int row)
  {
    return isValueNull(row) ? 0 : switch (type) {
      case LONG -> cellBuffer.getLong(deltaWidth() + 1);
      case DOUBLE -> cellBuffer.getDouble(deltaWidth() + 1);
      case FLOAT -> cellBuffer.getFloat(deltaWidth() + 1);
    };
  }

  public float getFloat(int row)
  {
    return isValueNull(row) ? 0 : switch (type) {
      case LONG -> cellBuffer.getLong(deltaWidth() + 1);
      case DOUBLE -> (float) cellBuffer.getDouble(deltaWidth() + 1);
      case FLOAT -> cellBuffer.getFloat(deltaWidth() + 1);
    };
  }

  /** The row's {@link FirstLastPair} (its value a Long, Double or Float, or null), or null for a null pair. */
  @Override
  public Object value(int row)
  {
    if (isNullPair(row)) {
      return null;
    }
    final long time = time(row);
    if (isValueNull(row)) {
      return new FirstLastPair(time, null);
    }
    return new FirstLastPair(time, switch (type) {
      case LONG -> getLong(row);
      case DOUBLE -> getDouble(row);
      case FLOAT -> getFloat(row);
    });
  }

  @Override
  public Map<String, Object> details()
  {
    final Map<String, Object> d = new LinkedHashMap<>();
    d.put("complexTypeName", type.complexTypeName);
    d.put("timeDeltas", intDeltas ? "int" : "long");
    d.put("minTime", minTime);
    d.put("compression", "lz4");
    d.put("cellIndexBlocks", index.blocks());
    d.put("payloadBlocks", payload.blocks());
    return d;
  }

  private int deltaWidth()
  {
    return intDeltas ? Integer.BYTES : Long.BYTES;
  }

  /** Reads row r's cell into {@link #cell}, checking its bounds and shape. */
  private void loadCell(int row)
  {
    checkRow(row);
    if (row == cellRow) {
      return;
    }
    cellRow = -1;
    final long start = index.readLong((long) row * Long.BYTES);
    final long end = index.readLong((long) (row + 1) * Long.BYTES);
    final int width = deltaWidth();
    final long length = end - start;
    if (start < 0 || end > payload.length() || length < 0
        || (length != 0 && length != width + 1 && length != width + 1 + type.width)) {
      throw index.error("row " + row + ": cell [" + start + ", " + end + ") of a payload of " + payload.length()
                        + " bytes is not a " + type.complexTypeName + " cell");
    }
    payload.read(start, cell, (int) length);
    if (length > 0) {
      final byte flag = cell[width];
      if (flag != 0 && flag != 1 || (flag == 0) != (length == width + 1 + type.width)) {
        throw payload.error("row " + row + ": cell of " + length + " bytes has null flag " + flag);
      }
    }
    cellLength = (int) length;
    cellRow = row;
  }

  /**
   * Druid's {@code BlockCompressedPayloadReader}: a byte stream cut into LZ4 blocks of 64 KiB (the last shorter),
   * addressed by uncompressed position.
   */
  private static final class BlockedStream
  {
    private static final int BLOCK_BYTES = Blocks.MAX_BLOCK_BYTES;
    private static final LZ4SafeDecompressor LZ4 = LZ4Factory.safeInstance().safeDecompressor();

    private final Input data;
    private final int[] starts;
    private final String what;
    private final long length;
    /** Decompressed block, grown to what the blocks read so far decode to (at most 64 KiB). */
    private byte[] block = new byte[0];
    private byte[] compressed = new byte[0];
    private int current = -1;
    private int currentLength;
    private final byte[] longBytes = new byte[Long.BYTES];
    private final ByteBuffer longBuffer = ByteBuffer.wrap(longBytes).order(ByteOrder.LITTLE_ENDIAN);

    private BlockedStream(Input data, int[] starts, String what)
    {
      this.data = data;
      this.starts = starts;
      this.what = what;
      final int n = starts.length - 1;
      if (n == 0) {
        this.length = 0;
      } else {
        // the last block's length gives the stream's; it stays decompressed
        currentLength = decompress(n - 1);
        current = n - 1;
        this.length = (long) (n - 1) * BLOCK_BYTES + currentLength;
      }
    }

    static BlockedStream read(Input in, String what)
    {
      final int indexSize = le32(in, what + " block index size");
      if (indexSize < Integer.BYTES || indexSize % Integer.BYTES != 0) {
        throw in.errorAt(in.position() - 4, what + ": block index size " + indexSize + " is not a positive "
                                             + "multiple of 4");
      }
      in.need(indexSize, what + " block index");
      final int[] starts = new int[indexSize / Integer.BYTES];
      for (int i = 0; i < starts.length; i++) {
        starts[i] = le32(in, what + " block start");
        if (i == 0 ? starts[i] != 0 : starts[i] < starts[i - 1]) {
          throw in.errorAt(in.position() - 4, what + ": block start " + i + " is " + starts[i]
                                               + (i == 0 ? ", not 0" : ", before the previous one"));
        }
      }
      final int dataSize = le32(in, what + " data size");
      if (dataSize != starts[starts.length - 1]) {
        throw in.errorAt(in.position() - 4, what + ": data size " + dataSize + " is not the block index's end "
                                             + starts[starts.length - 1]);
      }
      final Input data = in.slice(dataSize, what + " blocks");
      if (in.hasRemaining()) {
        throw in.error(what + ": " + in.remaining() + " bytes after the blocks");
      }
      return new BlockedStream(data, starts, what);
    }

    long length()
    {
      return length;
    }

    int blocks()
    {
      return starts.length - 1;
    }

    long readLong(long position)
    {
      read(position, longBytes, Long.BYTES);
      return longBuffer.getLong(0);
    }

    /** Copies {@code n} bytes from uncompressed {@code position}, across blocks if need be. */
    void read(long position, byte[] out, int n)
    {
      if (position < 0 || position + n > length) {
        throw error("bytes [" + position + ", " + (position + n) + ") are beyond the stream's " + length);
      }
      int done = 0;
      while (done < n) {
        final long p = position + done;
        final int k = (int) (p / BLOCK_BYTES);
        final int off = (int) (p % BLOCK_BYTES);
        load(k);
        final int c = Math.min(n - done, currentLength - off);
        if (c <= 0) {
          throw error("block " + k + " ends before byte " + p);
        }
        System.arraycopy(block, off, out, done, c);
        done += c;
      }
    }

    private void load(int k)
    {
      if (k != current) {
        current = -1;
        currentLength = decompress(k);
        if (k < starts.length - 2 && currentLength != BLOCK_BYTES) {
          throw error("block " + k + " decompresses to " + currentLength + " bytes; only the last may be "
                      + "shorter than 64 KiB");
        }
        current = k;
      }
    }

    private int decompress(int k)
    {
      final int from = starts[k];
      final int to = starts[k + 1];
      final ByteBuffer src = data.buffer(ByteOrder.LITTLE_ENDIAN);
      final int decoded = decodedLength(src, from, to, k);
      if (block.length < decoded) {
        block = new byte[decoded];
      }
      try {
        // copied into the heap first: lz4-java decompresses arrays several times faster than direct buffers
        if (to - from > Blocks.MAX_LZ4_BLOCK_BYTES) {
          throw data.errorAt(from, what + ": block " + k + " has " + (to - from)
                                   + " compressed bytes, more than any 64 KiB block compresses to");
        }
        if (compressed.length < to - from) {
          compressed = new byte[to - from];
        }
        src.get(from, compressed, 0, to - from);
        final int n = LZ4.decompress(compressed, 0, to - from, block, 0, decoded);
        if (n != decoded) {
          throw data.errorAt(from, what + ": block " + k + " decompressed to " + n + " bytes, not " + decoded);
        }
        return n;
      }
      catch (SegmentFormatException e) {
        throw e;
      }
      catch (RuntimeException e) {
        throw data.errorAt(from, what + ": LZ4 block " + k + " is corrupt or decompresses beyond 64 KiB: "
                                 + e.getMessage(), e);
      }
    }

    /**
     * The length block k decompresses to, from its LZ4 sequences (token, literal length, literals, offset, match
     * length) without decompressing: 1 to 64 KiB, or the block is rejected. Lets the buffer be no larger than the
     * data.
     */
    private int decodedLength(ByteBuffer src, int from, int to, int k)
    {
      long total = 0;
      int p = from;
      while (true) {
        if (p >= to) {
          throw data.errorAt(p, what + ": LZ4 block " + k + " ends inside a sequence");
        }
        final int token = src.get(p++) & 0xFF;
        long literals = token >>> 4;
        if (literals == 15) {
          int b;
          do {
            if (p >= to) {
              throw data.errorAt(p, what + ": LZ4 block " + k + " ends inside a literal length");
            }
            b = src.get(p++) & 0xFF;
            literals += b;
          } while (b == 255 && literals <= BLOCK_BYTES);
        }
        if (literals > to - p) {
          throw data.errorAt(p, what + ": LZ4 block " + k + " has " + literals + " literals, " + (to - p)
                                + " bytes left");
        }
        p += (int) literals;
        total += literals;
        if (p == to) {
          break; // the last sequence has literals only
        }
        if (to - p < 2) {
          throw data.errorAt(p, what + ": LZ4 block " + k + " ends inside a match offset");
        }
        p += 2;
        long match = (token & 0x0F) + 4L;
        if ((token & 0x0F) == 15) {
          int b;
          do {
            if (p >= to) {
              throw data.errorAt(p, what + ": LZ4 block " + k + " ends inside a match length");
            }
            b = src.get(p++) & 0xFF;
            match += b;
          } while (b == 255 && match <= BLOCK_BYTES);
        }
        total += match;
        if (total > BLOCK_BYTES) {
          break;
        }
      }
      if (total < 1 || total > BLOCK_BYTES) {
        throw data.errorAt(from, what + ": LZ4 block " + k + " decodes to " + total + " bytes, not 1 to 64 KiB");
      }
      return (int) total;
    }

    SegmentFormatException error(String message)
    {
      return data.errorAt(0, what + ": " + message);
    }
  }

  /** For tests and tools: every pair, in row order. */
  public List<FirstLastPair> pairs()
  {
    final List<FirstLastPair> out = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      out.add((FirstLastPair) value(r));
    }
    return out;
  }
}
