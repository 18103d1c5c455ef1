package io.sluice.segment.v9;

import io.sluice.segment.spec.IndexSpec.Compression;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Values cut into blocks, each filled little-endian (or as the caller packs it) and stored as Druid's
 * {@code GenericIndexedWriter.ofCompressedByteBuffers} stores them: LZ4 as a raw LZ4 block (no frame, no size
 * header; lz4-java's pure-Java safe compressor, so the bytes are the same on every machine), UNCOMPRESSED as they
 * are. Every block decompresses to at most 64 KiB ({@link #BLOCK_BYTES}), the buffer Druid decompresses into.
 */
final class Blocks
{
  /** Druid's CompressedPools.BUFFER_SIZE. */
  static final int BLOCK_BYTES = 1 << 16;
  static final int LONGS_PER_BLOCK = BLOCK_BYTES / Long.BYTES;
  static final int DOUBLES_PER_BLOCK = BLOCK_BYTES / Double.BYTES;
  static final int FLOATS_PER_BLOCK = BLOCK_BYTES / Float.BYTES;

  /**
   * Druid compresses blocks with LZ4's high-compression mode from {@code LZ4Factory.fastestInstance()}; so does
   * Sluice, and the blocks come out byte for byte the same (the Druid-oracle test compares them). Compression
   * only: Sluice's reader decompresses with the safe pure-Java decompressor.
   */
  private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().highCompressor();

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
   * UNCOMPRESSED).
   */
  static List<byte[]> write(Compression compression, int count, int perBlock, Sizer sizer, Filler filler)
  {
    if (compression == Compression.NONE) {
      throw new IllegalArgumentException("NONE is not block based");
    }
    final int capacity = sizer.bytes(perBlock);
    if (capacity > BLOCK_BYTES) {
      throw new IllegalArgumentException("block of " + perBlock + " values needs " + capacity + " bytes > 64 KiB");
    }
    final ByteBuffer block = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    final byte[] compressed = compression == Compression.LZ4 ? new byte[COMPRESSOR.maxCompressedLength(capacity)] : null;
    final List<byte[]> blocks = new ArrayList<>();
    for (int start = 0; start < count; start += perBlock) {
      final int end = Math.min(count, start + perBlock);
      block.clear();
      filler.fill(block, start, end);
      final int length = block.position();
      if (compressed == null) {
        blocks.add(Arrays.copyOf(block.array(), length));
      } else {
        final int n = COMPRESSOR.compress(block.array(), 0, length, compressed, 0, compressed.length);
        blocks.add(Arrays.copyOf(compressed, n));
      }
    }
    return blocks;
  }

  /** The first {@code length} bytes of {@code src} as a raw LZ4 block, compressed as Druid does. */
  static byte[] lz4(byte[] src, int length)
  {
    final byte[] out = new byte[COMPRESSOR.maxCompressedLength(length)];
    final int n = COMPRESSOR.compress(src, 0, length, out, 0, out.length);
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
