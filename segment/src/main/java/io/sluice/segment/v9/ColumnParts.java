package io.sluice.segment.v9;

import io.sluice.segment.index.SortedIndex;
import io.sluice.segment.spec.IndexSpec;
import io.sluice.segment.spec.IndexSpec.Compression;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/** Builds the column internal files described in {@link V9SegmentWriter}, for a given {@link IndexSpec}. */
final class ColumnParts
{
  /** CompressedColumnar{Longs,Floats,Doubles}Supplier, CompressedColumnarInts and CompressedVSizeColumnarInts version. */
  static final byte COMPRESSED_VERSION = 0x02;
  /** DictionaryEncodedColumnPartSerde versions. */
  static final byte DICTIONARY_UNCOMPRESSED_SINGLE_VALUE = 0x00;
  static final byte DICTIONARY_UNCOMPRESSED_MULTI_VALUE = 0x01;
  static final byte DICTIONARY_COMPRESSED = 0x02;
  /** DictionaryEncodedColumnPartSerde flags (versions >= COMPRESSED only). */
  static final int DICTIONARY_FLAGS_NONE = 0;
  static final int DICTIONARY_FLAG_MULTI_VALUE = 1;
  static final int DICTIONARY_FLAG_MULTI_VALUE_V3 = 1 << 1;
  static final int DICTIONARY_FLAG_NO_BITMAP_INDEX = 1 << 2;
  /** DictionaryEncodedColumnPartSerde version: uncompressed ids, with flags. */
  static final byte DICTIONARY_UNCOMPRESSED_WITH_FLAGS = 0x03;
  /** VSizeColumnarInts and VSizeColumnarMultiInts versions. */
  static final byte VSIZE_INTS_VERSION = 0x00;
  static final byte VSIZE_MULTI_INTS_VERSION = 0x01;
  /** V3CompressedVSizeColumnarMultiIntsSupplier version. */
  static final byte MULTI_VALUE_V3_VERSION = 0x03;
  /** CompressedColumnarIntsSupplier.MAX_INTS_IN_BUFFER: offsets of multi-value rows, per block. */
  static final int OFFSETS_PER_BLOCK = Blocks.BLOCK_BYTES / Integer.BYTES;

  static final String LONG_DESCRIPTOR = numericDescriptor("LONG", "longV2");
  static final String DOUBLE_DESCRIPTOR = numericDescriptor("DOUBLE", "doubleV2");
  static final String FLOAT_DESCRIPTOR = numericDescriptor("FLOAT", "floatV2");
  static final String STRING_DESCRIPTOR = stringDescriptor(false);
  static final String MULTI_VALUE_STRING_DESCRIPTOR = stringDescriptor(true);

  private ColumnParts()
  {
  }

  private static String numericDescriptor(String valueType, String part)
  {
    return "{\"valueType\":\"" + valueType + "\",\"hasMultipleValues\":false,\"parts\":[{\"type\":\"" + part + "\","
           + "\"byteOrder\":\"LITTLE_ENDIAN\",\"bitmapSerdeFactory\":{\"type\":\"roaring\"}}]}";
  }

  private static String stringDescriptor(boolean multiValue)
  {
    return "{\"valueType\":\"STRING\",\"hasMultipleValues\":" + multiValue + ",\"parts\":[{\"type\":"
           + "\"stringDictionary\",\"bitmapSerdeFactory\":{\"type\":\"roaring\"},\"byteOrder\":\"LITTLE_ENDIAN\"}]}";
  }

  /** A whole {@code longV2} internal file (used for {@code __time}). */
  static Part.Pending longColumn(long[] values, BitSet nulls, IndexSpec spec, Blocks.Effort effort)
      throws IOException
  {
    final Compression compression = spec.metricCompressionStrategy();
    final LongEncoding encoding = LongEncoding.choose(values, spec.longEncodingStrategy());
    return numericFile(
        LONG_DESCRIPTOR, values.length, compression, encoding.meta(compression), encoding.valuesPerBlock(),
        encoding::packedBytes, (b, from, to) -> encoding.pack(values, from, to, b), nulls, effort
    );
  }

  /** A whole numeric internal file of the column's type. */
  static Part.Pending numericColumn(SortedIndex.NumericColumn col, IndexSpec spec, Blocks.Effort effort)
      throws IOException
  {
    final Compression compression = spec.metricCompressionStrategy();
    final byte[] meta = {compression.id()};
    switch (col.type()) {
      case LONG:
        return longColumn(col.longs(), col.nulls(), spec, effort);
      case DOUBLE: {
        final double[] v = col.doubles();
        return numericFile(DOUBLE_DESCRIPTOR, v.length, compression, meta, Blocks.DOUBLES_PER_BLOCK,
            n -> n * Double.BYTES, (b, from, to) -> {
              for (int i = from; i < to; i++) {
                b.putDouble(v[i]);
              }
            }, col.nulls(), effort);
      }
      case FLOAT: {
        final float[] v = col.floats();
        return numericFile(FLOAT_DESCRIPTOR, v.length, compression, meta, Blocks.FLOATS_PER_BLOCK,
            n -> n * Float.BYTES, (b, from, to) -> {
              for (int i = from; i < to; i++) {
                b.putFloat(v[i]);
              }
            }, col.nulls(), effort);
      }
      default:
        throw new IllegalArgumentException("not numeric: " + col.type());
    }
  }

  /**
   * <pre>
   * str descriptor
   * i32 compressedLen
   * u8 0x02 | i32 totalSize | i32 sizePer (0 for NONE) | meta (compression id [+ long encoding])
   * blocks: GI(blocks, flag 0) (LZ4, UNCOMPRESSED) or the values as one run (NONE)
   * [i32 bitmapLen | roaring bytes]     only when some row is null
   * </pre>
   */
  private static Part.Pending numericFile(
      String descriptor,
      int rows,
      Compression compression,
      byte[] meta,
      int sizePer,
      Blocks.Sizer sizer,
      Blocks.Filler filler,
      BitSet nulls,
      Blocks.Effort effort
  ) throws IOException
  {
    final byte[] whole = compression == Compression.NONE ? Blocks.whole(rows, sizer, filler) : null;
    final Blocks.Pending blocks = whole == null ? Blocks.write(compression, effort, rows, sizePer, sizer, filler) : null;
    final byte[] nullBitmap = nulls != null && !nulls.isEmpty() ? serialize(toRoaring(nulls)) : null;
    return () -> numericFile(descriptor, rows, compression, meta, sizePer,
                             whole != null ? Part.bytes(whole) : new GenericIndexedPart(blocks.join(), false),
                             nullBitmap);
  }

  private static Part numericFile(
      String descriptor,
      int rows,
      Compression compression,
      byte[] meta,
      int sizePer,
      Part values,
      byte[] nullBitmap
  )
  {
    final ByteBuffer header = ByteBuffer.allocate(1 + Integer.BYTES + Integer.BYTES + meta.length);
    header.put(COMPRESSED_VERSION)
          .putInt(rows)
          .putInt(compression == Compression.NONE ? 0 : sizePer)
          .put(meta);
    final long compressedLen = header.capacity() + values.size();
    if (compressedLen > Integer.MAX_VALUE) {
      throw new IllegalStateException("numeric column too large: " + compressedLen + " bytes");
    }
    final List<Part> parts = new ArrayList<>();
    parts.add(Part.string(descriptor));
    parts.add(Part.bytes(ByteBuffer.allocate(Integer.BYTES).putInt((int) compressedLen).array()));
    parts.add(Part.bytes(header.array()));
    parts.add(values);
    if (nullBitmap != null) {
      parts.add(Part.bytes(ByteBuffer.allocate(Integer.BYTES).putInt(nullBitmap.length).array()));
      parts.add(Part.bytes(nullBitmap));
    }
    return Part.concat(parts);
  }

  /**
   * A string column with {@code dimensionCompression} LZ4:
   * <pre>
   * str descriptor
   * u8 0x02 (COMPRESSED) | i32 flags (0, or MULTI_VALUE_V3 when some row holds several values)
   * GI(dictionary, flag 1)
   * single value: CompressedVSizeColumnarInts(ids)
   * multi-value:  u8 0x03 | CompressedColumnarInts(offsets) | CompressedVSizeColumnarInts(ids)
   * GI(bitmaps, flag 0)
   * </pre>
   * and with UNCOMPRESSED:
   * <pre>
   * str descriptor
   * u8 0x00 (single value) or 0x01 (multi-value), no flags
   * GI(dictionary, flag 1)
   * single value: VSizeColumnarInts(ids)
   * multi-value:  VSizeColumnarMultiInts(rows)
   * GI(bitmaps, flag 0)
   * </pre>
   */
  static Part.Pending stringColumn(SortedIndex.StringColumn col, IndexSpec spec, Blocks.Effort effort)
      throws IOException
  {
    return stringColumn(col, true, spec, effort);
  }

  /**
   * As {@link #stringColumn(SortedIndex.StringColumn, IndexSpec, Blocks.Effort)}; without {@code bitmapIndex}
   * (Druid's {@code createBitmapIndex: false}) the flags have NO_BITMAP_INDEX and the bitmaps are left out, and
   * UNCOMPRESSED ids take version 0x03 (uncompressed, with flags), as Druid writes them.
   */
  static Part.Pending stringColumn(SortedIndex.StringColumn col, boolean bitmapIndex, IndexSpec spec,
      Blocks.Effort effort) throws IOException
  {
    final byte[][] dictionary = col.utf8Dictionary();
    checkDictionary(col.name(), col.dictionary());
    final int cardinality = dictionary.length;
    final boolean multiValue = col.offsets() != null;
    final Compression compression = spec.dimensionCompressionStrategy();
    final List<Part.Pending> parts = new ArrayList<>();
    parts.add(done(Part.string(multiValue ? MULTI_VALUE_STRING_DESCRIPTOR : STRING_DESCRIPTOR)));
    if (compression == Compression.UNCOMPRESSED && !bitmapIndex) {
      parts.add(done(Part.bytes(ByteBuffer.allocate(1 + Integer.BYTES)
                                          .put(DICTIONARY_UNCOMPRESSED_WITH_FLAGS)
                                          .putInt(DICTIONARY_FLAG_NO_BITMAP_INDEX
                                                  | (multiValue ? DICTIONARY_FLAG_MULTI_VALUE : DICTIONARY_FLAGS_NONE))
                                          .array())));
      parts.add(done(new GenericIndexedPart(Arrays.asList(dictionary), true)));
      parts.add(done(multiValue
                     ? vsizeMultiInts(col.offsets(), col.ids(), cardinality)
                     : vsizeInts(col.ids(), cardinality)));
    } else if (compression == Compression.UNCOMPRESSED) {
      parts.add(done(Part.bytes(new byte[]{
          multiValue ? DICTIONARY_UNCOMPRESSED_MULTI_VALUE : DICTIONARY_UNCOMPRESSED_SINGLE_VALUE
      })));
      parts.add(done(new GenericIndexedPart(Arrays.asList(dictionary), true)));
      parts.add(done(multiValue
                     ? vsizeMultiInts(col.offsets(), col.ids(), cardinality)
                     : vsizeInts(col.ids(), cardinality)));
    } else if (compression == Compression.LZ4) {
      parts.add(done(Part.bytes(ByteBuffer.allocate(1 + Integer.BYTES)
                                          .put(DICTIONARY_COMPRESSED)
                                          .putInt((multiValue ? DICTIONARY_FLAG_MULTI_VALUE_V3 : DICTIONARY_FLAGS_NONE)
                                                  | (bitmapIndex ? DICTIONARY_FLAGS_NONE
                                                                 : DICTIONARY_FLAG_NO_BITMAP_INDEX))
                                          .array())));
      parts.add(done(new GenericIndexedPart(Arrays.asList(dictionary), true)));
      if (multiValue) {
        parts.add(done(Part.bytes(new byte[]{MULTI_VALUE_V3_VERSION})));
        parts.add(compressedInts(col.offsets(), compression, effort));
      }
      parts.add(compressedVSizeInts(col.ids(), cardinality, compression, effort));
    } else {
      throw new IllegalArgumentException("Druid cannot write string columns with compression " + compression);
    }
    if (bitmapIndex) { // built while the pool compresses the ids
      parts.add(done(new GenericIndexedPart(bitmapIndex(col.offsets(), col.ids(), cardinality), false)));
    }
    return () -> {
      final List<Part> resolved = new ArrayList<>(parts.size());
      for (Part.Pending p : parts) {
        resolved.add(p.resolve());
      }
      return Part.concat(resolved);
    };
  }

  private static Part.Pending done(Part part)
  {
    return () -> part;
  }

  /**
   * CompressedVSizeColumnarInts: {@code u8 0x02 | u8 numBytes | i32 count | i32 sizePer | u8 compression |
   * GI(blocks)}, each block {@code sizePer} ids as their low {@code numBytes} bytes, little-endian.
   */
  private static Part.Pending compressedVSizeInts(
      int[] ids,
      int maxValue,
      Compression compression,
      Blocks.Effort effort
  ) throws IOException
  {
    final int numBytes = numBytesForMax(maxValue);
    final int sizePer = idsPerBlock(numBytes);
    final Blocks.Pending blocks = Blocks.write(compression, effort, ids.length, sizePer, n -> n * numBytes, (b, from, to) -> {
      for (int i = from; i < to; i++) {
        Blocks.putInt(b, ids[i], numBytes);
      }
    });
    final ByteBuffer header = ByteBuffer.allocate(1 + 1 + Integer.BYTES + Integer.BYTES + 1)
                                        .put(COMPRESSED_VERSION)
                                        .put((byte) numBytes)
                                        .putInt(ids.length)
                                        .putInt(sizePer)
                                        .put(compression.id());
    return () -> Part.concat(List.of(Part.bytes(header.array()), new GenericIndexedPart(blocks.join(), false)));
  }

  /** CompressedColumnarInts: {@code u8 0x02 | i32 count | i32 16384 | u8 compression | GI(blocks of LE i32)}. */
  private static Part.Pending compressedInts(int[] values, Compression compression, Blocks.Effort effort)
      throws IOException
  {
    final Blocks.Pending blocks = Blocks.write(
        compression, effort, values.length, OFFSETS_PER_BLOCK, n -> n * Integer.BYTES, (b, from, to) -> {
          for (int i = from; i < to; i++) {
            b.putInt(values[i]);
          }
        });
    final ByteBuffer header = ByteBuffer.allocate(1 + Integer.BYTES + Integer.BYTES + 1)
                                        .put(COMPRESSED_VERSION)
                                        .putInt(values.length)
                                        .putInt(OFFSETS_PER_BLOCK)
                                        .put(compression.id());
    return () -> Part.concat(List.of(Part.bytes(header.array()), new GenericIndexedPart(blocks.join(), false)));
  }

  /**
   * VSizeColumnarInts: {@code u8 0x00 | u8 numBytes | i32 byteCount | ids, each its low numBytes bytes big-endian
   * | (4 - numBytes) zero bytes}; byteCount includes the padding.
   */
  private static Part vsizeInts(int[] ids, int maxValue)
  {
    final int numBytes = numBytesForMax(maxValue);
    final int byteCount = ids.length * numBytes + (Integer.BYTES - numBytes);
    final ByteBuffer b = ByteBuffer.allocate(1 + 1 + Integer.BYTES + byteCount);
    b.put(VSIZE_INTS_VERSION).put((byte) numBytes).putInt(byteCount);
    for (int id : ids) {
      putBigEndian(b, id, numBytes);
    }
    return Part.bytes(b.array());
  }

  /**
   * VSizeColumnarMultiInts: {@code u8 0x01 | u8 numBytes | i32 byteCount | i32 rows | i32 rowEnd[rows] | ids, each
   * its low numBytes bytes big-endian | (4 - numBytes) zero bytes}; rowEnd is the byte offset after the row's last id
   * and byteCount counts everything after itself.
   */
  private static Part vsizeMultiInts(int[] offsets, int[] ids, int maxValue)
  {
    final int numBytes = numBytesForMax(maxValue);
    final int rows = offsets.length - 1;
    final long byteCount = Integer.BYTES + (long) rows * Integer.BYTES + (long) ids.length * numBytes
                           + (Integer.BYTES - numBytes);
    if (byteCount > Integer.MAX_VALUE - Integer.BYTES) {
      throw new IllegalStateException("multi-value column too large: " + byteCount + " bytes");
    }
    final ByteBuffer b = ByteBuffer.allocate(1 + 1 + Integer.BYTES + (int) byteCount);
    b.put(VSIZE_MULTI_INTS_VERSION).put((byte) numBytes).putInt((int) byteCount).putInt(rows);
    for (int r = 1; r <= rows; r++) {
      b.putInt(offsets[r] * numBytes);
    }
    for (int id : ids) {
      putBigEndian(b, id, numBytes);
    }
    return Part.bytes(b.array());
  }

  private static void putBigEndian(ByteBuffer b, int v, int numBytes)
  {
    for (int shift = (numBytes - 1) * 8; shift >= 0; shift -= 8) {
      b.put((byte) (v >>> shift));
    }
  }

  /** Druid's VSizeColumnarInts.getNumBytesForMax. */
  static int numBytesForMax(int maxValue)
  {
    if (maxValue < 0) {
      throw new IllegalArgumentException("maxValue must be >= 0: " + maxValue);
    }
    if (maxValue <= 0xFF) {
      return 1;
    }
    if (maxValue <= 0xFFFF) {
      return 2;
    }
    if (maxValue <= 0xFFFFFF) {
      return 3;
    }
    return 4;
  }

  /** Druid's CompressedVSizeColumnarIntsSupplier.maxIntsInBufferForBytes: 65536, 32768, 16384, 16384. */
  static int idsPerBlock(int numBytes)
  {
    final int padding = numBytes <= 2 ? 0 : Integer.BYTES - numBytes;
    return Integer.highestOneBit((Blocks.BLOCK_BYTES - padding) / numBytes);
  }

  /**
   * One run-optimized roaring bitmap per dictionary id, listing the rows that hold it (once, however often the row
   * repeats it); the null bitmap also lists the empty rows of a multi-value column.
   *
   * @param offsets row r holds ids {@code [offsets[r], offsets[r+1])}; null when single-valued (row r holds ids[r])
   */
  private static List<byte[]> bitmapIndex(int[] offsets, int[] ids, int cardinality)
  {
    final RoaringBitmap[] bitmaps = new RoaringBitmap[cardinality];
    for (int id = 0; id < cardinality; id++) {
      bitmaps[id] = new RoaringBitmap();
    }
    if (offsets == null) {
      addSingleValued(ids, cardinality, bitmaps);
    } else {
      for (int r = 0; r + 1 < offsets.length; r++) {
        if (offsets[r] == offsets[r + 1]) {
          bitmaps[0].add(r); // an empty row is null (the dictionary then starts with null), as in Druid's merger
        }
        for (int i = offsets[r]; i < offsets[r + 1]; i++) {
          bitmaps[ids[i]].add(r);
        }
      }
    }
    final List<byte[]> out = new ArrayList<>(cardinality);
    for (RoaringBitmap bitmap : bitmaps) {
      out.add(bitmap.isEmpty() ? new byte[0] : serialize(bitmap));
    }
    return out;
  }

  /** Rows grouped by id with a counting sort, then added to each bitmap in one call. */
  private static void addSingleValued(int[] ids, int cardinality, RoaringBitmap[] bitmaps)
  {
    final int[] start = new int[cardinality + 1];
    for (int id : ids) {
      start[id + 1]++;
    }
    for (int i = 0; i < cardinality; i++) {
      start[i + 1] += start[i];
    }
    final int[] rows = new int[ids.length];
    final int[] fill = Arrays.copyOf(start, cardinality);
    for (int r = 0; r < ids.length; r++) {
      rows[fill[ids[r]]++] = r;
    }
    for (int id = 0; id < cardinality; id++) {
      bitmaps[id].addN(rows, start[id], start[id + 1] - start[id]);
    }
  }

  /**
   * The rows of {@code bits}, added one by one as Druid adds null rows: built from ranges, the containers would
   * start as run containers, and runOptimize keeps a run container where the array form is the same size, while
   * Druid's array container stays an array (a tie the Druid-oracle test once hit).
   */
  static RoaringBitmap toRoaring(BitSet bits)
  {
    final int[] rows = bits.stream().toArray();
    final RoaringBitmap bitmap = new RoaringBitmap();
    bitmap.addN(rows, 0, rows.length);
    return bitmap;
  }

  /**
   * Portable roaring format after runOptimize, as Druid 37's roaring serde writes (always: it no longer reads
   * {@code compressRunOnSerialization}).
   */
  static byte[] serialize(RoaringBitmap bitmap)
  {
    bitmap.runOptimize();
    final ByteBuffer buffer = ByteBuffer.allocate(bitmap.serializedSizeInBytes());
    bitmap.serialize(buffer);
    return buffer.array();
  }

  /** Null only first, then strictly ascending in Java String order, which Druid's reverse lookup relies on. */
  private static void checkDictionary(String column, String[] dictionary)
  {
    for (int i = 0; i < dictionary.length; i++) {
      if (dictionary[i] == null) {
        if (i != 0) {
          throw new IllegalStateException("column [" + column + "]: null must be the first dictionary entry");
        }
      } else if (i > 0 && dictionary[i - 1] != null && dictionary[i - 1].compareTo(dictionary[i]) >= 0) {
        throw new IllegalStateException("column [" + column + "]: dictionary not strictly ascending at " + i);
      }
    }
  }
}
