package io.sluice.segment.v9;

import io.sluice.segment.index.SortedIndex;
import org.roaringbitmap.RoaringBitmap;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/** Builds the column internal files described in {@link V9SegmentWriter}. */
final class ColumnParts
{
  /** CompressedColumnar{Longs,Floats,Doubles}Supplier and CompressedVSizeColumnarIntsSupplier version. */
  static final byte COMPRESSED_VERSION = 0x02;
  /** DictionaryEncodedColumnPartSerde VERSION.COMPRESSED. */
  static final byte DICTIONARY_VERSION_COMPRESSED = 0x02;
  /** DictionaryEncodedColumnPartSerde flags: single-valued with a bitmap index. */
  static final int DICTIONARY_FLAGS_NONE = 0;

  static final String LONG_DESCRIPTOR =
      "{\"valueType\":\"LONG\",\"hasMultipleValues\":false,\"parts\":[{\"type\":\"longV2\","
      + "\"byteOrder\":\"LITTLE_ENDIAN\",\"bitmapSerdeFactory\":{\"type\":\"roaring\"}}]}";
  static final String DOUBLE_DESCRIPTOR =
      "{\"valueType\":\"DOUBLE\",\"hasMultipleValues\":false,\"parts\":[{\"type\":\"doubleV2\","
      + "\"byteOrder\":\"LITTLE_ENDIAN\",\"bitmapSerdeFactory\":{\"type\":\"roaring\"}}]}";
  static final String FLOAT_DESCRIPTOR =
      "{\"valueType\":\"FLOAT\",\"hasMultipleValues\":false,\"parts\":[{\"type\":\"floatV2\","
      + "\"byteOrder\":\"LITTLE_ENDIAN\",\"bitmapSerdeFactory\":{\"type\":\"roaring\"}}]}";
  static final String STRING_DESCRIPTOR =
      "{\"valueType\":\"STRING\",\"hasMultipleValues\":false,\"parts\":[{\"type\":\"stringDictionary\","
      + "\"bitmapSerdeFactory\":{\"type\":\"roaring\"},\"byteOrder\":\"LITTLE_ENDIAN\"}]}";

  private ColumnParts()
  {
  }

  /** A whole {@code longV2} internal file (used for {@code __time}). */
  static Part longColumn(long[] values, BitSet nulls)
  {
    return numericFile(LONG_DESCRIPTOR, values.length, Lz4Blocks.LONGS_PER_BLOCK, Lz4Blocks.longs(values), nulls);
  }

  /** A whole numeric internal file of the column's type. */
  static Part numericColumn(SortedIndex.NumericColumn col)
  {
    switch (col.type()) {
      case LONG:
        return numericFile(
            LONG_DESCRIPTOR, col.longs().length, Lz4Blocks.LONGS_PER_BLOCK, Lz4Blocks.longs(col.longs()), col.nulls()
        );
      case DOUBLE:
        return numericFile(
            DOUBLE_DESCRIPTOR, col.doubles().length, Lz4Blocks.DOUBLES_PER_BLOCK, Lz4Blocks.doubles(col.doubles()),
            col.nulls()
        );
      case FLOAT:
        return numericFile(
            FLOAT_DESCRIPTOR, col.floats().length, Lz4Blocks.FLOATS_PER_BLOCK, Lz4Blocks.floats(col.floats()),
            col.nulls()
        );
      default:
        throw new IllegalArgumentException("not numeric: " + col.type());
    }
  }

  /**
   * <pre>
   * str descriptor
   * i32 compressedLen
   * u8 0x02 | i32 totalSize | i32 sizePer | u8 0x01 (LZ4) | GI(blocks, flag 0)
   * [i32 bitmapLen | roaring bytes]     only when some row is null
   * </pre>
   */
  private static Part numericFile(String descriptor, int rows, int sizePer, List<byte[]> blocks, BitSet nulls)
  {
    final GenericIndexedPart blockIndex = new GenericIndexedPart(blocks, false);
    final ByteBuffer header = ByteBuffer.allocate(Integer.BYTES + 1 + Integer.BYTES + Integer.BYTES + 1);
    final long compressedLen = 1 + Integer.BYTES + Integer.BYTES + 1 + blockIndex.size();
    if (compressedLen > Integer.MAX_VALUE) {
      throw new IllegalStateException("numeric column too large: " + compressedLen + " bytes");
    }
    header.putInt((int) compressedLen)
          .put(COMPRESSED_VERSION)
          .putInt(rows)
          .putInt(sizePer)
          .put(CompressionId.LZ4.id());
    final List<Part> parts = new ArrayList<>();
    parts.add(Part.string(descriptor));
    parts.add(Part.bytes(header.array()));
    parts.add(blockIndex);
    if (nulls != null && !nulls.isEmpty()) {
      final byte[] bitmap = serialize(toRoaring(nulls));
      final ByteBuffer len = ByteBuffer.allocate(Integer.BYTES).putInt(bitmap.length);
      parts.add(Part.bytes(len.array()));
      parts.add(Part.bytes(bitmap));
    }
    return Part.concat(parts);
  }

  /**
   * <pre>
   * str descriptor
   * u8 0x02 (COMPRESSED) | i32 flags 0
   * GI(dictionary, flag 1)
   * u8 0x02 | u8 numBytes | i32 totalSize | i32 sizePer | u8 0x01 (LZ4) | GI(id blocks, flag 0)
   * GI(bitmaps, flag 0)
   * </pre>
   */
  static Part stringColumn(SortedIndex.StringColumn col)
  {
    final byte[][] dictionary = col.utf8Dictionary();
    checkDictionary(col.name(), col.dictionary());
    final int cardinality = dictionary.length;
    final int[] ids = col.ids();

    final int numBytes = numBytesForMax(cardinality);
    final int sizePer = idsPerBlock(numBytes);
    final GenericIndexedPart idBlocks = new GenericIndexedPart(Lz4Blocks.ints(ids, numBytes, sizePer), false);
    final ByteBuffer intsHeader = ByteBuffer.allocate(1 + 1 + Integer.BYTES + Integer.BYTES + 1)
                                            .put(COMPRESSED_VERSION)
                                            .put((byte) numBytes)
                                            .putInt(ids.length)
                                            .putInt(sizePer)
                                            .put(CompressionId.LZ4.id());
    final ByteBuffer columnHeader = ByteBuffer.allocate(1 + Integer.BYTES)
                                              .put(DICTIONARY_VERSION_COMPRESSED)
                                              .putInt(DICTIONARY_FLAGS_NONE);
    return Part.concat(List.of(
        Part.string(STRING_DESCRIPTOR),
        Part.bytes(columnHeader.array()),
        new GenericIndexedPart(Arrays.asList(dictionary), true),
        Part.bytes(intsHeader.array()),
        idBlocks,
        new GenericIndexedPart(bitmapIndex(ids, cardinality), false)
    ));
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
    return Integer.highestOneBit((Lz4Blocks.BLOCK_BYTES - padding) / numBytes);
  }

  /** One run-optimized roaring bitmap per dictionary id, listing the rows that hold it. */
  private static List<byte[]> bitmapIndex(int[] ids, int cardinality)
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
    final List<byte[]> bitmaps = new ArrayList<>(cardinality);
    for (int id = 0; id < cardinality; id++) {
      final int n = start[id + 1] - start[id];
      if (n == 0) {
        bitmaps.add(new byte[0]);
        continue;
      }
      final RoaringBitmap bitmap = new RoaringBitmap();
      bitmap.addN(rows, start[id], n);
      bitmaps.add(serialize(bitmap));
    }
    return bitmaps;
  }

  static RoaringBitmap toRoaring(BitSet bits)
  {
    final RoaringBitmap bitmap = new RoaringBitmap();
    for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
      final int end = bits.nextClearBit(i);
      bitmap.add((long) i, (long) end);
      i = end - 1;
    }
    return bitmap;
  }

  /** Portable roaring format after runOptimize, as Druid's roaring serde writes. */
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
