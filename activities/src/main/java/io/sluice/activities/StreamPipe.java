package io.sluice.activities;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Bytes written on one thread, read on another: the zip of a segment as it is written, read by its upload. Bytes go
 * across in chunks through a bounded queue, so the writer waits once {@code chunks} chunks are waiting to be read.
 *
 * <p>Failures cross too. {@link #fail} (the writer failed) makes the reader's next read throw, after the bytes written
 * before it; a reader that closes its end before the end of the stream (the upload failed) makes the writer's next
 * write throw. Either way neither side is left waiting.
 */
final class StreamPipe {
  /** Marks the end of the stream in the queue. */
  private static final byte[] END = new byte[0];
  private static final long WAIT_MILLIS = 100;

  private final BlockingQueue<byte[]> queue;
  private final int chunkBytes;
  private volatile Throwable writerFailure;
  private volatile boolean readerClosed;
  private final Output output = new Output();
  private final Input input = new Input();

  StreamPipe(int chunkBytes, int chunks) {
    if (chunkBytes <= 0 || chunks <= 0) throw new IllegalArgumentException("chunkBytes and chunks must be positive");
    this.chunkBytes = chunkBytes;
    this.queue = new ArrayBlockingQueue<>(chunks);
  }

  OutputStream output() {
    return output;
  }

  InputStream input() {
    return input;
  }

  /** The writer failed: the reader gets {@code cause} (wrapped) once it has read what was written before. */
  void fail(Throwable cause) {
    writerFailure = cause;
    output.closed = true;
    // END may not fit while the reader is away; it then learns of the failure at its next wait
    queue.offer(END);
  }

  private final class Output extends OutputStream {
    private byte[] chunk;
    private int used;
    private boolean closed;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (closed) throw new IOException("stream pipe closed");
      while (len > 0) {
        if (chunk == null) {
          chunk = new byte[chunkBytes];
          used = 0;
        }
        int n = Math.min(len, chunk.length - used);
        System.arraycopy(b, off, chunk, used, n);
        used += n;
        off += n;
        len -= n;
        if (used == chunk.length) {
          hand(chunk);
          chunk = null;
        }
      }
    }

    /** Hands the bytes written so far and the end of the stream to the reader. */
    @Override
    public void close() throws IOException {
      if (closed) return;
      if (chunk != null && used > 0) hand(java.util.Arrays.copyOf(chunk, used));
      chunk = null;
      closed = true;
      hand(END);
    }

    private void hand(byte[] bytes) throws IOException {
      try {
        while (!queue.offer(bytes, WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
          if (readerClosed) throw new IOException("the reader of the stream pipe stopped reading");
        }
        if (readerClosed && bytes != END) throw new IOException("the reader of the stream pipe stopped reading");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while writing to a stream pipe");
      }
    }
  }

  private final class Input extends InputStream {
    private byte[] chunk;
    private int pos;
    private boolean ended;

    @Override
    public synchronized int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) return 0;
      if (!next()) return -1;
      int n = Math.min(len, chunk.length - pos);
      System.arraycopy(chunk, pos, b, off, n);
      pos += n;
      return n;
    }

    /** Whether there are bytes to read, waiting for the writer if need be. */
    private boolean next() throws IOException {
      while (!ended && (chunk == null || pos == chunk.length)) {
        byte[] taken;
        try {
          taken = queue.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading from a stream pipe");
        }
        if (taken == null) {
          if (writerFailure != null && queue.isEmpty()) throw failed();
          continue;
        }
        if (taken == END) {
          ended = true;
          if (writerFailure != null) throw failed();
          return false;
        }
        chunk = taken;
        pos = 0;
      }
      if (ended) {
        if (writerFailure != null) throw failed();
        return false;
      }
      return true;
    }

    private IOException failed() {
      return new IOException("the writer of the stream pipe failed: " + writerFailure, writerFailure);
    }

    /** Before the end of the stream: the writer's next write fails. */
    @Override
    public synchronized void close() {
      readerClosed = true;
      queue.clear(); // a writer waiting for room wakes up and sees readerClosed
    }
  }
}
