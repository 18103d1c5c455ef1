package io.sluice.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.index.MetricSchema;
import io.sluice.segment.v9.SegmentZip;
import io.sluice.segment.v9.V9SegmentWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DumpSegmentTest {
  static final long START = Instant.parse("2026-11-21T10:00:00Z").toEpochMilli();
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  Path segment;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void writeSegment() throws IOException {
    IndexSchema schema = new IndexSchema(
        List.of(DimensionSchema.string("host"), DimensionSchema.string("region")),
        List.of(MetricSchema.count("count"), new MetricSchema("bytes_sum", MetricSchema.Kind.LONG_SUM, "bytes")),
        Granularity.MINUTE, true, IndexSchema.defaultTimestampSpec());
    IncrementalIndex index = new IncrementalIndex(schema);
    for (int i = 0; i < 25; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("host", "h" + (i % 5));
      row.put("region", i % 3 == 0 ? null : "eu");
      row.put("bytes", i * 10);
      index.add(START + i * 60_000L, row);
    }
    segment = tmp.resolve("seg");
    V9SegmentWriter.write(index, START, START + 3_600_000L, segment);
  }

  int run(String... args) {
    return DumpSegment.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void printsMetadataColumnsAndTheFirstRows() throws IOException {
    assertEquals(0, run(segment.toString(), "--rows", "3"), err.toString());
    String text = out.toString(StandardCharsets.UTF_8);
    List<String> lines = text.lines().toList();
    assertEquals("segment      " + segment, lines.get(0));
    assertEquals("interval     2026-11-21T10:00:00Z/2026-11-21T11:00:00Z", lines.get(1));
    assertEquals("rows         25", lines.get(2));
    assertEquals("__time       2026-11-21T10:00:00Z .. 2026-11-21T10:24:00Z", lines.get(3));
    assertEquals("dimensions   host, region", lines.get(4));
    assertEquals("metrics      bytes_sum, count", lines.get(5));
    assertEquals("bitmaps      roaring", lines.get(6));
    JsonNode metadata = JSON.readTree(lines.get(8).substring("metadata.drd ".length()));
    assertTrue(metadata.get("rollup").asBoolean());
    assertEquals(2, metadata.get("aggregators").size());

    // the column table: every column with its type and its internal file's size
    int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("column")).findFirst().orElseThrow());
    Map<String, String[]> columns = new HashMap<>();
    for (String l : lines.subList(header + 1, header + 6)) {
      String[] f = l.trim().split("\\s+", 4);
      columns.put(f[0], f);
    }
    assertEquals(List.of("__time", "bytes_sum", "count", "host", "region"),
        columns.keySet().stream().sorted().toList());
    assertEquals("LONG", columns.get("__time")[1]);
    assertEquals("STRING", columns.get("region")[1]);
    String meta = Files.readString(segment.resolve("meta.smoosh"));
    String hostLine = meta.lines().filter(l -> l.startsWith("host,")).findFirst().orElseThrow();
    String[] h = hostLine.split(",");
    assertEquals(Integer.parseInt(h[3]) - Integer.parseInt(h[2]), Integer.parseInt(columns.get("host")[2]));
    assertTrue(columns.get("region")[3].contains("\"cardinality\":2"), columns.get("region")[3]);

    // exactly three JSON rows, in segment order
    int first = lines.indexOf("first 3 of 25 rows:");
    assertEquals(first + 4, lines.size());
    JsonNode row0 = JSON.readTree(lines.get(first + 1));
    assertEquals(START, row0.get("__time").asLong());
    assertEquals("h0", row0.get("host").asText());
    assertTrue(row0.get("region").isNull());
    assertEquals(1, row0.get("count").asLong());
    assertEquals(START + 120_000L, JSON.readTree(lines.get(first + 3)).get("__time").asLong());
  }

  @Test
  void readsAZipAndDefaultsToTenRows() throws IOException {
    Path zip = tmp.resolve("index.zip");
    SegmentZip.zip(segment, zip);
    assertEquals(0, run(zip.toString()), err.toString());
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    int first = lines.indexOf("first 10 of 25 rows:");
    assertEquals(first + 11, lines.size());
  }

  @Test
  void reportsUsageMissingAndCorruptSegments() throws IOException {
    assertEquals(2, run());
    assertTrue(err.toString().contains("no segment given"), err.toString());
    err.reset();
    assertEquals(2, run(segment.toString(), "--rows", "-1"));
    assertTrue(err.toString().contains("--rows needs a number >= 0"), err.toString());
    err.reset();
    assertEquals(2, run(tmp.resolve("absent").toString()));
    assertTrue(err.toString().contains("no such segment directory or index.zip"), err.toString());
    err.reset();

    byte[] chunk = Files.readAllBytes(segment.resolve("00000.smoosh"));
    Files.write(segment.resolve("00000.smoosh"), Arrays.copyOf(chunk, chunk.length / 2));
    assertEquals(1, run(segment.toString()));
    String e = err.toString();
    assertTrue(e.startsWith("sluice: unreadable segment: " + segment + ": meta.smoosh at offset "), e);
    assertTrue(e.contains("lies outside 00000.smoosh"), e);
  }

  @Test
  void s3SettingsComeFromFlagsThenEnvironmentThenTheDevStack() {
    DumpSegment.Options defaults = DumpSegment.parse(new String[] {"s3://sluice/a/index.zip"}, Map.of());
    assertEquals("http://127.0.0.1:9000", defaults.s3Endpoint());
    assertEquals(DevStack.S3_ACCESS_KEY, defaults.s3AccessKey());
    assertEquals(DevStack.S3_SECRET_KEY, defaults.s3SecretKey());
    assertEquals("us-east-1", defaults.s3Region());
    assertEquals(10, defaults.rows());

    Map<String, String> env = Map.of("SLUICE_S3_ENDPOINT", "http://env:1", "SLUICE_S3_ACCESS_KEY", "envkey");
    DumpSegment.Options o = DumpSegment.parse(
        new String[] {"s3://b/k", "--s3-endpoint", "http://flag:2", "--rows", "0"}, env);
    assertEquals("http://flag:2", o.s3Endpoint());
    assertEquals("envkey", o.s3AccessKey());
    assertEquals(0, o.rows());

    assertEquals(new DumpSegment.S3Location("bucket", "druid/segments/ds/index.zip"),
        DumpSegment.S3Location.parse("s3://bucket/druid/segments/ds/index.zip"));
    assertThrows(IllegalArgumentException.class, () -> DumpSegment.S3Location.parse("s3://bucket"));
    assertThrows(IllegalArgumentException.class, () -> DumpSegment.S3Location.parse("s3://bucket/"));
    assertThrows(IllegalArgumentException.class, () -> DumpSegment.parse(new String[] {"s3:///key"}, Map.of()));
    assertThrows(IllegalArgumentException.class, () -> DumpSegment.parse(new String[] {"x", "--bogus", "1"},
        Map.of()));
  }
}
