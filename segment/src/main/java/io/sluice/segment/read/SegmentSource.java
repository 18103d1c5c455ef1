package io.sluice.segment.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The physical files of a segment: a directory (memory-mapped, read-only) or an in-memory map. */
abstract class SegmentSource implements AutoCloseable
{
  private final String name;

  SegmentSource(String name)
  {
    this.name = name;
  }

  /** The segment's path or name, for messages. */
  final String name()
  {
    return name;
  }

  /** A physical file's bytes, or null if the segment has no such file. */
  abstract ByteBuffer file(String fileName) throws IOException;

  @Override
  public void close()
  {
  }

  static SegmentSource directory(Path dir, String name, Path deleteOnClose)
  {
    return new SegmentSource(name)
    {
      @Override
      ByteBuffer file(String fileName) throws IOException
      {
        final Path p = dir.resolve(fileName);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
          final long size = ch.size();
          if (size > Integer.MAX_VALUE) {
            throw new SegmentFormatException(name(), fileName, -1, "file of " + size + " bytes; at most 2 GiB are read");
          }
          return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        catch (NoSuchFileException e) {
          return null;
        }
      }

      @Override
      public void close()
      {
        if (deleteOnClose != null) {
          deleteRecursively(deleteOnClose);
        }
      }
    };
  }

  static SegmentSource memory(String name, Map<String, byte[]> files)
  {
    final Map<String, byte[]> copy = Map.copyOf(files);
    return new SegmentSource(name)
    {
      @Override
      ByteBuffer file(String fileName)
      {
        final byte[] b = copy.get(fileName);
        return b == null ? null : ByteBuffer.wrap(b).asReadOnlyBuffer();
      }
    };
  }

  static void deleteRecursively(Path dir)
  {
    if (!Files.exists(dir)) {
      return;
    }
    final List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
      for (Path p : paths) {
        Files.deleteIfExists(p);
      }
    }
    catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }
}
