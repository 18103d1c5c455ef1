package io.sluice.segment.read;

import io.sluice.segment.index.FirstLastPair;
import org.apache.druid.data.input.impl.DimensionSchema;
import org.apache.druid.data.input.impl.DimensionSchema.MultiValueHandling;
import org.apache.druid.data.input.impl.FloatDimensionSchema;
import org.apache.druid.data.input.impl.LongDimensionSchema;
import org.apache.druid.data.input.impl.StringDimensionSchema;
import org.apache.druid.java.util.common.Intervals;
import org.apache.druid.java.util.common.granularity.Granularities;
import org.apache.druid.query.aggregation.AggregatorFactory;
import org.apache.druid.query.aggregation.CountAggregatorFactory;
import org.apache.druid.query.aggregation.DoubleMinAggregatorFactory;
import org.apache.druid.query.aggregation.DoubleSumAggregatorFactory;
import org.apache.druid.query.aggregation.FloatMaxAggregatorFactory;
import org.apache.druid.query.aggregation.LongSumAggregatorFactory;
import org.apache.druid.query.aggregation.firstlast.first.StringFirstAggregatorFactory;
import org.apache.druid.query.aggregation.SerializablePairLongLong;
import org.apache.druid.query.aggregation.firstlast.last.LongLastAggregatorFactory;
import org.apache.druid.segment.IndexSpec;
import org.apache.druid.segment.QueryableIndex;
import org.apache.druid.segment.column.StringEncodingStrategy;
import org.apache.druid.segment.data.CompressionFactory.LongEncodingStrategy;
import org.apache.druid.segment.data.CompressionStrategy;
import org.apache.druid.segment.data.ConciseBitmapSerdeFactory;
import org.apache.druid.segment.data.RoaringBitmapSerdeFactory;
import org.apache.druid.segment.incremental.IncrementalIndex;
import org.joda.time.Interval;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.roaringbitmap.RoaringBitmap;

import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Segments written by Druid's IndexMergerV9 with each IndexSpec variant, read by {@link SegmentReader} and compared
 * value for value, bitmap for bitmap, with Druid's IndexIO reading the same directory.
 */
class SegmentReaderDruidTest
{
  static final long START = Instant.parse("2024-03-01T10:00:00Z").toEpochMilli();
  static final Interval INTERVAL = Intervals.utc(START, START + 3_600_000L);
  /** Over 65,536 rows: several blocks of ids, and a 3-byte id column. */
  static final int ROWS = 70_000;
  static final String SMILE = new String(Character.toChars(0x1F600));
  static final List<String> DIMS = List.of("host", "region", "tags", "uni", "big", "port", "ratio_dim");
  /** Complex columns the reader lists without decoding; last_bytes (a longLast pair) it decodes. */
  static final Set<String> COMPLEX = Set.of("first_path");

  @TempDir
  static Path tmp;
  static IncrementalIndex index;

  @BeforeAll
  static void buildIndex()
  {
    index = buildDruidIndex(ROWS, 42);
  }

  @AfterAll
  static void closeIndex()
  {
    index.close();
  }

  static IncrementalIndex buildDruidIndex(int rows, long seed)
  {
    final List<DimensionSchema> dims = List.of(
        new StringDimensionSchema("host"),
        new StringDimensionSchema("region", null, false), // no bitmap index
        new StringDimensionSchema("tags", MultiValueHandling.SORTED_ARRAY, true),
        new StringDimensionSchema("uni"),
        new StringDimensionSchema("big"),
        new LongDimensionSchema("port"),
        new FloatDimensionSchema("ratio_dim")
    );
    final AggregatorFactory[] metrics = {
        new CountAggregatorFactory("count"),
        new LongSumAggregatorFactory("bytes_sum", "bytes"),
        new LongSumAggregatorFactory("wide_sum", "wide"),
        new DoubleSumAggregatorFactory("value_sum", "value"),
        new DoubleMinAggregatorFactory("value_min", "value"),
        new FloatMaxAggregatorFactory("ratio_max", "ratio"),
        new StringFirstAggregatorFactory("first_path", "path", null, 64),
        new LongLastAggregatorFactory("last_bytes", "bytes", null)
    };
    final IncrementalIndex idx = DruidSegments.newIndex(START, Granularities.NONE, false, dims, metrics, rows + 1);
    final Random r = new Random(seed);
    final String[] regions = {"us-east", "us-west", "eu", "ap", "sa"};
    final String[] uni = {"", "ü", "\uFFFF", SMILE, "plain", "\u4e2d\u6587"};
    final Long[] ports = {80L, 443L, 8080L, 9092L, null};
    for (int i = 0; i < rows; i++) {
      final Map<String, Object> e = new HashMap<>();
      if (r.nextInt(20) != 0) {
        e.put("host", "host-" + r.nextInt(300));
      }
      e.put("region", regions[r.nextInt(regions.length)]);
      final int nTags = r.nextInt(4);
      final List<String> tags = new ArrayList<>();
      for (int t = 0; t < nTags; t++) {
        tags.add("t" + r.nextInt(12));
      }
      if (nTags > 0) {
        e.put("tags", tags);
      }
      e.put("uni", uni[r.nextInt(uni.length)]);
      e.put("big", "u" + i);
      e.put("port", ports[r.nextInt(ports.length)]);
      if (r.nextInt(10) != 0) {
        e.put("ratio_dim", r.nextFloat() * 10);
      }
      e.put("bytes", r.nextInt(8) == 0 ? r.nextLong() : r.nextInt(100_000)); // full range: auto picks LONGS
      e.put("wide", r.nextLong() >>> 8); // 56 bits: auto picks DELTA
      if (r.nextInt(7) != 0) {
        e.put("value", r.nextGaussian() * 100);
      }
      e.put("ratio", r.nextFloat());
      e.put("path", "/p/" + r.nextInt(50));
      DruidSegments.add(idx, START + r.nextInt(3_600_000), DIMS, e);
    }
    return idx;
  }

  record Variant(String name, CompressionStrategy dims, CompressionStrategy metrics, LongEncodingStrategy longs)
  {
    IndexSpec spec()
    {
      return IndexSpec.builder()
                      .withBitmapSerdeFactory(RoaringBitmapSerdeFactory.getInstance())
                      .withDimensionCompression(dims)
                      .withMetricCompression(metrics)
                      .withLongEncoding(longs)
                      .build();
    }

    @Override
    public String toString()
    {
      return name;
    }
  }

  static Stream<Variant> variants()
  {
    return Stream.of(
        new Variant("lz4-longs", CompressionStrategy.LZ4, CompressionStrategy.LZ4, LongEncodingStrategy.LONGS),
        new Variant("lz4-auto", CompressionStrategy.LZ4, CompressionStrategy.LZ4, LongEncodingStrategy.AUTO),
        new Variant(
            "uncompressed-longs",
            CompressionStrategy.UNCOMPRESSED,
            CompressionStrategy.UNCOMPRESSED,
            LongEncodingStrategy.LONGS
        ),
        new Variant(
            "uncompressed-auto",
            CompressionStrategy.UNCOMPRESSED,
            CompressionStrategy.UNCOMPRESSED,
            LongEncodingStrategy.AUTO
        ),
        new Variant("none-longs", CompressionStrategy.LZ4, CompressionStrategy.NONE, LongEncodingStrategy.LONGS),
        new Variant("none-auto", CompressionStrategy.UNCOMPRESSED, CompressionStrategy.NONE, LongEncodingStrategy.AUTO)
    );
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void readsWhatDruidWrites(Variant variant) throws Exception
  {
    final File dir = DruidSegments.persist(index, INTERVAL, tmp.resolve(variant.name).toFile(), variant.spec());
    try (QueryableIndex druid = DruidSegments.load(dir); SegmentReader reader = SegmentReader.open(dir.toPath())) {
      assertEquals(druid.getNumRows(), reader.rowCount());
      assertEquals(ROWS, reader.rowCount());
      assertEquals(druid.getDataInterval().getStartMillis(), reader.dataIntervalStart());
      assertEquals(druid.getDataInterval().getEndMillis(), reader.dataIntervalEnd());
      assertEquals("roaring", reader.bitmapSerdeType());
      final List<String> druidDims = new ArrayList<>();
      druid.getAvailableDimensions().forEach(druidDims::add);
      assertEquals(druidDims, reader.dimensions());
      assertEquals(DIMS, reader.dimensions());
      final List<String> druidColumns = druid.getColumnNames();
      assertEquals(new HashSet<>(druidColumns), new HashSet<>(reader.columnNames().subList(1, reader.columnNames().size())));
      assertEquals(
          Set.of("count", "bytes_sum", "wide_sum", "value_sum", "value_min", "ratio_max", "first_path", "last_bytes"),
          new HashSet<>(reader.metrics())
      );

      for (String c : COMPLEX) {
        final Column col = reader.column(c);
        final OpaqueColumn opaque = assertInstanceOf(OpaqueColumn.class, col);
        assertEquals(druid.getColumnCapabilities(c).getComplexTypeName(), opaque.complexTypeName());
        assertEquals("COMPLEX<" + opaque.complexTypeName() + ">", col.typeName());
        assertFalse(col.decodable());
        assertThrows(UnsupportedOperationException.class, () -> col.value(0));
      }

      // every value of every decodable column, row by row
      final List<String> decodable = new ArrayList<>();
      for (String c : druidColumns) {
        if (!COMPLEX.contains(c)) {
          decodable.add(c);
        }
      }
      final List<Map<String, Object>> expected = DruidSegments.rows(druid, decodable);
      // Druid reads a longLast column as SerializablePairLongLong, Sluice as FirstLastPair
      for (Map<String, Object> e : expected) {
        final SerializablePairLongLong p = (SerializablePairLongLong) e.get("last_bytes");
        e.put("last_bytes", new FirstLastPair(p.lhs, p.rhs));
      }
      final List<Map<String, Object>> actual = reader.rows(0, Integer.MAX_VALUE);
      assertEquals(expected.size(), actual.size());
      long minTime = Long.MAX_VALUE;
      long maxTime = Long.MIN_VALUE;
      for (int row = 0; row < expected.size(); row++) {
        final Map<String, Object> e = expected.get(row);
        final Map<String, Object> a = actual.get(row);
        assertEquals(e.keySet(), a.keySet(), "columns of row " + row);
        for (String c : e.keySet()) {
          assertEquals(e.get(c), a.get(c), variant + ": row " + row + " column " + c);
        }
        minTime = Math.min(minTime, (Long) e.get("__time"));
        maxTime = Math.max(maxTime, (Long) e.get("__time"));
      }
      assertEquals(minTime, reader.minTime());
      assertEquals(maxTime, reader.maxTime());

      // the bitmap index agrees with Druid's for every value
      for (String dim : List.of("host", "tags", "uni")) {
        final StringColumn col = (StringColumn) reader.column(dim);
        assertTrue(col.hasBitmapIndex(), dim);
        for (int id = 0; id < col.cardinality(); id++) {
          final String value = col.dictionaryValue(id);
          assertEquals(DruidSegments.bitmap(druid, dim, value), col.rowsWith(value), dim + " = " + value);
        }
        assertEquals(DruidSegments.bitmap(druid, dim, null), col.rowsWith(null), dim + " is null");
        assertTrue(col.rowsWith("no such value").isEmpty());
      }
      // region has no bitmap index (Druid has none to ask): the reader scans, and agrees with Druid's rows
      final StringColumn region = (StringColumn) reader.column("region");
      assertFalse(region.hasBitmapIndex());
      for (int id = 0; id < region.cardinality(); id++) {
        final String value = region.dictionaryValue(id);
        final RoaringBitmap rows = new RoaringBitmap();
        for (int row = 0; row < expected.size(); row++) {
          if (value.equals(expected.get(row).get("region"))) {
            rows.add(row);
          }
        }
        assertEquals(rows, region.rowsWith(value), "region = " + value);
      }
      final StringColumn big = (StringColumn) reader.column("big");
      assertEquals(ROWS, big.cardinality());
      for (int id = 0; id < ROWS; id += 997) {
        assertEquals(DruidSegments.bitmap(druid, "big", big.dictionaryValue(id)), big.rowsWith(big.dictionaryValue(id)));
      }
      assertTrue(reader.column("tags").hasMultipleValues());

      assertLayout(variant, reader);
      assertEquals(false, reader.metadata().get("rollup").asBoolean());
      assertEquals(8, reader.metadata().get("aggregators").size());
    }
  }

  /** The details prove each variant's layout is the one decoded, not a default. */
  private static void assertLayout(Variant variant, SegmentReader reader)
  {
    final String metricCompression = variant.metrics == CompressionStrategy.NONE
                                     ? "none"
                                     : variant.metrics.toString().toLowerCase(java.util.Locale.ROOT);
    for (String metric : List.of("bytes_sum", "wide_sum", "value_sum", "ratio_max")) {
      assertEquals(metricCompression, reader.column(metric).details().get("compression"), variant + " " + metric);
    }
    final Object timeEncoding = reader.column("__time").details().get("longEncoding");
    final Object countEncoding = reader.column("count").details().get("longEncoding");
    if (variant.longs == LongEncodingStrategy.AUTO) {
      assertEquals("delta", timeEncoding, variant + " __time");
      assertEquals("table", reader.column("port").details().get("longEncoding"), variant + " port");
      assertTrue(Set.of("delta", "table").contains(countEncoding), variant + " count " + countEncoding);
      assertEquals("longs", reader.column("bytes_sum").details().get("longEncoding"), variant + " bytes_sum");
      assertEquals("delta", reader.column("wide_sum").details().get("longEncoding"), variant + " wide_sum");
      assertEquals(56, reader.column("wide_sum").details().get("bitsPerValue"), variant + " wide_sum");
    } else {
      assertEquals("longs", timeEncoding);
      assertEquals("longs", countEncoding);
    }
    // string versions: 0/1 uncompressed single/multi-value, 2 compressed; 3 uncompressed with flags, needed by
    // region's NO_BITMAP_INDEX
    final boolean uncompressed = variant.dims == CompressionStrategy.UNCOMPRESSED;
    assertEquals(uncompressed ? 0 : 2, reader.column("host").details().get("version"), variant + " host");
    assertEquals(uncompressed ? 1 : 2, reader.column("tags").details().get("version"), variant + " tags");
    assertEquals(uncompressed ? 3 : 2, reader.column("region").details().get("version"), variant + " region");
  }

  @Test
  void rejectsConciseBitmapsClearly() throws Exception
  {
    final IndexSpec concise = IndexSpec.builder().withBitmapSerdeFactory(new ConciseBitmapSerdeFactory()).build();
    final IncrementalIndex small = buildDruidIndex(500, 7);
    final File dir = DruidSegments.persist(small, INTERVAL, tmp.resolve("concise").toFile(), concise);
    small.close();
    try (SegmentReader reader = SegmentReader.open(dir.toPath())) {
      assertEquals("concise", reader.bitmapSerdeType());
      assertEquals(500, reader.rowCount());
      final SegmentFormatException e = assertThrows(SegmentFormatException.class, () -> reader.column("host"));
      assertTrue(e.getMessage().contains("roaring"), e.getMessage());
      assertEquals("host", e.file());
      // columns without bitmaps still read
      assertEquals(500, reader.column("bytes_sum").rows());
    }
  }

  @Test
  void rejectsFrontCodedDictionariesClearly() throws Exception
  {
    final IndexSpec frontCoded = IndexSpec.builder()
                                          .withStringDictionaryEncoding(new StringEncodingStrategy.FrontCoded(4))
                                          .build();
    final IncrementalIndex small = buildDruidIndex(500, 8);
    final File dir = DruidSegments.persist(small, INTERVAL, tmp.resolve("front-coded").toFile(), frontCoded);
    small.close();
    try (SegmentReader reader = SegmentReader.open(dir.toPath())) {
      final SegmentFormatException e = assertThrows(SegmentFormatException.class, () -> reader.column("host"));
      assertTrue(e.getMessage().contains("front-coded"), e.getMessage());
    }
  }
}
