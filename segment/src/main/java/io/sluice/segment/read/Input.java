package io.sluice.segment.read;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A bounded big-endian cursor over part of one file of a segment. Every read first checks that the bytes are
 * there, so a truncated or lying length ends in a {@link SegmentFormatException} naming the file and the offset,
 * never in a buffer exception or an allocation the input does not justify.
 */
final class Input
{
  private final String segment;
  private final String file;
  private final ByteBuffer buf;
  /** Offset of {@code buf}'s position 0 inside {@link #file}, for messages. */
  private final long base;

  Input(String segment, String file, ByteBuffer bytes, long base)
  {
    this.segment = segment;
    this.file = file;
    this.buf = bytes.slice().order(ByteOrder.BIG_ENDIAN);
    this.base = base;
  }

  String segment()
  {
    return segment;
  }

  String file()
  {
    return file;
  }

  int position()
  {
    return buf.position();
  }

  int remaining()
  {
    return buf.remaining();
  }

  boolean hasRemaining()
  {
    return buf.hasRemaining();
  }

  /** Offset of the current position inside the file. */
  long fileOffset()
  {
    return base + buf.position();
  }

  void need(long n, String what)
  {
    if (n < 0) {
      throw error(what + " has a negative length " + n);
    }
    if (n > buf.remaining()) {
      throw error("truncated: " + what + " needs " + n + " bytes, " + buf.remaining() + " left");
    }
  }

  byte u8(String what)
  {
    need(1, what);
    return buf.get();
  }

  /** The next byte without consuming it. */
  byte peek(String what)
  {
    need(1, what);
    return buf.get(buf.position());
  }

  int i32(String what)
  {
    need(4, what);
    return buf.getInt();
  }

  long i64(String what)
  {
    need(8, what);
    return buf.getLong();
  }

  /** The next {@code length} bytes as their own Input, consumed from this one. */
  Input slice(long length, String what)
  {
    need(length, what);
    final ByteBuffer b = buf.slice();
    b.limit((int) length);
    final Input in = new Input(segment, file, b, fileOffset());
    buf.position(buf.position() + (int) length);
    return in;
  }

  /** The rest of this input as its own Input, consumed from this one. */
  Input rest()
  {
    return slice(buf.remaining(), "rest");
  }

  /** The bytes of this input (from position 0) as a read-only buffer, in {@code order}. */
  ByteBuffer buffer(ByteOrder order)
  {
    final ByteBuffer b = buf.duplicate();
    b.position(0);
    return b.slice().asReadOnlyBuffer().order(order);
  }

  byte[] bytes(int length, String what)
  {
    need(length, what);
    final byte[] out = new byte[length];
    buf.get(out);
    return out;
  }

  /** {@code str := i32 length | UTF-8 bytes}. */
  String string(String what)
  {
    final int length = i32(what + " length");
    return new String(bytes(length, what), StandardCharsets.UTF_8);
  }

  SegmentFormatException error(String message)
  {
    return new SegmentFormatException(segment, file, fileOffset(), message);
  }

  SegmentFormatException error(String message, Throwable cause)
  {
    return new SegmentFormatException(segment, file, fileOffset(), message, cause);
  }

  SegmentFormatException errorAt(long relativeOffset, String message)
  {
    return new SegmentFormatException(segment, file, base + relativeOffset, message);
  }

  SegmentFormatException errorAt(long relativeOffset, String message, Throwable cause)
  {
    return new SegmentFormatException(segment, file, base + relativeOffset, message, cause);
  }

  long base()
  {
    return base;
  }
}
