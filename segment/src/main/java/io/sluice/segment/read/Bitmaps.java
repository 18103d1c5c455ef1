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
}
