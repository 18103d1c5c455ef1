package io.sluice.segment.v9;

import io.sluice.segment.spec.IndexSpec.Compression;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Values cut into blocks, each filled little-endian (or as the caller packs it) and stored as Druid's
 * {@code GenericIndexedWriter.ofCompressedByteBuffers} stores them: LZ4 as a raw LZ4 block (no frame, no size
 * header; LZ4 high compression, as Druid), UNCOMPRESSED as they are. Every block decompresses to at most 64 KiB
 * ({@link #BLOCK_BYTES}), the buffer Druid decompresses into.
 *
 * <p>High compression is most of a segment write's time. Blocks are independent, so {@link #write} hands them to a
 * small shared pool of threads and returns {@link Pending} blocks; a block's bytes do not depend on which thread
 * compressed it or when, so the segment's bytes stay the same.
 */
final class Blocks
{
  /** Druid's CompressedPools.BUFFER_SIZE. */
  static final int BLOCK_BYTES = 1 << 16;
  static final int LONGS_PER_BLOCK = BLOCK_BYTES / Long.BYTES;
  static final int DOUBLES_PER_BLOCK = BLOCK_BYTES / Double.BYTES;
  static final int FLOATS_PER_BLOCK = BLOCK_BYTES / Float.BYTES;

  /**
   * Druid compresses blocks with LZ4's high-compression mode from {@code LZ4Factory.fastestInstance()} at its
   * default level (9). {@link Effort#DRUID} does the same, and the blocks come out byte for byte Druid's (the
   * Druid-oracle tests compare them).
   */
  private static final LZ4Compressor DRUID_COMPRESSOR = LZ4Factory.fastestInstance().highCompressor();
  /**
   * The high-compression level of published segments (Druid's is 9). In {@code EngineBenchmark} level 5 made
   * segments 0.8% (no rollup) and 2.2% (MINUTE rollup) larger than Druid's and wrote them about twice as fast as
   * level 9 (see {@link Effort#HIGH}).
   */
  static final int PUBLISHED_LZ4_LEVEL = 5;
  private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().highCompressor(PUBLISHED_LZ4_LEVEL);
  /** LZ4's fast mode, for segments only Sluice reads back (see {@link Effort#FAST}). */
  private static final LZ4Compressor FAST_COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
  /** The most a 64 KiB block can take compressed; each compressing thread keeps a buffer of it. */
  private static final int MAX_COMPRESSED = DRUID_COMPRESSOR.maxCompressedLength(BLOCK_BYTES);
  private static final ThreadLocal<byte[]> LZ4_OUT = ThreadLocal.withInitial(() -> new byte[MAX_COMPRESSED]);

  /** How LZ4 blocks are compressed. Both give raw LZ4 blocks that any LZ4 decompressor reads. */
  enum Effort
  {
    /** LZ4 high compression at Druid's level: the bytes are Druid's. For tests that compare bytes with Druid's. */
    DRUID,
    /**
     * LZ4 high compression at {@link #PUBLISHED_LZ4_LEVEL}: blocks that any LZ4 decompressor reads back to Druid's
     * bytes, 1–2% larger than Druid's compressed blocks and written in about half the time. For every segment that
     * is published: the merge at publish lies on the path from the last record read to the commit.
     */
    HIGH,
    /**
     * LZ4's fast mode: about a tenth of the time, somewhat larger blocks, bytes unlike Druid's. For segments that
     * only Sluice reads back and then deletes: intermediate persists.
     */
    FAST
  }

  /** Fills {@code block} with values {@code [from, to)}. */
  interface Filler
  {
    void fill(ByteBuffer block, int from, int to);
  }

  /** Bytes one block of {@code n} values takes before compression. */
  interface Sizer
  {
    int bytes(int n);
  }

  private Blocks()
  {
  }

  /**
   * {@code count} values, {@code perBlock} to a block, each block stored with {@code compression} (LZ4 or
   * UNCOMPRESSED; LZ4 with {@code effort}). The caller's thread fills the blocks, in order; LZ4 blocks are then
   * compressed on {@link CompressionPool the compression pool}, each block on its own, so the bytes are those of
   * compressing them one after the other. Returns once every block is filled: the filler, and what it reads, are no
   * longer needed.
   *
   * @throws InterruptedIOException if interrupted while waiting for a free block buffer
   */
  static Pending write(Compression compression, Effort effort, int count, int perBlock, Sizer sizer, Filler filler)
      throws InterruptedIOException
  {
    if (compression == Compression.NONE) {
      throw new IllegalArgumentException("NONE is not block based");
    }
    final int capacity = sizer.bytes(perBlock);
    if (capacity > BLOCK_BYTES) {
      throw new IllegalArgumentException("block of " + perBlock + " values needs " + capacity + " bytes > 64 KiB");
    }
    final List<Future<byte[]>> blocks = new ArrayList<>();
    if (compression != Compression.LZ4 || CompressionPool.POOL == null) {
      final ByteBuffer block = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
      for (int start = 0; start < count; start += perBlock) {
        block.clear();
        filler.fill(block, start, Math.min(count, start + perBlock));
        final byte[] stored = compression == Compression.LZ4
                              ? lz4(block.array(), block.position(), effort)
                              : Arrays.copyOf(block.array(), block.position());
        blocks.add(CompletableFuture.completedFuture(stored));
      }
      return new Pending(blocks);
    }
    for (int start = 0; start < count; start += perBlock) {
      final byte[] raw = CompressionPool.take();
      final int length;
      try {
        final ByteBuffer block = ByteBuffer.wrap(raw, 0, capacity).order(ByteOrder.LITTLE_ENDIAN);
        filler.fill(block, start, Math.min(count, start + perBlock));
        length = block.position();
      }
      catch (RuntimeException | Error e) {
        CompressionPool.give(raw);
        throw e;
      }
      blocks.add(CompressionPool.POOL.submit(() -> {
        try {
          return lz4(raw, length, effort);
        }
        finally {
          CompressionPool.give(raw);
        }
      }));
    }
    return new Pending(blocks);
  }

  /** Blocks of one {@link #write}, in order, some perhaps still being compressed. */
  static final class Pending
  {
    private final List<Future<byte[]>> blocks;

    private Pending(List<Future<byte[]>> blocks)
    {
      this.blocks = blocks;
    }

    /** The stored blocks, in order; waits for those still being compressed. */
    List<byte[]> join() throws IOException
    {
      final List<byte[]> out = new ArrayList<>(blocks.size());
      for (Future<byte[]> f : blocks) {
        out.add(Futures.get(f, "compressing blocks"));
      }
      return out;
    }
  }

  /**
   * The threads that LZ4-compress blocks: {@link #THREADS} daemon threads shared by every writer in the JVM (none on
   * a single core, where the caller compresses). Memory stays bounded: at most {@link #WINDOW} filled blocks wait
   * for compression at any time, in 64 KiB buffers that are reused; a writer that fills blocks faster than they are
   * compressed waits for a buffer. The buffers, at most {@code WINDOW * 64 KiB} (2 MiB), stay allocated once used.
   */
  private static final class CompressionPool
  {
    static final int THREADS = Math.min(2, Runtime.getRuntime().availableProcessors());
    static final int WINDOW = 32;
    static final ExecutorService POOL = THREADS < 2 ? null : Executors.newFixedThreadPool(THREADS, new ThreadFactory()
    {
      private final AtomicInteger n = new AtomicInteger();

      @Override
      public Thread newThread(Runnable r)
      {
        final Thread t = new Thread(r, "sluice-block-compressor-" + n.getAndIncrement());
        t.setDaemon(true);
        return t;
      }
    });
    private static final Semaphore PERMITS = new Semaphore(WINDOW);
    private static final ConcurrentLinkedQueue<byte[]> FREE = new ConcurrentLinkedQueue<>();

    private CompressionPool()
    {
    }

    /** A free 64 KiB buffer; waits while {@link #WINDOW} are in use. */
    static byte[] take() throws InterruptedIOException
    {
      try {
        PERMITS.acquire();
      }
      catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for a block buffer");
      }
      final byte[] b = FREE.poll();
      return b != null ? b : new byte[BLOCK_BYTES];
    }

    static void give(byte[] buffer)
    {
      FREE.offer(buffer);
      PERMITS.release();
    }
  }

  /** The first {@code length} bytes of {@code src} as a raw LZ4 block, compressed with {@code effort}. */
  static byte[] lz4(byte[] src, int length, Effort effort)
  {
    final LZ4Compressor compressor = switch (effort) {
      case DRUID -> DRUID_COMPRESSOR;
      case HIGH -> COMPRESSOR;
      case FAST -> FAST_COMPRESSOR;
    };
    final int max = compressor.maxCompressedLength(length);
    final byte[] out = max <= MAX_COMPRESSED ? LZ4_OUT.get() : new byte[max];
    final int n = compressor.compress(src, 0, length, out, 0, max);
    return Arrays.copyOf(out, n);
  }

  /** All {@code count} values as one unblocked run (Druid's NONE "entire layout"). */
  static byte[] whole(int count, Sizer sizer, Filler filler)
  {
    final ByteBuffer all = ByteBuffer.allocate(sizer.bytes(count)).order(ByteOrder.LITTLE_ENDIAN);
    filler.fill(all, 0, count);
    return Arrays.copyOf(all.array(), all.position());
  }

  /** Each int's low {@code numBytes} bytes, little-endian. */
  static void putInt(ByteBuffer b, int v, int numBytes)
  {
    switch (numBytes) {
      case 1:
        b.put((byte) v);
        break;
      case 2:
        b.putShort((short) v);
        break;
      case 3:
        b.put((byte) v).put((byte) (v >>> 8)).put((byte) (v >>> 16));
        break;
      default:
        b.putInt(v);
    }
  }
}
