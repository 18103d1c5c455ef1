package io.sluice.segment.v9;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Test-side decoder of the V9 grammar in {@link V9SegmentWriter}, method for method. Strict: every length and
 * offset is checked, so truncated or corrupt input fails with a clear message; LZ4 uses the safe decompressor
 * into a 64 KiB buffer, as Druid does.
 */
final class V9TestReader
{
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LZ4SafeDecompressor LZ4 = LZ4Factory.safeInstance().safeDecompressor();

  final Path dir;
  final List<String> metaLines;
  /** Internal files in physical order. */
  final Map<String, ByteBuffer> files = new LinkedHashMap<>();
  final Map<String, long[]> offsets = new LinkedHashMap<>();

  private V9TestReader(Path dir, List<String> metaLines)
  {
    this.dir = dir;
    this.metaLines = metaLines;
  }

  static V9TestReader open(Path dir) throws IOException
  {
    byte[] version = Files.readAllBytes(dir.resolve("version.bin"));
    check(version.length == 4 && ByteBuffer.wrap(version).getInt() == 9, "version.bin is not i32 9");
    List<String> lines = Files.readAllLines(dir.resolve("meta.smoosh"), StandardCharsets.UTF_8);
    check(!lines.isEmpty(), "meta.smoosh is empty");
    String[] header = lines.get(0).split(",");
    check(header.length == 3 && header[0].equals("v1"), "bad meta.smoosh header " + lines.get(0));
    int numChunks = Integer.parseInt(header[2]);
    List<ByteBuffer> chunks = new ArrayList<>();
    for (int c = 0; c < numChunks; c++) {
      chunks.add(ByteBuffer.wrap(Files.readAllBytes(dir.resolve(String.format(Locale.ROOT, "%05d.smoosh", c)))));
    }
    V9TestReader reader = new V9TestReader(dir, lines);
    List<Object[]> entries = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      check(f.length == 4, "bad meta.smoosh line " + line);
      int chunk = Integer.parseInt(f[1]);
      int start = Integer.parseInt(f[2]);
      int end = Integer.parseInt(f[3]);
      check(chunk >= 0 && chunk < numChunks, "chunk out of range in " + line);
      check(0 <= start && start <= end && end <= chunks.get(chunk).capacity(),
            "internal file " + f[0] + " [" + start + "," + end + ") outside chunk of "
            + chunks.get(chunk).capacity() + " bytes");
      entries.add(new Object[]{f[0], chunk, start, end});
    }
    entries.sort((a, b) -> (int) a[1] != (int) b[1]
                           ? Integer.compare((int) a[1], (int) b[1])
                           : Integer.compare((int) a[2], (int) b[2]));
    for (Object[] e : entries) {
      ByteBuffer chunk = chunks.get((int) e[1]).duplicate();
      chunk.limit((int) e[3]).position((int) e[2]);
      reader.files.put((String) e[0], chunk.slice().order(ByteOrder.BIG_ENDIAN));
      reader.offsets.put((String) e[0], new long[]{(int) e[1], (int) e[2], (int) e[3]});
    }
    return reader;
  }

  ByteBuffer file(String name)
  {
    ByteBuffer b = files.get(name);
    check(b != null, "no internal file " + name);
    return b.duplicate().order(ByteOrder.BIG_ENDIAN);
  }

  // ------------------------------------------------------------------ index.drd

  record IndexDrd(
      GenericIndexed columns,
      GenericIndexed dimensions,
      long start,
      long end,
      String bitmapSerde,
      GenericIndexed allColumns,
      GenericIndexed allDimensions
  )
  {
  }

  IndexDrd index()
  {
    ByteBuffer b = file("index.drd");
    GenericIndexed cols = readGenericIndexed(b);
    GenericIndexed dims = readGenericIndexed(b);
    need(b, 16, "index.drd interval");
    long start = b.getLong();
    long end = b.getLong();
    String serde = readString(b);
    GenericIndexed allCols = b.hasRemaining() ? readGenericIndexed(b) : null;
    GenericIndexed allDims = b.hasRemaining() ? readGenericIndexed(b) : null;
    check(!b.hasRemaining(), "trailing bytes in index.drd");
    return new IndexDrd(cols, dims, start, end, serde, allCols, allDims);
  }

  JsonNode metadata() throws IOException
  {
    ByteBuffer b = file("metadata.drd");
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return JSON.readTree(bytes);
  }

  // ------------------------------------------------------------------ columns

  record Column(
      JsonNode descriptor,
      String valueType,
      NumericValues numeric,
      StringValues strings
  )
  {
  }

  record NumericValues(int version, int totalSize, int sizePer, byte compression, int blockCount,
                       long[] longs, double[] doubles, float[] floats, RoaringBitmap nulls)
  {
  }

  record StringValues(int version, int flags, GenericIndexed dictionary, int numBytes, int totalSize, int sizePer,
                      int blockCount, int[] ids, List<RoaringBitmap> bitmaps)
  {
    String value(int row)
    {
      byte[] b = dictionary.elements().get(ids[row]);
      return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
  }

  Column column(String name) throws IOException
  {
    ByteBuffer b = file(name);
    JsonNode descriptor = JSON.readTree(readString(b));
    String valueType = descriptor.get("valueType").asText();
    JsonNode part = descriptor.get("parts").get(0);
    check(descriptor.get("parts").size() == 1, "expected one part");
    check("LITTLE_ENDIAN".equals(part.get("byteOrder").asText()), "byteOrder");
    check("roaring".equals(part.get("bitmapSerdeFactory").get("type").asText()), "bitmapSerdeFactory");
    String type = part.get("type").asText();
    switch (type) {
      case "longV2":
      case "doubleV2":
      case "floatV2":
        return new Column(descriptor, valueType, readNumeric(b, type), null);
      case "stringDictionary":
        return new Column(descriptor, valueType, null, readString(b, name));
      default:
        throw new IllegalStateException("unknown part type " + type);
    }
  }

  private static NumericValues readNumeric(ByteBuffer b, String type)
  {
    need(b, 4, "compressedLen");
    int compressedLen = b.getInt();
    need(b, compressedLen, "compressed values");
    ByteBuffer values = b.slice().limit(compressedLen);
    b.position(b.position() + compressedLen);
    need(values, 10, "numeric header");
    int version = values.get();
    int totalSize = values.getInt();
    int sizePer = values.getInt();
    byte compression = values.get();
    check(version == 2, "numeric version " + version);
    check(compression == io.sluice.segment.spec.IndexSpec.Compression.LZ4.id(), "compression " + compression);
    GenericIndexed blocks = readGenericIndexed(values);
    check(!values.hasRemaining(), "bytes after numeric blocks");
    check(blocks.count() == (totalSize + sizePer - 1) / sizePer, "block count");
    int width = type.equals("floatV2") ? 4 : 8;
    check(sizePer * width == 65536, "sizePer " + sizePer);
    long[] longs = type.equals("longV2") ? new long[totalSize] : null;
    double[] doubles = type.equals("doubleV2") ? new double[totalSize] : null;
    float[] floats = type.equals("floatV2") ? new float[totalSize] : null;
    for (int k = 0; k < blocks.count(); k++) {
      ByteBuffer block = decompress(blocks.elements().get(k));
      int n = Math.min(sizePer, totalSize - k * sizePer);
      check(block.remaining() == n * width, "block " + k + " decompressed to " + block.remaining());
      for (int i = 0; i < n; i++) {
        int row = k * sizePer + i;
        if (longs != null) {
          longs[row] = block.getLong();
        } else if (doubles != null) {
          doubles[row] = block.getDouble();
        } else {
          floats[row] = block.getFloat();
        }
      }
    }
    RoaringBitmap nulls = new RoaringBitmap();
    if (b.hasRemaining()) {
      need(b, 4, "null bitmap length");
      int len = b.getInt();
      need(b, len, "null bitmap");
      nulls = readBitmap(b.slice().limit(len));
      b.position(b.position() + len);
      check(!b.hasRemaining(), "bytes after null bitmap");
    }
    return new NumericValues(version, totalSize, sizePer, compression, blocks.count(), longs, doubles, floats, nulls);
  }

  private static StringValues readString(ByteBuffer b, String name)
  {
    need(b, 5, "string column header");
    int version = b.get();
    check(version == 2, "string column version " + version);
    int flags = b.getInt();
    GenericIndexed dictionary = readGenericIndexed(b);
    need(b, 11, "ints header");
    int intsVersion = b.get();
    int numBytes = b.get();
    int totalSize = b.getInt();
    int sizePer = b.getInt();
    byte compression = b.get();
    check(intsVersion == 2, "ints version");
    check(compression == io.sluice.segment.spec.IndexSpec.Compression.LZ4.id(), "ints compression");
    check(Integer.bitCount(sizePer) == 1, "sizePer must be a power of two");
    check(numBytes >= 1 && numBytes <= 4 && (long) numBytes * sizePer <= 65536, "ints block too large");
    GenericIndexed blocks = readGenericIndexed(b);
    int[] ids = new int[totalSize];
    for (int k = 0; k < blocks.count(); k++) {
      ByteBuffer block = decompress(blocks.elements().get(k));
      int n = Math.min(sizePer, totalSize - k * sizePer);
      check(block.remaining() == n * numBytes, "ints block " + k + " size");
      for (int i = 0; i < n; i++) {
        int v = 0;
        for (int j = 0; j < numBytes; j++) {
          v |= (block.get() & 0xFF) << (8 * j);
        }
        ids[k * sizePer + i] = v;
      }
    }
    GenericIndexed bitmapIndex = readGenericIndexed(b);
    check(!b.hasRemaining(), "bytes after bitmap index of " + name);
    List<RoaringBitmap> bitmaps = new ArrayList<>();
    for (byte[] e : bitmapIndex.elements()) {
      bitmaps.add(e == null || e.length == 0 ? new RoaringBitmap() : readBitmap(ByteBuffer.wrap(e)));
    }
    return new StringValues(version, flags, dictionary, numBytes, totalSize, sizePer, blocks.count(), ids, bitmaps);
  }

  // ------------------------------------------------------------------ primitives

  record GenericIndexed(int version, int flag, int numBytesUsed, List<byte[]> elements)
  {
    int count()
    {
      return elements.size();
    }

    List<String> strings()
    {
      List<String> out = new ArrayList<>();
      for (byte[] e : elements) {
        out.add(e == null ? null : new String(e, StandardCharsets.UTF_8));
      }
      return out;
    }
  }

  static GenericIndexed readGenericIndexed(ByteBuffer b)
  {
    need(b, 10, "GenericIndexed header");
    int version = b.get();
    check(version == 1, "GenericIndexed version " + version);
    int flag = b.get();
    check(flag == 0 || flag == 1, "GenericIndexed flag " + flag);
    int numBytesUsed = b.getInt();
    check(numBytesUsed >= 4, "numBytesUsed " + numBytesUsed);
    need(b, numBytesUsed, "GenericIndexed body");
    ByteBuffer body = b.slice().limit(numBytesUsed);
    b.position(b.position() + numBytesUsed);
    int count = body.getInt();
    check(count >= 0 && 4L + 4L * count <= numBytesUsed, "GenericIndexed count " + count);
    int[] ends = new int[count];
    for (int i = 0; i < count; i++) {
      ends[i] = body.getInt();
    }
    ByteBuffer values = body.slice();
    check(count == 0 || ends[count - 1] == values.remaining(), "GenericIndexed values size mismatch");
    List<byte[]> elements = new ArrayList<>(count);
    int prevEnd = 0;
    for (int i = 0; i < count; i++) {
      check(ends[i] >= prevEnd + 4 && ends[i] <= values.remaining(), "GenericIndexed offset " + i);
      int marker = values.getInt(prevEnd);
      int len = ends[i] - prevEnd - 4;
      if (len == 0 && marker == -1) {
        elements.add(null);
      } else {
        check(marker == 0, "GenericIndexed marker " + marker + " at " + i);
        byte[] e = new byte[len];
        values.get(prevEnd + 4, e);
        elements.add(e);
      }
      prevEnd = ends[i];
    }
    return new GenericIndexed(version, flag, numBytesUsed, elements);
  }

  static String readString(ByteBuffer b)
  {
    need(b, 4, "string length");
    int len = b.getInt();
    need(b, len, "string bytes");
    byte[] bytes = new byte[len];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static ByteBuffer decompress(byte[] compressed)
  {
    byte[] out = new byte[65536];
    int n = LZ4.decompress(compressed, 0, compressed.length, out, 0, out.length);
    return ByteBuffer.wrap(out, 0, n).order(ByteOrder.LITTLE_ENDIAN);
  }

  static RoaringBitmap readBitmap(ByteBuffer b)
  {
    RoaringBitmap bitmap = new RoaringBitmap();
    try {
      bitmap.deserialize(b.slice());
    }
    catch (IOException e) {
      throw new IllegalStateException("bad roaring bitmap", e);
    }
    return bitmap;
  }

  private static void need(ByteBuffer b, int n, String what)
  {
    check(n >= 0 && b.remaining() >= n, "truncated: " + what + " needs " + n + " bytes, " + b.remaining() + " left");
  }

  private static void check(boolean condition, String message)
  {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }
}
