package io.sluice.segment.v9;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Zips a segment directory into Druid's deep-storage {@code index.zip}. */
public final class SegmentZip
{
  /** Fixed entry time, so the same segment always zips to the same bytes. */
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

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
    if (zipFile.getParent() != null) {
      Files.createDirectories(zipFile.getParent());
    }
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(zipFile), 1 << 16);
         ZipOutputStream zip = new ZipOutputStream(os)) {
      for (Path f : files) {
        ZipEntry entry = new ZipEntry(f.getFileName().toString());
        entry.setTimeLocal(ENTRY_TIME);
        zip.putNextEntry(entry);
        Files.copy(f, zip);
        zip.closeEntry();
      }
    }
    return Files.size(zipFile);
  }
}
