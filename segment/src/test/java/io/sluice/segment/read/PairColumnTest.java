package io.sluice.segment.read;

import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.FirstLastPair;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.index.MetricSchema;
import io.sluice.segment.index.MetricSchema.Kind;
import io.sluice.segment.v9.V9SegmentWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reader of first/last columns: values as written, and lying lengths, offsets and flags rejected with a
 * {@link SegmentFormatException} naming the column, before anything is allocated on their word.
 */
class PairColumnTest
{
  private static final long START = SegmentReaderTest.START;

  @TempDir
  static Path tmp;
  static Map<String, byte[]> good;
  /** Offset of the {@code f} column's part (after its descriptor) in 00000.smoosh. */
  static int part;

  @BeforeAll
  static void writeSegment() throws IOException
  {
    IndexSchema schema = new IndexSchema(
        List.of(DimensionSchema.string("k")),
        List.of(MetricSchema.count("count"), new MetricSchema("f", Kind.LONG_FIRST, "v"),
                new MetricSchema("l", Kind.FLOAT_LAST, "v", "seq")),
        Granularity.HOUR, true, IndexSchema.defaultTimestampSpec());
    IncrementalIndex index = new IncrementalIndex(schema);
    for (int i = 0; i < 300; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("k", "k" + i % 7);
      row.put("v", i % 5 == 0 ? null : i);
      if (i % 7 != 3) {
        row.put("seq", 1000 - i);
      }
      index.add(START + i * 1000L, row);
    }
    Path dir = tmp.resolve("seg");
    V9SegmentWriter.write(index, START, START + 3_600_000L, dir);
    good = new HashMap<>();
    for (String f : List.of("version.bin", "factory.json", "meta.smoosh", "00000.smoosh")) {
      good.put(f, Files.readAllBytes(dir.resolve(f)));
    }
    String meta = new String(good.get("meta.smoosh"), StandardCharsets.UTF_8);
    String[] line = meta.lines().filter(l -> l.startsWith("f,")).findFirst().orElseThrow().split(",");
    int start = Integer.parseInt(line[2]);
    part = start + 4 + ByteBuffer.wrap(good.get("00000.smoosh")).getInt(start);
  }

  @Test
  void readsThePairsAsWritten() throws IOException
  {
    try (SegmentReader reader = SegmentReader.open("good", good)) {
      PairColumn f = assertInstanceOf(PairColumn.class, reader.column("f"));
      PairColumn l = assertInstanceOf(PairColumn.class, reader.column("l"));
      assertEquals("COMPLEX<serializablePairLongLong>", f.typeName());
      assertEquals("COMPLEX<serializablePairLongFloat>", l.typeName());
      assertEquals(7, f.rows());
      // k0 holds rows 0, 7, 14, ...: the first at START with v null (0 % 5 == 0); the last by seq is row 0 (seq 1000)
      assertEquals(new FirstLastPair(START, null), f.value(0));
      assertEquals(new FirstLastPair(1000, null), l.value(0));
      // k1: rows 1, 8, ...: first is row 1 (v 1); last by seq is row 1 (seq 999)
      assertEquals(new FirstLastPair(START + 1000, 1L), f.value(1));
      assertEquals(new FirstLastPair(999, 1f), l.value(1));
      // k3 never has a seq
      assertEquals(new FirstLastPair(Long.MIN_VALUE, null), l.value(3));
      assertEquals("int", f.details().get("timeDeltas"));
      assertEquals("long", l.details().get("timeDeltas")); // Long.MIN_VALUE next to positive times
      assertThrows(IndexOutOfBoundsException.class, () -> f.value(7));
    }
  }

  @Test
  void corruptHeadersLengthsAndCellsAreRejected()
  {
    // the header: u8 version | u8 encoding | u8 | u8 | i64 minTime | i32 cellIndexSize (little-endian)
    assertRejected(b -> b.put(part, (byte) 2), "pair column version 2");
    assertRejected(b -> b.putInt(part + 12, Integer.reverseBytes(1 << 30)), "truncated: cell index");
    assertRejected(b -> b.putInt(part + 12, Integer.reverseBytes(-5)), "negative length");
    // the cell index's block index size
    assertRejected(b -> b.putInt(part + 16, Integer.reverseBytes(6)), "not a positive multiple of 4");
    // its first block start must be 0
    assertRejected(b -> b.putInt(part + 20, Integer.reverseBytes(3)), "is 3, not 0");
    // its data size must be the block index's end
    assertRejected(b -> b.putInt(part + 28, Integer.reverseBytes(b.getInt(part + 28) == 0 ? 1 : 0)),
                   "is not the block index's end");
    // a lying integer-delta flag: cells are 13 bytes, read as 17-byte cells they fail the shape check
    assertRejected(b -> b.put(part + 1, (byte) 0), "is not a serializablePairLongLong cell");
  }

  private static void assertRejected(Consumer<ByteBuffer> corrupt, String message)
  {
    byte[] chunk = good.get("00000.smoosh").clone();
    corrupt.accept(ByteBuffer.wrap(chunk).order(ByteOrder.BIG_ENDIAN));
    Map<String, byte[]> bad = new HashMap<>(good);
    bad.put("00000.smoosh", chunk);
    SegmentFormatException e = assertThrows(SegmentFormatException.class, () -> {
      try (SegmentReader reader = SegmentReader.open("bad", bad)) {
        PairColumn f = (PairColumn) reader.column("f");
        for (int r = 0; r < f.rows(); r++) {
          f.value(r);
        }
      }
    });
    assertEquals("f", e.file(), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
