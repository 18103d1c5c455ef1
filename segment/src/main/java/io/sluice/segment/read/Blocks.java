package io.sluice.segment.read;

import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A GenericIndexed of compressed blocks, each decompressing to at most 64 KiB, with the last decompressed block
 * cached. LZ4 uses a safe decompressor (liblz4's {@code LZ4_decompress_safe} through lz4-java's JNI binding, or
 * lz4-java's pure-Java safe decompressor where the native library cannot load), which never reads or writes outside
 * the given ranges; a malformed block is a {@link SegmentFormatException}. The decompression buffer grows to what a block can
 * justify: its own size uncompressed, 255 times it for LZ4 (LZ4's largest expansion), never more than 64 KiB.
 * Not thread-safe.
 */
final class Blocks
{
  /** Druid decompresses every block into a buffer of this size ({@code CompressedPools.BUFFER_SIZE}). */
  static final int MAX_BLOCK_BYTES = 1 << 16;
  private static final long LZ4_MAX_EXPANSION = 255;
  /** LZ4's compressBound of a 64 KiB block: no valid block of at most 64 KiB is longer compressed. */
  static final int MAX_LZ4_BLOCK_BYTES = MAX_BLOCK_BYTES + MAX_BLOCK_BYTES / 255 + 16;
  private static final LZ4SafeDecompressor LZ4 = safeDecompressor();

  /**
   * liblz4's safe decompressor, made for untrusted input and many times faster than the pure-Java one here; the
   * pure-Java safe one if the native library does not load.
   */
  private static LZ4SafeDecompressor safeDecompressor()
  {
    try {
      return LZ4Factory.nativeInstance().safeDecompressor();
    }
    catch (Throwable e) { // no native library for this platform
      return LZ4Factory.safeInstance().safeDecompressor();
    }
  }

  private final GenericIndexed blocks;
  private final Compression compression;
  private final ByteOrder order;
  private final String what;
  private byte[] scratch;
  /** The block being decompressed, copied into the heap. */
  private byte[] compressed;
  private int current = -1;
  private ByteBuffer currentBuffer;

  Blocks(GenericIndexed blocks, Compression compression, ByteOrder order, String what)
  {
    this.blocks = blocks;
    this.compression = compression;
    this.order = order;
    this.what = what;
  }

  /** Reads the blocks' GenericIndexed; rejects compressions this reader cannot decompress. */
  static Blocks read(Input in, Compression compression, ByteOrder order, String what)
  {
    checkSupported(in, compression, what);
    return new Blocks(GenericIndexed.read(in, what + " blocks"), compression, order, what);
  }

  static void checkSupported(Input in, Compression compression, String what)
  {
    if (compression == Compression.LZF || compression == Compression.ZSTD) {
      throw in.error(what + ": " + compression.jsonName() + " compression is not supported (only lz4, uncompressed, none)");
    }
  }

  int count()
  {
    return blocks.size();
  }

  /**
   * Block k decompressed, positioned at 0, limited to its decompressed length, which must be at least
   * {@code minBytes}.
   */
  ByteBuffer block(int k, int minBytes)
  {
    if (k != current) {
      current = -1;
      final Input in = blocks.element(k);
      if (in == null) {
        throw blocks.error(k, what + ": block " + k + " is null");
      }
      final int length = decompress(in, k);
      currentBuffer = ByteBuffer.wrap(scratch, 0, length).slice().order(order);
      current = k;
    }
    if (currentBuffer.limit() < minBytes) {
      throw blocks.error(
          k,
          what + ": block " + k + " decompressed to " + currentBuffer.limit() + " bytes, needs " + minBytes
      );
    }
    return currentBuffer;
  }

  private void ensureScratch(int bytes)
  {
    if (scratch == null || scratch.length < bytes) {
      scratch = new byte[bytes];
    }
  }

  /** An error located at block k's compressed bytes. */
  SegmentFormatException error(int k, String message)
  {
    return blocks.error(k, message);
  }

  private int decompress(Input in, int k)
  {
    final ByteBuffer src = in.buffer(ByteOrder.BIG_ENDIAN);
    final int srcLength = src.remaining();
    if (compression == Compression.UNCOMPRESSED) {
      if (srcLength > MAX_BLOCK_BYTES) {
        throw in.error(what + ": uncompressed block " + k + " has " + srcLength + " bytes, more than 64 KiB");
      }
      ensureScratch(srcLength);
      src.get(scratch, 0, srcLength);
      return srcLength;
    }
    // LZ4 expands at most ~255 times; a block cannot justify a larger buffer than that
    final int capacity = (int) Math.min(MAX_BLOCK_BYTES, LZ4_MAX_EXPANSION * srcLength + 64);
    ensureScratch(capacity);
    if (srcLength > MAX_LZ4_BLOCK_BYTES) {
      throw in.error(what + ": LZ4 block " + k + " has " + srcLength + " bytes, more than any 64 KiB block compresses to");
    }
    // copied out of the (mapped) file first: lz4-java decompresses arrays several times faster than direct buffers
    if (compressed == null || compressed.length < srcLength) {
      compressed = new byte[srcLength];
    }
    src.get(compressed, 0, srcLength);
    try {
      return LZ4.decompress(compressed, 0, srcLength, scratch, 0, capacity);
    }
    catch (RuntimeException e) {
      // LZ4Exception for malformed input, or for output beyond 64 KiB
      throw in.error(what + ": LZ4 block " + k + " is corrupt or decompresses beyond 64 KiB: " + e.getMessage(), e);
    }
  }
}
