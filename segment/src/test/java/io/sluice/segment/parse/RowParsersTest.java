package io.sluice.segment.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.segment.spec.InputFormat;
import io.sluice.segment.spec.SpecParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowParsersTest {
  static InputFormat format(String json) throws IOException {
    return SpecParser.mapper().readValue(json, InputFormat.class);
  }

  static RowParser parser(String format) throws IOException {
    return RowParsers.create(format(format), "ts", "auto", null);
  }

  static List<JsonRowParser.Row> rows(RowParser p, String record) throws ParseException {
    return p.parse(record.getBytes(StandardCharsets.UTF_8));
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = RowParsersTest.class.getResourceAsStream("/parse/" + name)) {
      return in.readAllBytes();
    }
  }

  // ---- json

  @Test
  void csvListsAndJsonArraysReachTheIndexAsMultiValueCells() throws Exception {
    io.sluice.segment.index.IndexSchema schema = new io.sluice.segment.index.IndexSchema(
        List.of(io.sluice.segment.index.DimensionSchema.string("tags")),
        List.of(io.sluice.segment.index.MetricSchema.count("count")),
        io.sluice.segment.granularity.Granularity.NONE, true,
        io.sluice.segment.index.IndexSchema.defaultTimestampSpec());
    io.sluice.segment.index.IncrementalIndex index = new io.sluice.segment.index.IncrementalIndex(schema);
    RowParser csv = parser("{\"type\":\"tsv\",\"columns\":[\"ts\",\"tags\"],\"listDelimiter\":\"|\"}");
    RowParser json = parser("{\"type\":\"json\"}");
    List<JsonRowParser.Row> parsed = new java.util.ArrayList<>();
    parsed.addAll(rows(csv, "1000\tb|a||a\n1000\tsolo"));
    parsed.addAll(rows(json, "{\"ts\":1000,\"tags\":[\"a\",\"a\",\"\",\"b\"]}"));
    for (JsonRowParser.Row r : parsed) index.add(r.timestamp(), r.fields());
    List<io.sluice.segment.index.IncrementalIndex.Row> out = index.sort().rowList();
    assertEquals(2, out.size(), "the CSV list and the JSON array are one rollup key once sorted");
    assertEquals(Arrays.asList("", "a", "a", "b"), out.get(0).dimensions().get(0));
    assertEquals(2L, out.get(0).metrics().get(0));
    assertEquals("solo", out.get(1).dimensions().get(0));
  }

  @Test
  void jsonArraysOfScalarsAreMultiValueFieldsAndNestedArraysAreSkipped() throws Exception {
    RowParser p = parser("{\"type\":\"json\"}");
    List<JsonRowParser.Row> r = rows(p, "{\"ts\":1,\"tags\":[\"a\",null,\"\",2,1.5,true],\"empty\":[],"
        + "\"deep\":[\"x\",[\"y\"],{\"z\":1},\"w\"],\"objs\":[{\"a\":1}],\"after\":\"ok\"}");
    Map<String, Object> f = r.get(0).fields();
    assertEquals(List.of("ts", "tags", "empty", "after"), List.copyOf(f.keySet()));
    assertEquals(java.util.Arrays.asList("a", null, "", 2L, 1.5, true), f.get("tags"));
    assertEquals(List.of(), f.get("empty"));
    assertEquals("ok", f.get("after"));
  }

  @Test
  void plainJsonDiscoversTopLevelScalarsAndDropsNullsByDefault() throws Exception {
    RowParser p = parser("{\"type\":\"json\"}");
    List<JsonRowParser.Row> r = rows(p, "{\"ts\":1000,\"a\":\"x\",\"n\":null,\"o\":{\"b\":1},\"l\":[1,2],\"d\":1.5,"
        + "\"big\":123456789012345678901234567890,\"t\":true}");
    assertEquals(1, r.size());
    assertEquals(1000L, r.get(0).timestamp());
    assertEquals(List.of("ts", "a", "l", "d", "big", "t"), List.copyOf(r.get(0).fields().keySet()));
    assertEquals(List.of(1L, 2L), r.get(0).fields().get("l"));
    assertEquals(1.5, r.get(0).fields().get("d"));
    assertEquals(1.2345678901234568E29, r.get(0).fields().get("big"));
    RowParser keep = parser("{\"type\":\"json\",\"keepNullColumns\":true}");
    assertTrue(rows(keep, "{\"ts\":1,\"n\":null}").get(0).fields().containsKey("n"));
  }

  @Test
  void severalJsonObjectsInOneRecordAreSeveralRows() throws Exception {
    RowParser p = parser("{\"type\":\"json\"}");
    List<JsonRowParser.Row> r = rows(p, "{\"ts\":1,\"a\":\"x\"}\n{\"ts\":2,\"a\":\"y\"} {\"ts\":3}");
    assertEquals(List.of(1L, 2L, 3L), r.stream().map(JsonRowParser.Row::timestamp).toList());
    assertEquals("y", r.get(1).fields().get("a"));
    // one bad object spoils the record, as in Druid
    assertThrows(ParseException.class, () -> rows(p, "{\"ts\":1}{\"ts\":2"));
    assertThrows(ParseException.class, () -> rows(p, "{\"ts\":1}[1]"));
    assertThrows(ParseException.class, () -> rows(p, "{\"ts\":1}{\"a\":1}")); // second has no timestamp
    assertThrows(ParseException.class, () -> rows(p, "   "));
  }

  @Test
  void featureSpecTurnsOnJacksonFeatures() throws Exception {
    String lenient = "{'ts':1, /* c */ host:'h', n: 007}";
    assertThrows(ParseException.class, () -> rows(parser("{\"type\":\"json\"}"), lenient));
    RowParser p = parser("{\"type\":\"json\",\"featureSpec\":{\"ALLOW_COMMENTS\":true,\"ALLOW_SINGLE_QUOTES\":true,"
        + "\"ALLOW_UNQUOTED_FIELD_NAMES\":true,\"ALLOW_NUMERIC_LEADING_ZEROS\":true}}");
    assertEquals(map("ts", 1L, "host", "h", "n", 7L), rows(p, lenient).get(0).fields());
  }

  @Test
  void flattenSpecPathsAndRootFields() throws Exception {
    RowParser p = parser("{\"type\":\"json\",\"flattenSpec\":{\"fields\":["
        + "{\"type\":\"root\",\"name\":\"server\",\"expr\":\"host\"},"
        + "{\"type\":\"path\",\"name\":\"region\",\"expr\":\"$.geo.region\"},"
        + "{\"type\":\"path\",\"name\":\"first\",\"expr\":\"$.tags[0]\"},"
        + "{\"type\":\"path\",\"name\":\"spaced\",\"expr\":\"$['odd key']['x.y']\"},"
        + "{\"type\":\"path\",\"name\":\"tags\",\"expr\":\"$.tags\"},"
        + "{\"type\":\"path\",\"name\":\"geo\",\"expr\":\"$.geo\"},"
        + "{\"type\":\"path\",\"name\":\"absent\",\"expr\":\"$.geo.nothing[3]\"},"
        + "{\"type\":\"path\",\"name\":\"a\",\"expr\":\"$.deep.a\"}]}}");
    String record = "{\"ts\":\"1970-01-01T00:00:01Z\",\"host\":\"h1\",\"a\":\"root a\",\"geo\":{\"region\":\"eu\","
        + "\"n\":2},\"tags\":[\"t0\",\"t1\"],\"odd key\":{\"x.y\":3.5},\"deep\":{\"a\":\"deep a\"}}";
    JsonRowParser.Row r = rows(p, record).get(0);
    assertEquals(1000L, r.timestamp());
    assertEquals(map("ts", "1970-01-01T00:00:01Z", "host", "h1", "a", "deep a", "server", "h1", "region", "eu",
        "first", "t0", "spaced", 3.5, "tags", List.of("t0", "t1"), "geo", map("region", "eu", "n", 2L)),
        r.fields());

    RowParser noDiscovery = parser("{\"type\":\"json\",\"flattenSpec\":{\"useFieldDiscovery\":false,\"fields\":["
        + "{\"type\":\"root\",\"name\":\"ts\"},{\"type\":\"path\",\"name\":\"r\",\"expr\":\"$.geo.region\"}]}}");
    assertEquals(map("ts", "1970-01-01T00:00:01Z", "r", "eu"), rows(noDiscovery, record).get(0).fields());
    // the timestamp can come from a path
    RowParser tsFromPath = RowParsers.create(format("{\"type\":\"json\",\"flattenSpec\":{\"fields\":["
        + "{\"type\":\"path\",\"name\":\"t\",\"expr\":\"$.meta.time\"}]}}"), "t", "millis", null);
    assertEquals(42L, rows(tsFromPath, "{\"meta\":{\"time\":42}}").get(0).timestamp());
    assertThrows(ParseException.class, () -> rows(tsFromPath, "{\"meta\":{}}"));
  }

  @Test
  void rootDiscoveryKeepsFlatListsAndSchemaDiscoveryMarksNestedValues() throws Exception {
    String record = "{\"ts\":1,\"tags\":[\"a\",\"b\"],\"geo\":{\"r\":\"eu\"},\"pairs\":[[1,2]],\"x\":\"y\"}";
    String flatten = "{\"type\":\"json\",\"flattenSpec\":{\"fields\":["
        + "{\"type\":\"path\",\"name\":\"region\",\"expr\":\"$.geo.r\"}]}}";
    for (String format : List.of("{\"type\":\"json\"}", flatten)) {
      // Druid's root discovery: scalars and lists of scalars; objects and lists of containers are left out
      Map<String, Object> plain = rows(parser(format), record).get(0).fields();
      assertEquals(List.of("a", "b"), plain.get("tags"), format);
      assertTrue(!plain.containsKey("geo") && !plain.containsKey("pairs"), format + " " + plain);
      // with schema discovery they are marked, so the ingester can report them
      Map<String, Object> marked = RowParsers.create(format(format), "ts", "auto", null, true)
          .parse(record.getBytes(StandardCharsets.UTF_8)).get(0).fields();
      // ... but an object a flatten field reads from was extracted on purpose: not marked
      assertEquals(!format.equals(flatten), JsonRowParser.isNestedMarker(marked.get("geo")), format + " " + marked);
      assertTrue(JsonRowParser.isNestedMarker(marked.get("pairs")), format + " " + marked);
      assertEquals(List.of("a", "b"), marked.get("tags"), format);
      assertEquals("y", marked.get("x"), format);
    }
    Map<String, Object> flattened = RowParsers.create(format(flatten), "ts", "auto", null, true)
        .parse(record.getBytes(StandardCharsets.UTF_8)).get(0).fields();
    assertEquals("eu", flattened.get("region"));
  }

  @Test
  void jsonPathSubset() {
    JsonPath.compile("$");
    JsonPath.compile("$.a.b-c_d$e[12]['x y'][\"z\"]['it\\'s']");
    assertEquals(List.of("a", 0, "b c", "it's"), JsonPath.compile("$.a[0]['b c']['it\\'s']").steps());
    for (String bad : List.of("", "a.b", "$..a", "$.a.*", "$.a[*]", "$.a[-1]", "$.a[0:2]", "$.a[?(@.b)]",
        "$.a['b','c']", "$.a[0,1]", "$.a['b", "$.a[", "$.", "$.length()", "$ .a", "$.a[99999999999]", "@.a")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonPath.compile(bad), bad);
      assertFalse(e.getMessage().isBlank());
    }
  }

  // ---- csv, tsv, delimited

  @Test
  void csvQuotingPerRfc4180() throws Exception {
    RowParser p = parser("{\"type\":\"csv\",\"columns\":[\"ts\",\"a\",\"b\"]}");
    List<JsonRowParser.Row> r = rows(p, "1,\"x, \"\"quoted\"\"\",\"two\nlines\"\r\n2,plain,\"\"\n3,a\"b,c");
    assertEquals(3, r.size());
    assertEquals(map("ts", "1", "a", "x, \"quoted\"", "b", "two\nlines"), r.get(0).fields());
    assertEquals(map("ts", "2", "a", "plain", "b", ""), r.get(1).fields());
    assertEquals(map("ts", "3", "a", "a\"b", "b", "c"), r.get(2).fields());
    assertEquals(3L, r.get(2).timestamp());
    assertThrows(ParseException.class, () -> rows(p, "1,\"unterminated"));
    assertThrows(ParseException.class, () -> rows(p, "1,\"a\"b,c"));
  }

  @Test
  void csvMissingAndExtraColumnsBlankLinesAndLineEndings() throws Exception {
    RowParser p = parser("{\"type\":\"csv\",\"columns\":[\"ts\",\"a\",\"b\"]}");
    List<JsonRowParser.Row> r = rows(p, "1,x\r\n\r\n2,y,z,extra\r3,,\n");
    assertEquals(3, r.size());
    assertEquals(map("ts", "1", "a", "x"), r.get(0).fields());
    assertEquals(map("ts", "2", "a", "y", "b", "z"), r.get(1).fields());
    assertEquals(map("ts", "3", "a", "", "b", ""), r.get(2).fields());
    assertEquals(List.of(), rows(p, "\n\n"));
    ParseException e = assertThrows(ParseException.class, () -> rows(p, "1,x\n,no timestamp"));
    assertTrue(e.getMessage().startsWith("line 2"), e.getMessage());
  }

  @Test
  void headerRowsAreSkippedInEachRecord() throws Exception {
    RowParser p = parser("{\"type\":\"csv\",\"columns\":[\"ts\",\"a\"],\"skipHeaderRows\":1}");
    assertEquals(List.of(), rows(p, "ts,a"));
    List<JsonRowParser.Row> r = rows(p, "ts,a\n5,x\n6,y");
    assertEquals(List.of(5L, 6L), r.stream().map(JsonRowParser.Row::timestamp).toList());
    assertEquals(1, rows(p, "ts,a\n7,z").size()); // every record has its own header
  }

  @Test
  void listDelimiterMakesMultiValues() throws Exception {
    RowParser p = parser("{\"type\":\"csv\",\"columns\":[\"ts\",\"tags\"],\"listDelimiter\":\"|\"}");
    assertEquals(List.of("a", "b", ""), rows(p, "1,a|b|").get(0).fields().get("tags"));
    assertEquals("a", rows(p, "1,a").get(0).fields().get("tags"));
    RowParser ctrlA = parser("{\"type\":\"tsv\",\"columns\":[\"ts\",\"tags\"]}");
    assertEquals(List.of("a", "b"), rows(ctrlA, "1\ta\u0001b").get(0).fields().get("tags"));
    String tooMany = "1,\"" + "|".repeat(DelimitedRows.MAX_LIST_VALUES) + "\"";
    assertThrows(ParseException.class, () -> rows(p, tooMany));
  }

  @Test
  void tsvAndDelimitedSplitWithoutQuoting() throws Exception {
    RowParser tsv = parser("{\"type\":\"tsv\",\"columns\":[\"ts\",\"a\",\"b\"]}");
    assertEquals(map("ts", "1", "a", "\"x,y\"", "b", ""), rows(tsv, "1\t\"x,y\"\t\n").get(0).fields());
    RowParser multi = parser("{\"type\":\"delimited\",\"columns\":[\"ts\",\"a\",\"b\"],\"delimiter\":\"::\"}");
    List<JsonRowParser.Row> r = rows(multi, "1::a:b::c\n2:::x\n3");
    assertEquals(map("ts", "1", "a", "a:b", "b", "c"), r.get(0).fields());
    assertEquals(map("ts", "2", "a", ":x"), r.get(1).fields());
    assertEquals(map("ts", "3"), r.get(2).fields());
  }

  @Test
  void utf8TextAndInvalidUtf8() throws Exception {
    RowParser p = parser("{\"type\":\"csv\",\"columns\":[\"ts\",\"city\"]}");
    assertEquals("Zürich 東京", rows(p, "1,Zürich 東京").get(0).fields().get("city"));
    byte[] bad = {'1', ',', (byte) 0xc3, (byte) 0x28};
    assertThrows(ParseException.class, () -> p.parse(bad));
  }

  @Test
  void sampleFilesFromResources() throws Exception {
    RowParser csv = RowParsers.create(format("{\"type\":\"csv\",\"skipHeaderRows\":1,"
        + "\"columns\":[\"timestamp\",\"host\",\"service\",\"value\"]}"), "timestamp", "iso", null);
    List<JsonRowParser.Row> r = csv.parse(resource("metrics.csv"));
    assertEquals(3, r.size());
    assertEquals("web, frontend", r.get(1).fields().get("service"));
    assertEquals(1795237200000L, r.get(0).timestamp());
    RowParser flat = RowParsers.create(format(new String(resource("flatten-input-format.json"),
        StandardCharsets.UTF_8)), "timestamp", "auto", null);
    JsonRowParser.Row row = flat.parse(resource("nested-event.json")).get(0);
    assertEquals("eu-west-1", row.fields().get("region"));
    assertEquals(404L, row.fields().get("status"));
    assertNull(row.fields().get("http"));
  }

  @Test
  void timestampFastPathAgreesWithJavaTime() throws Exception {
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 20_000; i++) {
      long millis = random.nextLong() % 8_000_000_000_000L + (random.nextBoolean() ? 0 : 253_402_300_799_000L / 2);
      String s = java.time.Instant.ofEpochMilli(Math.floorMod(millis, 253_402_300_799_000L)).toString();
      if (i % 3 == 0) {
        s = java.time.OffsetDateTime.ofInstant(java.time.Instant.parse(s),
            java.time.ZoneOffset.ofHoursMinutes(random.nextInt(27) - 13, 0)).toString();
      }
      long expected = java.time.OffsetDateTime.parse(s).toInstant().toEpochMilli();
      assertEquals(expected, TimestampParser.iso(s), s);
    }
    for (String odd : List.of("2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z",
        "2026-01-01T00:00:60Z", "2026-01-01T00:00:00+19:00", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00")) {
      Long slow;
      try {
        slow = TimestampParser.iso(odd);
      } catch (ParseException e) {
        slow = null;
      }
      long fast = TimestampParser.fastIso(odd);
      if (fast != Long.MIN_VALUE) assertEquals(slow, fast, odd); // the fast path never accepts what java.time refuses
    }
    assertEquals(1_000L, TimestampParser.iso("1970-01-01T00:00:01.000000999Z"));
    assertEquals(-1L, TimestampParser.iso("1969-12-31T23:59:59.999Z"));
  }

  @Test
  void everyRowsValuesAreIndependent() throws Exception {
    RowParser p = parser("{\"type\":\"csv\",\"columns\":[\"ts\",\"a\"]}");
    List<JsonRowParser.Row> first = rows(p, "1,x");
    rows(p, "2,y");
    assertEquals("x", first.get(0).fields().get("a"));
    assertEquals(Arrays.asList("ts", "a"), List.copyOf(first.get(0).fields().keySet()));
  }
}
