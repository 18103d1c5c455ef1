package io.sluice.segment.v9;

import java.io.IOException;
import java.util.List;

/**
 * GenericIndexed version 1:
 * <pre>
 * u8  0x01 version
 * u8  flag             0x01 = strictly sorted (reverse lookup allowed), 0x00 = not
 * i32 numBytesUsed     4 + 4*count + len(valuesArea)
 * i32 count
 * i32 endOffset[count] cumulative end of element k in valuesArea, 4-byte prefixes included
 * valuesArea           per element: i32 marker (0 present, -1 null), then its bytes (none for null)
 * </pre>
 */
final class GenericIndexedPart implements Part
{
  static final byte VERSION_ONE = 0x01;
  static final byte REVERSE_LOOKUP_ALLOWED = 0x01;
  static final byte REVERSE_LOOKUP_DISALLOWED = 0x00;
  static final int PRESENT_MARKER = 0;
  static final int NULL_MARKER = -1;

  private final List<byte[]> elements;
  private final boolean sorted;
  private final long valuesSize;

  /**
   * @param elements element bytes; a null element is written as a null (marker -1)
   * @param sorted   whether to set the reverse-lookup flag; the caller guarantees strict order
   */
  GenericIndexedPart(List<byte[]> elements, boolean sorted)
  {
    this.elements = elements;
    this.sorted = sorted;
    long v = 0;
    for (byte[] e : elements) {
      v += Integer.BYTES + (e == null ? 0 : e.length);
    }
    this.valuesSize = v;
    long used = Integer.BYTES + (long) Integer.BYTES * elements.size() + valuesSize;
    if (used > Integer.MAX_VALUE) {
      throw new IllegalStateException(
          "GenericIndexed v1 is limited to 2 GiB; this one needs " + used + " bytes (" + elements.size() + " elements)"
      );
    }
  }

  @Override
  public long size()
  {
    return 2 + Integer.BYTES + Integer.BYTES + (long) Integer.BYTES * elements.size() + valuesSize;
  }

  @Override
  public void writeTo(ChannelOutput out) throws IOException
  {
    out.putByte(VERSION_ONE);
    out.putByte(sorted ? REVERSE_LOOKUP_ALLOWED : REVERSE_LOOKUP_DISALLOWED);
    out.putInt((int) (Integer.BYTES + (long) Integer.BYTES * elements.size() + valuesSize));
    out.putInt(elements.size());
    int end = 0;
    for (byte[] e : elements) {
      end += Integer.BYTES + (e == null ? 0 : e.length);
      out.putInt(end);
    }
    for (byte[] e : elements) {
      if (e == null) {
        out.putInt(NULL_MARKER);
      } else {
        out.putInt(PRESENT_MARKER);
        out.put(e);
      }
    }
  }
}
