package io.sluice.segment.v9;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The block-parallel deflate writes zips that both of Java's unzippers (which Druid uses) read back exactly. */
class SegmentZipTest
{
  @TempDir
  Path tmp;

  /** Mixed data: runs (compressible, with matches across block boundaries) and random stretches. */
  private static byte[] data(long seed, int n)
  {
    Random random = new Random(seed);
    byte[] b = new byte[n];
    int i = 0;
    while (i < n) {
      int len = Math.min(n - i, 1 + random.nextInt(100_000));
      if (random.nextBoolean()) {
        byte[] word = ("segment-" + random.nextInt(50) + ";").getBytes();
        for (int k = 0; k < len; k++) {
          b[i + k] = word[k % word.length];
        }
      } else {
        for (int k = 0; k < len; k++) {
          b[i + k] = (byte) random.nextInt();
        }
      }
      i += len;
    }
    return b;
  }

  @Test
  void zipsReadBackExactlyAcrossBlockBoundaries() throws IOException
  {
    Path dir = tmp.resolve("seg");
    Files.createDirectories(dir);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("version.bin", new byte[]{0, 0, 0, 9});
    files.put("factory.json", new byte[0]); // an empty entry is still a valid deflate stream
    files.put("meta.smoosh", "v1,2147483647,2\n".getBytes());
    files.put("00000.smoosh", data(1, 2 * SegmentZip.BLOCK_BYTES + 17));
    files.put("00001.smoosh", data(2, SegmentZip.BLOCK_BYTES));
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Files.write(dir.resolve(e.getKey()), e.getValue());
    }
    Path zip = tmp.resolve("index.zip");
    long size = SegmentZip.zip(dir, zip);
    assertEquals(Files.size(zip), size);
    long inputBytes = files.values().stream().mapToLong(b -> b.length).sum();
    assertTrue(size < inputBytes * 3 / 4, "compressed: " + size + " of " + inputBytes);

    Map<String, byte[]> streamed = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        streamed.put(e.getName(), in.readAllBytes());
      }
    }
    assertEquals(new ArrayList<>(files.keySet()), new ArrayList<>(streamed.keySet()));
    List<String> names = new ArrayList<>();
    try (ZipFile z = new ZipFile(zip.toFile())) {
      for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements(); ) {
        ZipEntry e = en.nextElement();
        names.add(e.getName());
        assertEquals(files.get(e.getName()).length, e.getSize(), e.getName());
        assertEquals(1980, e.getTimeLocal().getYear());
        try (var in = z.getInputStream(e)) {
          assertArrayEquals(files.get(e.getName()), in.readAllBytes(), e.getName());
        }
      }
    }
    assertEquals(new ArrayList<>(files.keySet()), names);
    for (String name : files.keySet()) {
      assertArrayEquals(files.get(name), streamed.get(name), name);
    }
    Path again = tmp.resolve("again.zip");
    SegmentZip.zip(dir, again);
    assertArrayEquals(Files.readAllBytes(zip), Files.readAllBytes(again), "the same segment zips to the same bytes");
  }

  /**
   * Blocks without repeats worth finding (bytes of a skewed distribution, as in LZ4 output) are Huffman-coded only;
   * repetitive blocks still get level 1's search for repeats, and compress far below the eighth of their size that
   * Huffman coding alone could reach.
   */
  @Test
  void onlyBlocksWhereRepeatsPayAreSearchedForThem() throws IOException
  {
    Random random = new Random(7);
    byte[] skewed = new byte[SegmentZip.BLOCK_BYTES];
    for (int i = 0; i < skewed.length; i++) {
      skewed[i] = (byte) Math.min(255, (int) (-Math.log(1 - random.nextDouble()) * 20));
    }
    assertFalse(SegmentZip.matchesPay(skewed));
    byte[] repetitive = new byte[3 * SegmentZip.BLOCK_BYTES];
    for (int i = 0; i < repetitive.length; i++) {
      repetitive[i] = (byte) ("__time;" + (i / 4096)).charAt(i % 7);
    }
    assertTrue(SegmentZip.matchesPay(repetitive));

    Path dir = tmp.resolve("seg");
    Files.createDirectories(dir);
    Files.write(dir.resolve("version.bin"), new byte[]{0, 0, 0, 9});
    Files.write(dir.resolve("factory.json"), new byte[0]);
    Files.write(dir.resolve("meta.smoosh"), "v1,2147483647,1\n".getBytes());
    Files.write(dir.resolve("00000.smoosh"), repetitive);
    Path zip = tmp.resolve("index.zip");
    long size = SegmentZip.zip(dir, zip);
    assertTrue(size < repetitive.length / 50, "repetitive data zipped to " + size + " of " + repetitive.length);
    try (ZipFile z = new ZipFile(zip.toFile())) {
      try (var in = z.getInputStream(z.getEntry("00000.smoosh"))) {
        assertArrayEquals(repetitive, in.readAllBytes());
      }
    }
    Files.write(dir.resolve("00000.smoosh"), skewed);
    size = SegmentZip.zip(dir, zip);
    assertTrue(size < skewed.length * 0.8, "skewed bytes Huffman-coded to " + size + " of " + skewed.length);
    try (ZipFile z = new ZipFile(zip.toFile())) {
      try (var in = z.getInputStream(z.getEntry("00000.smoosh"))) {
        assertArrayEquals(skewed, in.readAllBytes());
      }
    }
  }

  /**
   * Into a caller's stream, both forms of zip (the block-parallel one, and ZIP64 for a segment too large for it, here
   * with its threshold lowered) leave the stream open, count its bytes, and read back exactly.
   */
  @Test
  void zipsIntoAStreamTheCallerKeepsOpen() throws IOException
  {
    Path dir = tmp.resolve("seg");
    Files.createDirectories(dir);
    byte[] smoosh = data(9, SegmentZip.BLOCK_BYTES + 5);
    Files.write(dir.resolve("version.bin"), new byte[]{0, 0, 0, 9});
    Files.write(dir.resolve("factory.json"), "{}".getBytes());
    Files.write(dir.resolve("meta.smoosh"), "v1,2147483647,1\n".getBytes());
    Files.write(dir.resolve("00000.smoosh"), smoosh);
    for (long plainZipLimit : new long[]{Long.MAX_VALUE, 0}) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      boolean[] closed = {false};
      java.io.OutputStream out = new java.io.FilterOutputStream(bytes)
      {
        @Override
        public void close()
        {
          closed[0] = true;
        }
      };
      long size = SegmentZip.zip(dir, out, plainZipLimit);
      assertFalse(closed[0], "the caller's stream stays open");
      assertEquals(bytes.size(), size, "the size returned is what was written");
      Map<String, byte[]> read = new LinkedHashMap<>();
      try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
        ZipEntry e;
        while ((e = in.getNextEntry()) != null) {
          read.put(e.getName(), in.readAllBytes());
        }
      }
      assertEquals(List.of("version.bin", "factory.json", "meta.smoosh", "00000.smoosh"),
                   new ArrayList<>(read.keySet()));
      assertArrayEquals(smoosh, read.get("00000.smoosh"), "limit " + plainZipLimit);
    }
  }
}
