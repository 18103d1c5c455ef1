package io.sluice.segment.read;

import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Bitmaps in the portable RoaringBitmap format ({@code {"type":"roaring"}}), with or without run containers. The
 * bytes are copied into a {@link RoaringBitmap} (deserialization checks container counts and sizes against the
 * bytes present) and then checked: the serialization must span exactly the stored length, and the rows must be
 * strictly increasing and below the column's row count.
 */
final class Bitmaps
{
  private static final int SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
  private static final int SERIAL_COOKIE = 12347;
  private static final int NO_OFFSET_THRESHOLD = 4;

  private Bitmaps()
  {
  }

  /** {@code in} holds exactly one serialized bitmap; an empty input is the empty bitmap, as Druid writes it. */
  static RoaringBitmap read(Input in, int rows, String what)
  {
    final RoaringBitmap bitmap = new RoaringBitmap();
    final int length = in.remaining();
    if (length == 0) {
      return bitmap;
    }
    final ByteBuffer bytes = in.buffer(ByteOrder.LITTLE_ENDIAN);
    checkHeader(in, bytes, what);
    try {
      bitmap.deserialize(bytes);
    }
    catch (IOException | RuntimeException e) {
      throw in.error(what + ": corrupt roaring bitmap: " + e, e);
    }
    if (bitmap.serializedSizeInBytes() != length) {
      throw in.error(what + ": roaring bitmap of " + bitmap.serializedSizeInBytes() + " bytes stored in " + length);
    }
    // a corrupt container can be unsorted or overlap; stop at the first row that is not strictly increasing, so this
    // loop runs at most rows + 1 times whatever the containers claim
    final IntIterator it = bitmap.getIntIterator();
    long previous = -1;
    while (it.hasNext()) {
      final long row = Integer.toUnsignedLong(it.next());
      if (row <= previous || row >= rows) {
        throw in.error(what + ": bitmap rows are not strictly increasing below " + rows + " (row " + row
                       + " after " + previous + ")");
      }
      previous = row;
    }
    return bitmap;
  }

  /**
   * The RoaringFormatSpec header: the container count must fit the bytes before RoaringBitmap allocates arrays
   * for that many containers.
   * <pre>
   * cookie 12347 | (containers - 1) &lt;&lt; 16, run flags[(containers + 7) / 8], descriptors[containers] (4 bytes),
   *   offsets[containers] (4 bytes; only when containers &gt;= 4), containers ...
   * cookie 12346, i32 containers, descriptors[containers], offsets[containers], containers ...
   * </pre>
   */
  private static void checkHeader(Input in, ByteBuffer bytes, String what)
  {
    final long length = bytes.remaining();
    if (length < 4) {
      throw in.error(what + ": " + length + " bytes cannot hold a roaring bitmap");
    }
    final int cookie = bytes.getInt(0);
    final long containers;
    final long header;
    if ((cookie & 0xFFFF) == SERIAL_COOKIE) {
      containers = (cookie >>> 16) + 1L;
      header = 4 + (containers + 7) / 8 + 4 * containers + (containers >= NO_OFFSET_THRESHOLD ? 4 * containers : 0);
    } else if (cookie == SERIAL_COOKIE_NO_RUNCONTAINER) {
      if (length < 8) {
        throw in.error(what + ": " + length + " bytes cannot hold a roaring bitmap");
      }
      containers = Integer.toUnsignedLong(bytes.getInt(4));
      header = 8 + 8 * containers;
    } else {
      throw in.error(what + ": not a roaring bitmap (cookie 0x" + Integer.toHexString(cookie) + ")");
    }
    if (containers > 1 << 16 || header > length) {
      throw in.error(what + ": roaring header for " + containers + " containers does not fit in " + length + " bytes");
    }
  }
}
