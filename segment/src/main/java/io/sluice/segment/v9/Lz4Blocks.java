package io.sluice.segment.v9;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits values into blocks of at most 64 KiB, little-endian, each compressed as a raw LZ4 block (no frame, no size
 * header). Uses lz4-java's pure-Java safe compressor, so the bytes are the same on every machine.
 */
final class Lz4Blocks
{
  /** Druid's CompressedPools.BUFFER_SIZE: every block must decompress into this. */
  static final int BLOCK_BYTES = 1 << 16;
  static final int LONGS_PER_BLOCK = BLOCK_BYTES / Long.BYTES;
  static final int DOUBLES_PER_BLOCK = BLOCK_BYTES / Double.BYTES;
  static final int FLOATS_PER_BLOCK = BLOCK_BYTES / Float.BYTES;

  private static final LZ4Compressor COMPRESSOR = LZ4Factory.safeInstance().fastCompressor();

  private final ByteBuffer block = ByteBuffer.allocate(BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
  private final byte[] compressed = new byte[COMPRESSOR.maxCompressedLength(BLOCK_BYTES)];
  private final List<byte[]> blocks = new ArrayList<>();

  private Lz4Blocks()
  {
  }

  static List<byte[]> longs(long[] values)
  {
    Lz4Blocks b = new Lz4Blocks();
    for (int start = 0; start < values.length; start += LONGS_PER_BLOCK) {
      final int end = Math.min(values.length, start + LONGS_PER_BLOCK);
      b.block.clear();
      for (int i = start; i < end; i++) {
        b.block.putLong(values[i]);
      }
      b.flush();
    }
    return b.blocks;
  }

  static List<byte[]> doubles(double[] values)
  {
    Lz4Blocks b = new Lz4Blocks();
    for (int start = 0; start < values.length; start += DOUBLES_PER_BLOCK) {
      final int end = Math.min(values.length, start + DOUBLES_PER_BLOCK);
      b.block.clear();
      for (int i = start; i < end; i++) {
        b.block.putDouble(values[i]);
      }
      b.flush();
    }
    return b.blocks;
  }

  static List<byte[]> floats(float[] values)
  {
    Lz4Blocks b = new Lz4Blocks();
    for (int start = 0; start < values.length; start += FLOATS_PER_BLOCK) {
      final int end = Math.min(values.length, start + FLOATS_PER_BLOCK);
      b.block.clear();
      for (int i = start; i < end; i++) {
        b.block.putFloat(values[i]);
      }
      b.flush();
    }
    return b.blocks;
  }

  /** Each id's low {@code numBytes} bytes, little-endian, {@code perBlock} ids per block. */
  static List<byte[]> ints(int[] values, int numBytes, int perBlock)
  {
    if ((long) numBytes * perBlock > BLOCK_BYTES) {
      throw new IllegalArgumentException("block of " + perBlock + " x " + numBytes + " bytes exceeds 64 KiB");
    }
    Lz4Blocks b = new Lz4Blocks();
    for (int start = 0; start < values.length; start += perBlock) {
      final int end = Math.min(values.length, start + perBlock);
      b.block.clear();
      for (int i = start; i < end; i++) {
        final int v = values[i];
        switch (numBytes) {
          case 1:
            b.block.put((byte) v);
            break;
          case 2:
            b.block.putShort((short) v);
            break;
          case 3:
            b.block.put((byte) v).put((byte) (v >>> 8)).put((byte) (v >>> 16));
            break;
          default:
            b.block.putInt(v);
        }
      }
      b.flush();
    }
    return b.blocks;
  }

  private void flush()
  {
    final int length = block.position();
    final int n = COMPRESSOR.compress(block.array(), 0, length, compressed, 0, compressed.length);
    blocks.add(Arrays.copyOf(compressed, n));
  }
}
