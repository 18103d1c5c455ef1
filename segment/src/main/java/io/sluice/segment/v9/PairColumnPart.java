package io.sluice.segment.v9;

import io.sluice.segment.index.MetricSchema.Kind;
import io.sluice.segment.index.SortedIndex;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A first/last metric's internal file: Druid 37's complex columns {@code serializablePairLongLong},
 * {@code serializablePairLongDouble} and {@code serializablePairLongFloat}, as written by its
 * {@code SerializablePairLong*ColumnSerializer} (a column header, then a {@code CellWriter}). Every number below is
 * little-endian (Druid writes them in native order); the descriptor is the usual big-endian {@code str}.
 * <pre>
 * file        := str descriptor | header | i32 cellIndexSize | cellIndex | i32 payloadSize | payload
 * descriptor  := {"valueType":"COMPLEX","hasMultipleValues":false,"parts":[{"type":"complex",
 *                 "typeName":"serializablePairLongLong"}]}                  (…LongDouble, …LongFloat)
 * header      := u8 3 (version) | u8 encoding (0x80: integer deltas, else 0x00) | u8 0 | u8 0 | i64 minTime
 * cellIndex   := blocked(i64 start of each cell in the payload's uncompressed bytes, then i64 end of the last)
 * payload     := blocked(cell of each row, back to back)
 * blocked(b)  := i32 blockIndexSize (4 * (n + 1)) | i32 blockStart[n + 1] (offsets into the compressed data,
 *                the last one its total size) | i32 dataSize | n LZ4 blocks: b cut into 64 KiB pieces (the last
 *                shorter), each compressed as a raw LZ4 block (high compression, as Druid)
 * cell        := delta (i32 with integer deltas, else i64) | u8 0 (value present) or 1 (null)
 *                | value if present (i64 long, f64 double, f32 float)
 * </pre>
 * {@code delta = time - minTime}. minTime is the smallest time; integer deltas when the largest time minus it fits
 * an int. When that difference overflows a long (times span more than Long.MAX_VALUE, e.g. a first that never saw
 * a time, Long.MAX_VALUE, next to a negative time), minTime is 0 and deltas are i64: Druid's
 * {@code SerializablePairLong*BufferStore.createColumnHeader}. The column ignores the indexSpec, as Druid's does.
 */
final class PairColumnPart
{
  static final byte VERSION = 3;
  static final byte INTEGER_DELTAS = (byte) 0x80;
  static final byte VALUE_PRESENT = 0;
  static final byte VALUE_NULL = 1;

  private PairColumnPart()
  {
  }

  static String descriptor(String complexTypeName)
  {
    return "{\"valueType\":\"COMPLEX\",\"hasMultipleValues\":false,\"parts\":[{\"type\":\"complex\",\"typeName\":\""
           + complexTypeName + "\"}]}";
  }

  static Part write(SortedIndex.PairColumn col, Kind kind, Blocks.Effort effort)
  {
    if (!kind.isFirstLast()) {
      throw new IllegalArgumentException(kind + " is not first/last");
    }
    final long[] times = col.times();
    final SortedIndex.NumericColumn values = col.values();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long t : times) {
      min = Math.min(min, t);
      max = Math.max(max, t);
    }
    long maxDelta = max - min;
    if (min < max && maxDelta < 0 || min > max) {
      maxDelta = Long.MAX_VALUE;
      min = 0;
    }
    final boolean intDeltas = maxDelta <= Integer.MAX_VALUE;
    final BlockStream index = new BlockStream(effort);
    final BlockStream payload = new BlockStream(effort);
    final ByteBuffer cell = ByteBuffer.allocate(Long.BYTES + 1 + Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    long position = 0;
    for (int r = 0; r < times.length; r++) {
      cell.clear();
      final long delta = times[r] - min;
      if (intDeltas) {
        cell.putInt((int) delta);
      } else {
        cell.putLong(delta);
      }
      if (values.nulls().get(r)) {
        cell.put(VALUE_NULL);
      } else {
        cell.put(VALUE_PRESENT);
        switch (kind.valueType()) {
          case LONG -> cell.putLong(values.longs()[r]);
          case DOUBLE -> cell.putDouble(values.doubles()[r]);
          default -> cell.putFloat(values.floats()[r]);
        }
      }
      index.putLong(position);
      position += cell.position();
      payload.put(cell.array(), cell.position());
    }
    index.putLong(position);
    final byte[] indexBytes = index.finish();
    final byte[] payloadBytes = payload.finish();
    final ByteBuffer header = ByteBuffer.allocate(4 + Long.BYTES + Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    header.put(VERSION).put(intDeltas ? INTEGER_DELTAS : 0).put((byte) 0).put((byte) 0).putLong(min)
          .putInt(indexBytes.length);
    return Part.concat(List.of(
        Part.string(descriptor(kind.complexTypeName())),
        Part.bytes(header.array()),
        Part.bytes(indexBytes),
        Part.bytes(ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(payloadBytes.length).array()),
        Part.bytes(payloadBytes)
    ));
  }

  /** Druid's BlockCompressedPayloadWriter: bytes cut into 64 KiB blocks, each LZ4-compressed, with a block index. */
  private static final class BlockStream
  {
    private final byte[] block = new byte[Blocks.BLOCK_BYTES];
    private final ByteBuffer scratch = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final List<byte[]> compressed = new ArrayList<>();
    private final Blocks.Effort effort;
    private int fill;
    private long compressedSize;

    BlockStream(Blocks.Effort effort)
    {
      this.effort = effort;
    }

    void putLong(long v)
    {
      scratch.clear();
      scratch.putLong(v);
      put(scratch.array(), Long.BYTES);
    }

    void put(byte[] bytes, int length)
    {
      int off = 0;
      while (off < length) {
        final int n = Math.min(length - off, block.length - fill);
        System.arraycopy(bytes, off, block, fill, n);
        fill += n;
        off += n;
        if (fill == block.length) {
          flush();
        }
      }
    }

    private void flush()
    {
      final byte[] c = Blocks.lz4(block, fill, effort);
      compressed.add(c);
      compressedSize += c.length;
      if (compressedSize > Integer.MAX_VALUE - 16L * compressed.size()) {
        throw new IllegalStateException("first/last column too large: " + compressedSize + " compressed bytes");
      }
      fill = 0;
    }

    /** {@code i32 blockIndexSize | i32 blockStart[n + 1] | i32 dataSize | blocks}, little-endian. */
    byte[] finish()
    {
      if (fill > 0) {
        flush();
      }
      final int n = compressed.size();
      final ByteBuffer out = ByteBuffer.allocate((int) (Integer.BYTES * (n + 3L) + compressedSize))
                                       .order(ByteOrder.LITTLE_ENDIAN);
      out.putInt(Integer.BYTES * (n + 1));
      int start = 0;
      for (byte[] c : compressed) {
        out.putInt(start);
        start += c.length;
      }
      out.putInt(start);
      out.putInt(start);
      for (byte[] c : compressed) {
        out.put(c);
      }
      return out.array();
    }
  }
}
