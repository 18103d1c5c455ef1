package io.sluice.segment.v9;

import io.sluice.segment.spec.IndexSpec.Compression;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The block writer's compression pool: same bytes as compressing block after block, and no leaked buffers. */
class BlocksTest
{
  /** More blocks than the pool lets wait at once, of values compressible to different degrees. */
  private static final int ROWS = 200 * Blocks.LONGS_PER_BLOCK + 123;

  private static long[] values()
  {
    final Random random = new Random(7);
    final long[] v = new long[ROWS];
    for (int i = 0; i < ROWS; i++) {
      v[i] = (i / Blocks.LONGS_PER_BLOCK) % 3 == 0 ? i / 100 : random.nextLong() & ((1L << ((i / 1000) % 40 + 1)) - 1);
    }
    return v;
  }

  private static Blocks.Pending write(Compression compression, long[] v) throws Exception
  {
    return write(compression, Blocks.Effort.HIGH, v);
  }

  private static Blocks.Pending write(Compression compression, Blocks.Effort effort, long[] v) throws Exception
  {
    return Blocks.write(compression, effort, v.length, Blocks.LONGS_PER_BLOCK, n -> n * Long.BYTES, (b, from, to) -> {
      for (int i = from; i < to; i++) {
        b.putLong(v[i]);
      }
    });
  }

  /** Block k's values, little-endian, as the sequential writer filled them. */
  private static byte[] raw(long[] v, int k)
  {
    final int from = k * Blocks.LONGS_PER_BLOCK;
    final int to = Math.min(v.length, from + Blocks.LONGS_PER_BLOCK);
    final ByteBuffer b = ByteBuffer.allocate((to - from) * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = from; i < to; i++) {
      b.putLong(v[i]);
    }
    return b.array();
  }

  @Test
  void lz4BlocksAreThoseOfCompressingEachBlockInTurn() throws Exception
  {
    final long[] v = values();
    final List<byte[]> blocks = write(Compression.LZ4, v).join();
    assertEquals(201, blocks.size());
    for (int k = 0; k < blocks.size(); k++) {
      final byte[] raw = raw(v, k);
      assertArrayEquals(Blocks.lz4(raw, raw.length, Blocks.Effort.HIGH), blocks.get(k), "block " + k);
      assertArrayEquals(raw, LZ4Factory.safeInstance().safeDecompressor().decompress(blocks.get(k), raw.length));
    }
  }

  @Test
  void everyEffortDecompressesToTheValuesAndDruidsIsDruidsLevel() throws Exception
  {
    final long[] v = values();
    final byte[] raw = raw(v, 0);
    assertArrayEquals(LZ4Factory.fastestInstance().highCompressor().compress(raw),
                      Blocks.lz4(raw, raw.length, Blocks.Effort.DRUID), "Druid's LZ4: high compression, level 9");
    assertArrayEquals(LZ4Factory.fastestInstance().highCompressor(Blocks.PUBLISHED_LZ4_LEVEL).compress(raw),
                      Blocks.lz4(raw, raw.length, Blocks.Effort.HIGH));
    for (Blocks.Effort effort : Blocks.Effort.values()) {
      final byte[] c = Blocks.lz4(raw, raw.length, effort);
      assertArrayEquals(raw, LZ4Factory.safeInstance().safeDecompressor().decompress(c, raw.length), effort.name());
    }
  }

  @Test
  void fastLz4BlocksDecompressToTheValues() throws Exception
  {
    final long[] v = values();
    final List<byte[]> blocks = write(Compression.LZ4, Blocks.Effort.FAST, v).join();
    assertEquals(201, blocks.size());
    for (int k = 0; k < blocks.size(); k++) {
      final byte[] raw = raw(v, k);
      assertArrayEquals(raw, LZ4Factory.safeInstance().safeDecompressor().decompress(blocks.get(k), raw.length));
    }
  }

  @Test
  void uncompressedBlocksAreTheValues() throws Exception
  {
    final long[] v = values();
    final List<byte[]> blocks = write(Compression.UNCOMPRESSED, v).join();
    assertEquals(201, blocks.size());
    for (int k = 0; k < blocks.size(); k++) {
      assertArrayEquals(raw(v, k), blocks.get(k), "block " + k);
    }
  }

  @Test
  void aFailingFillerGivesItsBuffersBack() throws Exception
  {
    // each failure happens with some blocks submitted and one buffer taken; were any kept, the pool's buffers
    // would run out over these writes and the last write would wait forever
    for (int attempt = 0; attempt < 50; attempt++) {
      final int failAt = attempt % 7;
      final IllegalStateException e = assertThrows(IllegalStateException.class, () -> Blocks.write(
          Compression.LZ4, Blocks.Effort.HIGH, 10 * Blocks.LONGS_PER_BLOCK, Blocks.LONGS_PER_BLOCK, n -> n * Long.BYTES,
          (b, from, to) -> {
            if (from / Blocks.LONGS_PER_BLOCK == failAt) {
              throw new IllegalStateException("filler failed");
            }
            for (int i = from; i < to; i++) {
              b.putLong(i);
            }
          }
      ));
      assertEquals("filler failed", e.getMessage());
    }
    final long[] v = values();
    assertEquals(201, write(Compression.LZ4, v).join().size());
  }
}
