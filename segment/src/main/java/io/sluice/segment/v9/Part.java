package io.sluice.segment.v9;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A piece of an internal file whose size is known before it is written. */
interface Part
{
  long size();

  void writeTo(ChannelOutput out) throws IOException;

  /**
   * A part still being computed, such as a column whose blocks are on the compression pool: whoever builds it has
   * handed off the work and dropped its inputs; {@link #resolve} waits for the work and returns the part.
   */
  @FunctionalInterface
  interface Pending
  {
    Part resolve() throws IOException;
  }

  static Part bytes(byte[] bytes)
  {
    return new Part()
    {
      @Override
      public long size()
      {
        return bytes.length;
      }

      @Override
      public void writeTo(ChannelOutput out) throws IOException
      {
        out.put(bytes);
      }
    };
  }

  /** {@code str}: i32 byte length, then UTF-8 bytes. */
  static Part string(String s)
  {
    final byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    return new Part()
    {
      @Override
      public long size()
      {
        return Integer.BYTES + (long) utf8.length;
      }

      @Override
      public void writeTo(ChannelOutput out) throws IOException
      {
        out.putInt(utf8.length);
        out.put(utf8);
      }
    };
  }

  static Part concat(List<Part> parts)
  {
    final List<Part> copy = List.copyOf(parts);
    return new Part()
    {
      @Override
      public long size()
      {
        long total = 0;
        for (Part p : copy) {
          total += p.size();
        }
        return total;
      }

      @Override
      public void writeTo(ChannelOutput out) throws IOException
      {
        for (Part p : copy) {
          p.writeTo(out);
        }
      }
    };
  }
}
