package io.sluice.segment.v9;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Big-endian buffered output to a file channel, tracking the position. */
final class ChannelOutput implements Closeable
{
  private static final int BUFFER_SIZE = 1 << 20;

  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE).order(ByteOrder.BIG_ENDIAN);
  private long flushed;

  ChannelOutput(Path file) throws IOException
  {
    this.channel = FileChannel.open(
        file,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE
    );
  }

  long position()
  {
    return flushed + buffer.position();
  }

  void putByte(byte b) throws IOException
  {
    ensure(1);
    buffer.put(b);
  }

  void putInt(int v) throws IOException
  {
    ensure(Integer.BYTES);
    buffer.putInt(v);
  }

  void putLong(long v) throws IOException
  {
    ensure(Long.BYTES);
    buffer.putLong(v);
  }

  void put(byte[] bytes) throws IOException
  {
    put(bytes, 0, bytes.length);
  }

  void put(byte[] bytes, int offset, int length) throws IOException
  {
    if (length <= buffer.remaining()) {
      buffer.put(bytes, offset, length);
      return;
    }
    flush();
    if (length <= buffer.remaining()) {
      buffer.put(bytes, offset, length);
      return;
    }
    ByteBuffer wrapped = ByteBuffer.wrap(bytes, offset, length);
    while (wrapped.hasRemaining()) {
      flushed += channel.write(wrapped);
    }
  }

  private void ensure(int n) throws IOException
  {
    if (buffer.remaining() < n) {
      flush();
    }
  }

  void flush() throws IOException
  {
    buffer.flip();
    while (buffer.hasRemaining()) {
      flushed += channel.write(buffer);
    }
    buffer.clear();
  }

  @Override
  public void close() throws IOException
  {
    try {
      flush();
      channel.force(false);
    }
    finally {
      channel.close();
    }
  }
}
