package io.sluice.segment.v9;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes internal files back to back into {@code 00000.smoosh} (a new chunk only when one would pass
 * {@link #MAX_CHUNK_SIZE}), then {@code meta.smoosh}:
 * <pre>
 * v1,&lt;maxChunkSize&gt;,&lt;numChunks&gt;\n
 * &lt;name&gt;,&lt;chunk&gt;,&lt;start&gt;,&lt;end&gt;\n     one line per internal file, sorted by name
 * </pre>
 */
final class SmooshWriter implements Closeable
{
  static final int MAX_CHUNK_SIZE = Integer.MAX_VALUE;
  static final String META_FILE = "meta.smoosh";

  private final Path dir;
  private final long maxChunkSize;
  private final Map<String, long[]> entries = new TreeMap<>();
  private final List<Path> chunks = new ArrayList<>();
  private ChannelOutput out;
  private boolean closed;

  SmooshWriter(Path dir)
  {
    this(dir, MAX_CHUNK_SIZE);
  }

  /** A smaller chunk size is for tests of the multi-chunk path. */
  SmooshWriter(Path dir, long maxChunkSize)
  {
    this.dir = dir;
    this.maxChunkSize = maxChunkSize;
  }

  static String chunkName(int chunk)
  {
    return String.format(Locale.ROOT, "%05d.smoosh", chunk);
  }

  void add(String name, Part part) throws IOException
  {
    if (entries.containsKey(name)) {
      throw new IllegalArgumentException("internal file [" + name + "] written twice");
    }
    final long size = part.size();
    if (size > maxChunkSize) {
      throw new IllegalStateException("internal file [" + name + "] is " + size + " bytes, over the chunk limit");
    }
    if (out == null || out.position() + size > maxChunkSize) {
      nextChunk();
    }
    final long start = out.position();
    part.writeTo(out);
    final long end = out.position();
    if (end - start != size) {
      throw new IllegalStateException(
          "internal file [" + name + "] declared " + size + " bytes but wrote " + (end - start)
      );
    }
    entries.put(name, new long[]{chunks.size() - 1, start, end});
  }

  private void nextChunk() throws IOException
  {
    if (out != null) {
      out.close();
    }
    final Path chunk = dir.resolve(chunkName(chunks.size()));
    chunks.add(chunk);
    out = new ChannelOutput(chunk);
  }

  /** Chunk files written so far. */
  List<Path> chunks()
  {
    return Collections.unmodifiableList(chunks);
  }

  /** Closes the last chunk and writes meta.smoosh. Without it (on failure) no meta.smoosh is written. */
  void finish() throws IOException
  {
    if (closed) {
      throw new IllegalStateException("already closed");
    }
    if (out == null) {
      nextChunk();
    }
    closed = true;
    out.close();
    StringBuilder meta = new StringBuilder();
    meta.append("v1,").append(maxChunkSize).append(',').append(chunks.size()).append('\n');
    for (Map.Entry<String, long[]> e : entries.entrySet()) {
      long[] v = e.getValue();
      meta.append(e.getKey()).append(',').append(v[0]).append(',').append(v[1]).append(',').append(v[2]).append('\n');
    }
    Files.write(dir.resolve(META_FILE), meta.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException
  {
    if (!closed) {
      closed = true;
      if (out != null) {
        out.close();
      }
    }
  }
}
