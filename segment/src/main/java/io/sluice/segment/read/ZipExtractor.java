package io.sluice.segment.read;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Unpacks a deep-storage {@code index.zip} (flat: version.bin, factory.json, meta.smoosh, NNNNN.smoosh) into a
 * directory, defensively:
 * <ul>
 *   <li>only flat names of segment files are written (no folders, no {@code ..}, no absolute paths); other entries are
 *       skipped, but their bytes still count against the limit;</li>
 *   <li>the bytes actually inflated are counted, not the sizes the entries declare, and extraction stops with an
 *       error once they pass {@code maxBytes} (a zip bomb) or a chunk passes 2 GiB;</li>
 *   <li>at most {@link #MAX_ENTRIES} entries, no duplicates; every entry's CRC is checked by the inflater.</li>
 * </ul>
 */
final class ZipExtractor
{
  static final int MAX_ENTRIES = 10_000;
  private static final Pattern SEGMENT_FILE = Pattern.compile("version\\.bin|factory\\.json|meta\\.smoosh|\\d{5}\\.smoosh");

  private ZipExtractor()
  {
  }

  static void extract(Path zip, Path into, long maxBytes) throws IOException
  {
    final String name = zip.toString();
    final Set<String> seen = new HashSet<>();
    final byte[] buffer = new byte[1 << 16];
    long total = 0;
    int entries = 0;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(zip), 1 << 16);
         ZipInputStream in = new ZipInputStream(raw)) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        if (++entries > MAX_ENTRIES) {
          throw new SegmentFormatException(name, null, -1, "more than " + MAX_ENTRIES + " zip entries");
        }
        final String entryName = entry.getName();
        final boolean wanted = !entry.isDirectory() && SEGMENT_FILE.matcher(entryName).matches();
        if (wanted && !seen.add(entryName)) {
          throw new SegmentFormatException(name, entryName, -1, "zip entry appears twice");
        }
        long entryBytes = 0;
        try (OutputStream out = wanted
                                ? Files.newOutputStream(into.resolve(entryName), StandardOpenOption.CREATE_NEW)
                                : OutputStream.nullOutputStream()) {
          int n;
          while ((n = in.read(buffer)) > 0) {
            total += n;
            entryBytes += n;
            if (total > maxBytes) {
              throw new SegmentFormatException(name, entryName, -1, "zip expands beyond the limit of " + maxBytes
                                                                    + " bytes");
            }
            if (entryBytes > Integer.MAX_VALUE) {
              throw new SegmentFormatException(name, entryName, -1, "zip entry expands beyond 2 GiB");
            }
            out.write(buffer, 0, n);
          }
        }
      }
    }
    catch (SegmentFormatException e) {
      throw e;
    }
    catch (ZipException | EOFException | RuntimeException e) {
      // ZipException: bad header, bad deflate data, CRC mismatch; EOFException: truncated;
      // IllegalArgumentException: an entry name that is not valid UTF-8. Other IOExceptions are the disk's.
      throw new SegmentFormatException(name, null, -1, "corrupt or truncated zip: " + e, e);
    }
    if (entries == 0) {
      throw new SegmentFormatException(name, null, -1, "not a zip file, or an empty one");
    }
  }
}
