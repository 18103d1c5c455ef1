package io.sluice.segment.read;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The smoosh container: {@code meta.smoosh} indexes internal files inside the chunk files.
 * <pre>
 * meta.smoosh  := "v1," maxChunkSize "," numChunks "\n" { name "," chunk "," start "," end "\n" }
 * NNNNN.smoosh := internal files; each is bytes [start, end) of chunk NNNNN (decimal, five digits)
 * </pre>
 * Chunks are mapped only when an entry refers to them; every entry is checked against its chunk's size.
 */
final class Smoosh
{
  static final String META_FILE = "meta.smoosh";
  /** A meta.smoosh beyond this size is rejected before it is decoded (a million columns need ~50 MB). */
  static final int MAX_META_BYTES = 64 << 20;

  /** An internal file: its bytes and where they sit. */
  record Entry(String name, int chunk, int start, int end, ByteBuffer bytes)
  {
    int size()
    {
      return end - start;
    }

    String chunkFile()
    {
      return chunkName(chunk);
    }
  }

  private final Map<String, Entry> entries;

  private Smoosh(Map<String, Entry> entries)
  {
    this.entries = entries;
  }

  static String chunkName(int chunk)
  {
    return String.format(Locale.ROOT, "%05d.smoosh", chunk);
  }

  static Smoosh read(SegmentSource source) throws IOException
  {
    final String segment = source.name();
    final ByteBuffer meta = source.file(META_FILE);
    if (meta == null) {
      throw new SegmentFormatException(segment, META_FILE, -1, "missing: not a V9 segment");
    }
    if (meta.remaining() > MAX_META_BYTES) {
      throw new SegmentFormatException(segment, META_FILE, -1, meta.remaining() + " bytes; the limit is "
                                                                + MAX_META_BYTES);
    }
    final String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
                                   .onMalformedInput(CodingErrorAction.REPORT)
                                   .onUnmappableCharacter(CodingErrorAction.REPORT)
                                   .decode(meta.duplicate())
                                   .toString();
    }
    catch (CharacterCodingException e) {
      throw new SegmentFormatException(segment, META_FILE, -1, "not UTF-8 text", e);
    }
    final List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    if (lines.isEmpty()) {
      throw new SegmentFormatException(segment, META_FILE, 0, "empty");
    }
    final String[] header = lines.get(0).split(",", -1);
    if (header.length != 3 || !header[0].equals("v1")) {
      throw new SegmentFormatException(segment, META_FILE, 0, "header is not 'v1,maxChunkSize,numChunks': "
                                                              + abbreviate(lines.get(0)));
    }
    final int numChunks = parse(segment, header[2], 0, "chunk count");
    if (parse(segment, header[1], 0, "max chunk size") <= 0) {
      throw new SegmentFormatException(segment, META_FILE, 0, "max chunk size is not positive");
    }
    final Map<Integer, ByteBuffer> chunks = new LinkedHashMap<>();
    final Map<String, Entry> entries = new LinkedHashMap<>();
    long offset = lines.get(0).getBytes(StandardCharsets.UTF_8).length + 1;
    for (int i = 1; i < lines.size(); i++) {
      final String line = lines.get(i);
      final String[] f = line.split(",", -1);
      if (f.length != 4 || f[0].isEmpty()) {
        throw new SegmentFormatException(segment, META_FILE, offset, "line is not 'name,chunk,start,end': "
                                                                     + abbreviate(line));
      }
      final int chunk = parse(segment, f[1], offset, "chunk");
      final int start = parse(segment, f[2], offset, "start");
      final int end = parse(segment, f[3], offset, "end");
      if (chunk >= numChunks) {
        throw new SegmentFormatException(segment, META_FILE, offset, "internal file " + f[0] + " is in chunk "
                                                                     + chunk + " of " + numChunks);
      }
      ByteBuffer chunkBytes = chunks.get(chunk);
      if (chunkBytes == null) {
        chunkBytes = source.file(chunkName(chunk));
        if (chunkBytes == null) {
          throw new SegmentFormatException(segment, chunkName(chunk), -1, "missing (meta.smoosh line " + i + ")");
        }
        chunks.put(chunk, chunkBytes);
      }
      if (start > end || end > chunkBytes.remaining()) {
        throw new SegmentFormatException(
            segment,
            META_FILE,
            offset,
            "internal file " + f[0] + " at [" + start + ", " + end + ") lies outside " + chunkName(chunk) + " of "
            + chunkBytes.remaining() + " bytes"
        );
      }
      final ByteBuffer slice = chunkBytes.duplicate();
      slice.limit(end).position(start);
      if (entries.put(f[0], new Entry(f[0], chunk, start, end, slice.slice().asReadOnlyBuffer())) != null) {
        throw new SegmentFormatException(segment, META_FILE, offset, "internal file " + f[0] + " listed twice");
      }
      offset += line.getBytes(StandardCharsets.UTF_8).length + 1;
    }
    return new Smoosh(entries);
  }

  private static int parse(String segment, String s, long offset, String what)
  {
    try {
      final int v = Integer.parseInt(s);
      if (v < 0) {
        throw new SegmentFormatException(segment, META_FILE, offset, what + " is negative: " + v);
      }
      return v;
    }
    catch (NumberFormatException e) {
      throw new SegmentFormatException(segment, META_FILE, offset, what + " is not a number: " + abbreviate(s));
    }
  }

  private static String abbreviate(String s)
  {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  /** The entry, or null. */
  Entry entry(String name)
  {
    return entries.get(name);
  }

  /** Entries by name, in meta.smoosh order. */
  Map<String, Entry> entries()
  {
    return entries;
  }
}
