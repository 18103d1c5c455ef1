package io.sluice.segment.read;

import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.DimensionSchema.ValueType;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.index.MetricSchema;
import io.sluice.segment.index.MetricSchema.Kind;
import io.sluice.segment.v9.SegmentZip;
import io.sluice.segment.v9.V9SegmentWriter;
import org.apache.druid.segment.IndexSpec;
import org.apache.druid.segment.data.CompressionFactory.LongEncodingStrategy;
import org.apache.druid.segment.data.CompressionStrategy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Truncated and corrupted segments (seeded): every case ends in the original data or a
 * {@link SegmentFormatException} — never another exception, a hang (each test has a deadline) or an
 * OutOfMemoryError — and allocates no more than a small multiple of the segment's size (measured per case with the
 * thread's allocation counter).
 *
 * <p>Truncation must be detected unless the cut loses nothing (e.g. meta.smoosh's last newline). A flipped byte in
 * values or dictionary text can silently change data: the V9 format has no checksum (index.zip's CRCs catch it); such
 * cases must still decode consistently, and are counted.
 */
class SegmentReaderAdversarialTest
{
  static final long START = SegmentReaderTest.START;
  /** Allowed allocation per case: this many times the segment's bytes, plus a fixed allowance for the JVM's own. */
  static final long ALLOCATION_FACTOR = 16;
  static final long ALLOCATION_ALLOWANCE = 1 << 20;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @TempDir
  static Path tmp;
  /** Name → physical files of small segments: ours, and Druid's in two layouts (multi-value, delta/table, none). */
  static final Map<String, Map<String, byte[]>> SEGMENTS = new LinkedHashMap<>();

  @BeforeAll
  static void writeSegments() throws IOException
  {
    final IndexSchema schema = new IndexSchema(
        List.of(DimensionSchema.string("host"), DimensionSchema.string("uni"), new DimensionSchema("port", ValueType.LONG),
                new DimensionSchema("ratio", ValueType.FLOAT)),
        List.of(MetricSchema.count("count"), new MetricSchema("bytes_sum", Kind.LONG_SUM, "bytes"),
                new MetricSchema("value_min", Kind.DOUBLE_MIN, "value"),
                new MetricSchema("value_first", Kind.DOUBLE_FIRST, "value"),
                new MetricSchema("bytes_last", Kind.LONG_LAST, "bytes")),
        Granularity.MINUTE,
        true,
        IndexSchema.defaultTimestampSpec()
    );
    final IncrementalIndex ours = new IncrementalIndex(schema);
    final Random r = new Random(3);
    for (int i = 0; i < 400; i++) {
      final Map<String, Object> row = new HashMap<>();
      row.put("host", r.nextInt(8) == 0 ? null : "h" + r.nextInt(20));
      row.put("uni", r.nextBoolean() ? "ü" : SegmentReaderTest.SMILE);
      row.put("port", r.nextInt(4) == 0 ? null : 80 + r.nextInt(3));
      row.put("ratio", r.nextFloat());
      row.put("bytes", r.nextInt(1000));
      if (r.nextBoolean()) {
        row.put("value", r.nextDouble());
      }
      ours.add(START + r.nextInt(3_600_000), row);
    }
    final Path oursDir = tmp.resolve("ours");
    V9SegmentWriter.write(ours, START, START + 3_600_000, oursDir);
    SEGMENTS.put("ours", load(oursDir));

    final var druid = SegmentReaderDruidTest.buildDruidIndex(300, 4);
    final File d1 = DruidSegments.persist(druid, SegmentReaderDruidTest.INTERVAL, tmp.resolve("d1").toFile(),
                                          indexSpec(CompressionStrategy.LZ4, CompressionStrategy.LZ4));
    SEGMENTS.put("druid-lz4-auto", load(d1.toPath()));
    final File d2 = DruidSegments.persist(druid, SegmentReaderDruidTest.INTERVAL, tmp.resolve("d2").toFile(),
                                          indexSpec(CompressionStrategy.UNCOMPRESSED, CompressionStrategy.NONE));
    SEGMENTS.put("druid-uncompressed-none", load(d2.toPath()));
    druid.close();
  }

  private static IndexSpec indexSpec(CompressionStrategy dims, CompressionStrategy metrics)
  {
    return IndexSpec.builder()
                    .withDimensionCompression(dims)
                    .withMetricCompression(metrics)
                    .withLongEncoding(LongEncodingStrategy.AUTO)
                    .build();
  }

  private static Map<String, byte[]> load(Path dir) throws IOException
  {
    final Map<String, byte[]> files = new LinkedHashMap<>();
    for (String f : List.of("version.bin", "meta.smoosh", "00000.smoosh")) {
      files.put(f, Files.readAllBytes(dir.resolve(f)));
    }
    return files;
  }

  /** Reads everything the reader can decode, into a digest. */
  static long readEverything(SegmentReader reader)
  {
    long h = reader.rowCount();
    h = mix(h, reader.dataIntervalStart());
    h = mix(h, reader.dataIntervalEnd());
    h = mix(h, String.valueOf(reader.bitmapSerdeType()).hashCode());
    if (reader.rowCount() > 0) {
      h = mix(h, reader.minTime());
      h = mix(h, reader.maxTime());
    }
    h = mix(h, String.valueOf(reader.metadataText()).hashCode());
    if (reader.metadataText() != null) {
      h = mix(h, reader.metadata().size());
    }
    h = mix(h, reader.dimensions().hashCode());
    h = mix(h, reader.internalFileSizes().hashCode());
    for (String name : reader.columnNames()) {
      final Column c = reader.column(name);
      h = mix(h, c.typeName().hashCode());
      h = mix(h, c.details().toString().hashCode());
      h = mix(h, c.sizeBytes());
      if (c instanceof NumericColumn) {
        final NumericColumn n = (NumericColumn) c;
        for (int row = 0; row < n.rows(); row++) {
          h = mix(h, n.isNull(row) ? 1 : 0);
          switch (n.type()) {
            case LONG:
              h = mix(h, n.getLong(row));
              break;
            case FLOAT:
              h = mix(h, Float.floatToRawIntBits(n.getFloat(row)));
              break;
            default:
              h = mix(h, Double.doubleToRawLongBits(n.getDouble(row)));
          }
        }
        h = mix(h, n.nullRows().hashCode());
      } else if (c instanceof StringColumn) {
        final StringColumn s = (StringColumn) c;
        for (int id = 0; id < s.cardinality(); id++) {
          h = mix(h, String.valueOf(s.dictionaryValue(id)).hashCode());
          if (s.hasBitmapIndex()) {
            final IntIterator it = s.bitmap(id).getIntIterator();
            while (it.hasNext()) {
              h = mix(h, it.next());
            }
          }
        }
        for (int row = 0; row < s.rows(); row++) {
          if (s.hasMultipleValues()) {
            for (int id : s.ids(row)) {
              h = mix(h, id);
            }
          } else {
            h = mix(h, s.id(row));
          }
        }
        if (s.cardinality() > 0) {
          h = mix(h, s.rowsWith(s.dictionaryValue(s.cardinality() - 1)).getCardinality());
        }
      } else if (c.decodable()) {
        for (int row = 0; row < c.rows(); row++) {
          h = mix(h, String.valueOf(c.value(row)).hashCode());
        }
      }
    }
    final List<Map<String, Object>> rows = reader.rows(0, 3);
    return mix(h, rows.toString().hashCode());
  }

  private static long mix(long h, long v)
  {
    return (h ^ v) * 0x9E3779B97F4A7C15L + 31;
  }

  /** Most bytes one case allocated, for the report. */
  static long maxAllocated;

  /** How one case ended. */
  enum Outcome
  {
    REJECTED, SAME, CHANGED
  }

  /** Opens and reads a variant of a segment; fails the test on anything but the data or SegmentFormatException. */
  static Outcome attempt(String label, Map<String, byte[]> files, long originalDigest, long inputBytes)
  {
    final long before = THREADS.getCurrentThreadAllocatedBytes();
    Outcome outcome;
    try (SegmentReader reader = SegmentReader.open(label, files)) {
      outcome = readEverything(reader) == originalDigest ? Outcome.SAME : Outcome.CHANGED;
    }
    catch (SegmentFormatException e) {
      outcome = Outcome.REJECTED;
    }
    catch (Throwable t) {
      throw new AssertionError(label + ": expected data or SegmentFormatException, got " + t, t);
    }
    final long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    maxAllocated = Math.max(maxAllocated, allocated);
    if (allocated > ALLOCATION_FACTOR * inputBytes + ALLOCATION_ALLOWANCE) {
      fail(label + ": allocated " + allocated + " bytes reading a segment of " + inputBytes + " bytes");
    }
    return outcome;
  }

  private static long size(Map<String, byte[]> files)
  {
    return files.values().stream().mapToLong(b -> b.length).sum();
  }

  private static long digest(Map<String, byte[]> files)
  {
    try (SegmentReader reader = SegmentReader.open("original", files)) {
      return readEverything(reader);
    }
  }

  @Test
  void everyTruncationIsDetectedOrHarmless()
  {
    assertTimeoutPreemptively(Duration.ofSeconds(45), () -> {
      for (Map.Entry<String, Map<String, byte[]>> segment : SEGMENTS.entrySet()) {
        final Map<String, byte[]> original = segment.getValue();
        final long digest = digest(original);
        final long bytes = size(original);
        int rejected = 0;
        int cases = 0;
        for (String file : original.keySet()) {
          final byte[] full = original.get(file);
          // every cut of the small files; a few thousand evenly spread cuts of the chunk, plus its last 64 bytes
          final int step = Math.max(1, full.length / 3000);
          for (int length = 0; length < full.length; length++) {
            if (length % step != 0 && length < full.length - 64) {
              continue;
            }
            final Map<String, byte[]> cut = new HashMap<>(original);
            cut.put(file, Arrays.copyOf(full, length));
            final String label = segment.getKey() + ": " + file + " cut to " + length + " of " + full.length;
            final Outcome o = attempt(label, cut, digest, bytes);
            if (o == Outcome.CHANGED) {
              fail(label + ": a truncation went unnoticed and changed the data");
            }
            if (o == Outcome.REJECTED) {
              rejected++;
            } else if (!(file.equals("meta.smoosh") && length == full.length - 1)) {
              fail(label + ": only meta.smoosh's final newline may be cut without an error");
            }
            cases++;
          }
        }
        System.out.printf("%s (%d bytes): %d truncations, %d rejected; at most %d bytes allocated by a case%n",
                          segment.getKey(), bytes, cases, rejected, maxAllocated);
        assertTrue(cases > 3000, "cases " + cases);
      }
    });
  }

  @Test
  void flippedBytesAreRejectedOrDecodeConsistently()
  {
    assertTimeoutPreemptively(Duration.ofSeconds(45), () -> {
      final Random random = new Random(20240301);
      for (Map.Entry<String, Map<String, byte[]>> segment : SEGMENTS.entrySet()) {
        final Map<String, byte[]> original = segment.getValue();
        final long digest = digest(original);
        final long bytes = size(original);
        final Map<Outcome, Integer> outcomes = new java.util.EnumMap<>(Outcome.class);
        for (int i = 0; i < 2500; i++) {
          final int pick = random.nextInt(100);
          final String file = pick < 2 ? "version.bin" : pick < 10 ? "meta.smoosh" : "00000.smoosh";
          final byte[] corrupt = original.get(file).clone();
          final int flips = 1 + random.nextInt(3);
          final StringBuilder where = new StringBuilder();
          for (int f = 0; f < flips; f++) {
            final int at = random.nextInt(corrupt.length);
            corrupt[at] ^= (byte) (1 + random.nextInt(255));
            where.append(' ').append(at);
          }
          final Map<String, byte[]> variant = new HashMap<>(original);
          variant.put(file, corrupt);
          final String label = segment.getKey() + ": case " + i + ", " + file + " flipped at" + where;
          final Outcome o = attempt(label, variant, digest, bytes);
          outcomes.merge(o, 1, Integer::sum);
          // the same corrupt input always reads the same way
          if (o != Outcome.REJECTED && i % 50 == 0) {
            assertEquals(o, attempt(label + " (again)", variant, digest, bytes));
          }
        }
        System.out.printf("%s: 2500 corruptions: %s%n", segment.getKey(), outcomes);
        assertTrue(outcomes.getOrDefault(Outcome.REJECTED, 0) > 250, "most structural damage is caught: " + outcomes);
      }
    });
  }

  @Test
  void damagedZipsAreRejectedOrReadCorrectly() throws IOException
  {
    final Path dir = tmp.resolve("ours");
    final Path zip = tmp.resolve("ours.zip");
    SegmentZip.zip(dir, zip);
    final byte[] full = Files.readAllBytes(zip);
    final long digest = digest(SEGMENTS.get("ours"));
    final Path damaged = tmp.resolve("damaged.zip");
    assertTimeoutPreemptively(Duration.ofSeconds(45), () -> {
      final Random random = new Random(99);
      int rejected = 0;
      int cases = 0;
      for (int i = 0; i < 600; i++) {
        final byte[] bytes;
        final String label;
        if (i % 2 == 0) {
          final int length = random.nextInt(full.length);
          bytes = Arrays.copyOf(full, length);
          label = "zip cut to " + length + " of " + full.length;
        } else {
          bytes = full.clone();
          final int at = random.nextInt(bytes.length);
          bytes[at] ^= (byte) (1 + random.nextInt(255));
          label = "zip flipped at " + at;
        }
        Files.write(damaged, bytes);
        try (SegmentReader reader = SegmentReader.open(damaged)) {
          // deflate and CRC-32 protect the entries: what opens reads the original data
          assertEquals(digest, readEverything(reader), label + ": damage went unnoticed and changed the data");
        }
        catch (SegmentFormatException e) {
          rejected++;
        }
        catch (Throwable t) {
          throw new AssertionError(label + ": expected data or SegmentFormatException, got " + t, t);
        }
        cases++;
      }
      System.out.printf("zip: %d cases, %d rejected%n", cases, rejected);
      assertTrue(rejected > cases / 2, rejected + " of " + cases);
    });
  }

  @Test
  void theOriginalsReadInFull()
  {
    for (Map.Entry<String, Map<String, byte[]>> segment : SEGMENTS.entrySet()) {
      try (SegmentReader reader = SegmentReader.open(segment.getKey(), segment.getValue())) {
        readEverything(reader);
        assertTrue(reader.rowCount() >= 300, segment.getKey());
        final RoaringBitmap all = new RoaringBitmap();
        all.add(0L, reader.rowCount());
        assertEquals(all.getCardinality(), reader.rows(0, Integer.MAX_VALUE).size());
      }
    }
  }
}
