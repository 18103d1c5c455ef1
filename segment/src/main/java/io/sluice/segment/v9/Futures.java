package io.sluice.segment.v9;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work handed to the writer's helper threads (compression, column building, deflating). */
final class Futures
{
  private Futures()
  {
  }

  /**
   * The result of {@code f}, waiting for it. Its failure is rethrown as it was thrown (an I/O, runtime or error
   * failure; anything else wrapped in an IOException); an interrupt while waiting is an {@link InterruptedIOException}
   * naming what was being done.
   */
  static <T> T get(Future<T> f, String doing) throws IOException
  {
    try {
      return f.get();
    }
    catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while " + doing);
    }
    catch (ExecutionException e) {
      final Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(doing + " failed", cause);
    }
  }
}
