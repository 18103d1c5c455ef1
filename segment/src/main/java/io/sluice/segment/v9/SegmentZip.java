package io.sluice.segment.v9;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Zips a segment directory into Druid's deep-storage {@code index.zip}: version.bin, factory.json, meta.smoosh and
 * the smoosh chunks, flat, deflated.
 *
 * <p>Level 1 ({@link Deflater#BEST_SPEED}), where Druid's {@code CompressionUtils.zip} uses zlib's default level 6:
 * the columns inside are LZ4-compressed already, so level 6 takes 2.3 times as long for a zip about 1.3% smaller
 * (measured on a 128 MB smoosh of the benchmark's events: 6.4 s and 100.3 MB at level 6, 2.8 s and 101.6 MB at
 * level 1).
 *
 * <p>A block whose sample shows that looking for repeats does not pay is Huffman-coded only (see
 * {@link #matchesPay}): most of a segment is LZ4 blocks already, and for those that is as small and about three times
 * as fast.
 *
 * <p>Each file is deflated as pigz does, on {@link #THREADS} threads: in 1 MiB blocks, each compressed with the 32 KiB
 * before it as its dictionary and ended with a sync flush (the last with the final block), so the blocks concatenate
 * into one ordinary deflate stream that any unzip reads. The bytes do not depend on the thread count: the same segment
 * always zips to the same bytes. Entries carry their sizes and CRC in a data descriptor after the data; Druid's
 * {@code ZipInputStream} and {@code ZipFile} read both. A segment too large for a zip without ZIP64 (over 3.5 GB) is
 * zipped with {@link ZipOutputStream} instead, which writes ZIP64.
 */
public final class SegmentZip
{
  /** Fixed entry time (1980-01-01 00:00, the DOS epoch), so the same segment always zips to the same bytes. */
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
  private static final int DOS_DATE = (1 << 5) | 1; // 1980 (year 0), month 1, day 1
  private static final int DOS_TIME = 0;
  static final int BLOCK_BYTES = 1 << 20;
  private static final int DICTIONARY_BYTES = 32 * 1024;
  private static final int LEVEL = Deflater.BEST_SPEED;
  /** Above this many input bytes the zip might need ZIP64 fields. */
  private static final long PLAIN_ZIP_LIMIT = 3_500_000_000L;
  static final int THREADS = Math.min(2, Runtime.getRuntime().availableProcessors());
  private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
  private static final ExecutorService POOL = THREADS < 2 ? null : Executors.newFixedThreadPool(THREADS, r -> {
    final Thread t = new Thread(r, "sluice-zip-deflater-" + THREAD_NUMBER.getAndIncrement());
    t.setDaemon(true);
    return t;
  });

  private SegmentZip()
  {
  }

  /**
   * Zips version.bin, factory.json, meta.smoosh and the smoosh chunk(s) of {@code segmentDir}, flat (no folders),
   * into {@code zipFile} (replaced if present).
   *
   * @return the size of the zip in bytes
   * @throws IOException if a required file is missing or on I/O failure
   */
  public static long zip(Path segmentDir, Path zipFile) throws IOException
  {
    final List<Path> files = segmentFiles(segmentDir);
    if (zipFile.getParent() != null) {
      Files.createDirectories(zipFile.getParent());
    }
    try (OutputStream os = Files.newOutputStream(zipFile)) {
      write(files, os, PLAIN_ZIP_LIMIT);
    }
    return Files.size(zipFile);
  }

  /**
   * As {@link #zip(Path, Path)}, into {@code out} (not closed: the caller closes it), for a zip that goes straight to
   * deep storage.
   *
   * @return the size of the zip in bytes
   */
  public static long zip(Path segmentDir, OutputStream out) throws IOException
  {
    return write(segmentFiles(segmentDir), out, PLAIN_ZIP_LIMIT);
  }

  /** As {@link #zip(Path, OutputStream)}, with ZIP64 above {@code plainZipLimit} input bytes (tests lower it). */
  static long zip(Path segmentDir, OutputStream out, long plainZipLimit) throws IOException
  {
    return write(segmentFiles(segmentDir), out, plainZipLimit);
  }

  /** version.bin, factory.json, meta.smoosh and the smoosh chunks, in zip order, checked to exist. */
  private static List<Path> segmentFiles(Path segmentDir) throws IOException
  {
    final List<Path> files = new ArrayList<>();
    files.add(segmentDir.resolve(V9SegmentWriter.VERSION_FILE));
    files.add(segmentDir.resolve(V9SegmentWriter.FACTORY_FILE));
    files.add(segmentDir.resolve(SmooshWriter.META_FILE));
    final List<Path> chunks = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(segmentDir, "[0-9][0-9][0-9][0-9][0-9].smoosh")) {
      dir.forEach(chunks::add);
    }
    chunks.sort(null);
    if (chunks.isEmpty()) {
      throw new IOException("no 00000.smoosh in " + segmentDir);
    }
    files.addAll(chunks);
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new IOException("missing segment file " + f);
      }
    }
    return files;
  }

  /** Writes the zip of {@code files} to {@code out}, flushed; returns its size in bytes. */
  private static long write(List<Path> files, OutputStream out, long plainZipLimit) throws IOException
  {
    long total = 0;
    for (Path f : files) {
      total += Files.size(f);
    }
    final CountingOutputStream counted = new CountingOutputStream(out);
    final OutputStream os = new BufferedOutputStream(counted, 1 << 16);
    if (total > plainZipLimit) {
      zipWithZip64(files, os);
    } else {
      new Writer(os).write(files);
    }
    os.flush();
    return counted.count;
  }

  /** Counts the bytes that pass; closing it does not close the stream below. */
  private static final class CountingOutputStream extends java.io.FilterOutputStream
  {
    long count;

    CountingOutputStream(OutputStream out)
    {
      super(out);
    }

    @Override
    public void write(int b) throws IOException
    {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException
    {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() throws IOException
    {
      flush();
    }
  }

  /** Closing the zip closes {@code os} down to {@link CountingOutputStream}, which does not close the caller's. */
  private static void zipWithZip64(List<Path> files, OutputStream os) throws IOException
  {
    try (ZipOutputStream zip = new ZipOutputStream(os)) {
      zip.setLevel(LEVEL);
      for (Path f : files) {
        final ZipEntry entry = new ZipEntry(f.getFileName().toString());
        entry.setTimeLocal(ENTRY_TIME);
        zip.putNextEntry(entry);
        Files.copy(f, zip);
        zip.closeEntry();
      }
    }
  }

  /** Writes the zip format (APPNOTE 4.3) for entries of known names, without ZIP64: the caller checks sizes. */
  private static final class Writer
  {
    private static final int FLAG_DATA_DESCRIPTOR = 1 << 3;
    private static final int METHOD_DEFLATED = 8;
    private static final int VERSION = 20;
    private final OutputStream out;
    private long written;
    private final ByteArrayOutputStream central = new ByteArrayOutputStream();
    private int entries;

    Writer(OutputStream out)
    {
      this.out = out;
    }

    void write(List<Path> files) throws IOException
    {
      for (Path f : files) {
        entry(f);
      }
      final long centralOffset = written;
      final byte[] cd = central.toByteArray();
      put(cd);
      final ByteBuffer end = le(22);
      end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries)
         .putShort((short) entries).putInt(cd.length).putInt((int) centralOffset).putShort((short) 0);
      put(end.array());
      out.flush();
    }

    private void entry(Path file) throws IOException
    {
      final byte[] name = file.getFileName().toString().getBytes(StandardCharsets.UTF_8);
      final long offset = written;
      final ByteBuffer local = le(30 + name.length);
      local.putInt(0x04034b50).putShort((short) VERSION).putShort((short) FLAG_DATA_DESCRIPTOR)
           .putShort((short) METHOD_DEFLATED).putShort((short) DOS_TIME).putShort((short) DOS_DATE)
           .putInt(0).putInt(0).putInt(0).putShort((short) name.length).putShort((short) 0).put(name);
      put(local.array());
      final CRC32 crc = new CRC32();
      final long before = written;
      final long size = deflate(file, crc);
      final long compressed = written - before;
      final ByteBuffer descriptor = le(16);
      descriptor.putInt(0x08074b50).putInt((int) crc.getValue()).putInt((int) compressed).putInt((int) size);
      put(descriptor.array());

      final ByteBuffer c = le(46 + name.length);
      c.putInt(0x02014b50).putShort((short) VERSION).putShort((short) VERSION)
       .putShort((short) FLAG_DATA_DESCRIPTOR).putShort((short) METHOD_DEFLATED).putShort((short) DOS_TIME)
       .putShort((short) DOS_DATE).putInt((int) crc.getValue()).putInt((int) compressed).putInt((int) size)
       .putShort((short) name.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
       .putShort((short) 0).putInt(0).putInt((int) offset).put(name);
      central.write(c.array());
      entries++;
    }

    /** Deflates the file's bytes into the zip; returns the file's size and fills {@code crc}. */
    private long deflate(Path file, CRC32 crc) throws IOException
    {
      try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
        final long size = in.size();
        final ArrayDeque<Future<byte[]>> pending = new ArrayDeque<>();
        byte[] previous = null;
        long pos = 0;
        do {
          final int n = (int) Math.min(BLOCK_BYTES, size - pos);
          final byte[] block = new byte[n];
          final ByteBuffer b = ByteBuffer.wrap(block);
          while (b.hasRemaining()) {
            if (in.read(b, pos + b.position()) < 0) {
              throw new IOException(file + " ended early");
            }
          }
          crc.update(block);
          pos += n;
          final byte[] dictionary = previous == null ? null
              : Arrays.copyOfRange(previous, Math.max(0, previous.length - DICTIONARY_BYTES), previous.length);
          final boolean last = pos >= size;
          if (POOL == null) {
            put(deflateBlock(block, dictionary, last));
          } else {
            pending.addLast(POOL.submit(() -> deflateBlock(block, dictionary, last)));
            while (pending.size() > 2 * THREADS) {
              put(Futures.get(pending.removeFirst(), "deflating a block"));
            }
          }
          previous = block;
        } while (pos < size);
        while (!pending.isEmpty()) {
          put(Futures.get(pending.removeFirst(), "deflating a block"));
        }
        return size;
      }
    }

    private void put(byte[] bytes) throws IOException
    {
      out.write(bytes);
      written += bytes.length;
    }
  }

  /**
   * One block as raw deflate data: primed with {@code dictionary} (the bytes just before it; null for the first
   * block), ended with a sync flush, or with the final block when {@code last}.
   */
  static byte[] deflateBlock(byte[] block, byte[] dictionary, boolean last)
  {
    final Deflater d = new Deflater(LEVEL, true);
    try {
      if (!matchesPay(block)) {
        d.setStrategy(Deflater.HUFFMAN_ONLY);
      }
      if (dictionary != null) {
        d.setDictionary(dictionary);
      }
      d.setInput(block);
      final ByteArrayOutputStream out = new ByteArrayOutputStream(block.length / 2 + 64);
      final byte[] buf = new byte[64 * 1024];
      if (last) {
        d.finish();
        while (!d.finished()) {
          out.write(buf, 0, d.deflate(buf));
        }
      } else {
        int n;
        do { // SYNC_FLUSH: call again while the output filled the buffer
          n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
          out.write(buf, 0, n);
        } while (n == buf.length || !d.needsInput());
      }
      return out.toByteArray();
    }
    finally {
      d.end();
    }
  }

  /**
   * Whether looking for repeated strings pays in this block: deflating its first {@link #SAMPLE_BYTES} at level 1
   * gives less than {@link #MATCHES_PAY} of what Huffman coding alone gives. Most of a segment is LZ4 blocks, in which
   * LZ4 has taken the repeats, and Huffman coding alone compresses them about as well, in about a third of the time
   * (measured on a 122 MB smoosh of the benchmark's events: 80.9% of the input and 0.9 s against 79.5% and 2.5 s at
   * level 1, on one thread); a column LZ4 leaves repetitive, such as {@code __time}, still gains from level 1 (35%
   * against 50% there). With this choice per block, that smoosh zips to 96.9 MB in 1.25 CPU-seconds, against 97.4 MB
   * in 2.75 at level 1 throughout. The choice depends only on the block's bytes, so the zip's bytes stay the same.
   */
  static boolean matchesPay(byte[] block)
  {
    final int n = Math.min(block.length, SAMPLE_BYTES);
    if (n == 0) {
      return false;
    }
    return deflatedSize(block, n, Deflater.DEFAULT_STRATEGY)
           < MATCHES_PAY * deflatedSize(block, n, Deflater.HUFFMAN_ONLY);
  }

  static final int SAMPLE_BYTES = 16 * 1024;
  private static final double MATCHES_PAY = 0.9;

  private static int deflatedSize(byte[] block, int n, int strategy)
  {
    final Deflater d = new Deflater(LEVEL, true);
    try {
      d.setStrategy(strategy);
      d.setInput(block, 0, n);
      d.finish();
      final byte[] buf = new byte[n + 1024];
      int size = 0;
      while (!d.finished()) {
        size += d.deflate(buf);
      }
      return size;
    }
    finally {
      d.end();
    }
  }

  private static ByteBuffer le(int size)
  {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
