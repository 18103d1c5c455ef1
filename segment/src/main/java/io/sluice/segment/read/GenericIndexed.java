package io.sluice.segment.read;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads Druid's GenericIndexed v1, the list container of the V9 format:
 * <pre>
 * GI := u8 0x01 | u8 flag (0x01 = strictly sorted) | i32 numBytesUsed | body[numBytesUsed]
 * body := i32 count | i32 endOffset[count] | values
 * values := per element: i32 marker | bytes      element k = values[(k == 0 ? 0 : endOffset[k-1]) + 4, endOffset[k])
 * </pre>
 * An empty element whose marker's first byte is 0xFF is null, as Druid decides. The header is validated when read
 * (the count against the body size, every end offset against the values area), so {@link #element} cannot fail.
 * Version 2 (a column spread over several internal files) is rejected.
 */
final class GenericIndexed
{
  static final byte VERSION_ONE = 0x01;
  static final byte VERSION_TWO = 0x02;

  private final Input body;
  private final ByteBuffer bodyBuffer;
  private final int count;
  private final boolean sorted;
  private final int valuesStart;
  private final int byteSize;

  private GenericIndexed(Input body, ByteBuffer bodyBuffer, int count, boolean sorted, int byteSize)
  {
    this.body = body;
    this.bodyBuffer = bodyBuffer;
    this.count = count;
    this.sorted = sorted;
    this.valuesStart = 4 + 4 * count;
    this.byteSize = byteSize;
  }

  static GenericIndexed read(Input in, String what)
  {
    final long start = in.position();
    final byte version = in.u8(what + " version");
    if (version == VERSION_TWO) {
      throw in.errorAt(start, what + ": GenericIndexed v2 (a column split over several internal files) is not supported");
    }
    if (version != VERSION_ONE) {
      throw in.errorAt(start, what + ": unknown GenericIndexed version " + version);
    }
    final boolean sorted = in.u8(what + " flag") == 0x01;
    final int numBytesUsed = in.i32(what + " size");
    if (numBytesUsed < 4) {
      throw in.errorAt(start + 2, what + ": GenericIndexed size " + numBytesUsed + " is below 4");
    }
    final Input body = in.slice(numBytesUsed, what);
    final int count = body.i32(what + " count");
    if (count < 0 || 4L + 4L * count > numBytesUsed) {
      throw body.errorAt(0, what + ": GenericIndexed count " + count + " does not fit in " + numBytesUsed + " bytes");
    }
    final ByteBuffer buffer = body.buffer(ByteOrder.BIG_ENDIAN);
    final int valuesLength = numBytesUsed - 4 - 4 * count;
    int prevEnd = 0;
    for (int k = 0; k < count; k++) {
      final int end = buffer.getInt(4 + 4 * k);
      if (end < prevEnd + 4 || end > valuesLength) {
        throw body.errorAt(
            4 + 4L * k,
            what + ": element " + k + " ends at " + end + ", outside [" + (prevEnd + 4) + ", " + valuesLength + "]"
        );
      }
      prevEnd = end;
    }
    return new GenericIndexed(body, buffer, count, sorted, 6 + numBytesUsed);
  }

  int size()
  {
    return count;
  }

  /** The flag says the elements are strictly ascending (reverse lookup allowed). */
  boolean sorted()
  {
    return sorted;
  }

  /** Bytes of the whole structure, header included. */
  int byteSize()
  {
    return byteSize;
  }

  private int start(int k)
  {
    return valuesStart + (k == 0 ? 0 : bodyBuffer.getInt(4 + 4 * (k - 1))) + 4;
  }

  private int end(int k)
  {
    return valuesStart + bodyBuffer.getInt(4 + 4 * k);
  }

  boolean isNull(int k)
  {
    final int start = start(k);
    return start == end(k) && bodyBuffer.get(start - 4) == (byte) 0xFF;
  }

  /** Element k's bytes as an Input (positioned in its file for messages), or null for a null element. */
  Input element(int k)
  {
    checkIndex(k);
    if (isNull(k)) {
      return null;
    }
    final int start = start(k);
    final ByteBuffer b = bodyBuffer.duplicate();
    b.limit(end(k)).position(start);
    return new Input(body.segment(), body.file(), b, body.base() + start);
  }

  /** Element k's length in bytes (0 for null). */
  int elementLength(int k)
  {
    checkIndex(k);
    return end(k) - start(k);
  }

  /** Element k decoded as UTF-8, or null. */
  String string(int k)
  {
    final Input e = element(k);
    return e == null ? null : new String(e.bytes(e.remaining(), "string"), StandardCharsets.UTF_8);
  }

  /** Element k's raw bytes, or null. */
  byte[] bytes(int k)
  {
    final Input e = element(k);
    return e == null ? null : e.bytes(e.remaining(), "element");
  }

  /** An error located at element k. */
  SegmentFormatException error(int k, String message)
  {
    checkIndex(k);
    return body.errorAt(start(k), message);
  }

  private void checkIndex(int k)
  {
    if (k < 0 || k >= count) {
      throw new IndexOutOfBoundsException("element " + k + " of " + count);
    }
  }
}
