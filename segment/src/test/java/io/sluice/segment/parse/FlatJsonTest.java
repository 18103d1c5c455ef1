package io.sluice.segment.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast path must agree with Jackson on everything it accepts, and leave everything else to Jackson. */
class FlatJsonTest {
  /** The Jackson path alone: a copied factory turns the fast path off. */
  static final JsonRows JACKSON_KEEP = new JsonRows(JsonRowParser.FACTORY.copy(), new TimestampParser("auto"), "ts",
      0L, true);
  static final JsonRows JACKSON_DROP = new JsonRows(JsonRowParser.FACTORY.copy(), new TimestampParser("auto"), "ts",
      0L, false);
  static final JsonRows FAST_DROP = new JsonRows(JsonRowParser.FACTORY, new TimestampParser("auto"), "ts", 0L, false);
  static final JsonRowParser LEGACY = new JsonRowParser("ts", "auto", 0L);

  static final String[] VALUES = {"\"x\"", "\"\"", "\"a b\\\"c\"", "\"\u00e9\"", "0", "-0", "7", "-12", "01",
      "123456789012345678", "1234567890123456789", "99999999999999999999", "1.5", "-0.0", "1e3", "1E-3", "2.5e+10",
      "1.", ".5", "1e", "true", "false", "null", "tru", "nul", "[1]", "{\"a\":1}", "\"\\u0041\"",
      "1.7976931348623157E309",
      "0.1000000000000000055511151231257827", "\"2026-11-21T05:00:00.123Z\""};
  static final String[] NAMES = {"ts", "a", "host", "b", "a", "x y", "\u00e9", "esc\\n", ""};

  static String randomRecord(Random r) {
    StringBuilder sb = new StringBuilder(r.nextInt(4) == 0 ? " {" : "{");
    int fields = r.nextInt(6);
    for (int i = 0; i < fields; i++) {
      if (i > 0) sb.append(r.nextInt(8) == 0 ? " , " : ",");
      sb.append('"').append(NAMES[r.nextInt(NAMES.length)]).append('"').append(r.nextInt(8) == 0 ? " : " : ":");
      sb.append(VALUES[r.nextInt(VALUES.length)]);
    }
    sb.append(r.nextInt(8) == 0 ? "}\n" : "}");
    if (r.nextInt(10) == 0) sb.append(r.nextBoolean() ? "{\"ts\":5}" : "x");
    return sb.toString();
  }

  static Object outcome(RowParser p, byte[] b) {
    try {
      List<Object> out = new ArrayList<>();
      for (JsonRowParser.Row row : p.parse(b)) {
        out.add(row.timestamp());
        out.add(new ArrayList<>(row.fields().entrySet()));
        for (Object v : row.fields().values()) out.add(v == null ? null : v.getClass());
      }
      return out;
    } catch (ParseException e) {
      return "ParseException";
    }
  }

  @Test
  void agreesWithJacksonOnRandomFlatRecords() {
    Random r = new Random(11);
    int fast = 0;
    for (int i = 0; i < 50_000; i++) {
      String s = randomRecord(r);
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      if (r.nextInt(5) == 0 && b.length > 1) b[r.nextInt(b.length)] = (byte) "{}\",:. 0e-\\".charAt(r.nextInt(11));
      if (r.nextInt(7) == 0) b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
      String shown = java.util.Arrays.toString(b);
      assertEquals(outcome(JACKSON_DROP, b), outcome(FAST_DROP, b), shown);
      Object legacy;
      try {
        JsonRowParser.Row row = LEGACY.parse(b);
        legacy = outcome(rec -> List.of(row), b);
      } catch (ParseException e) {
        legacy = "ParseException";
      }
      Object jackson;
      try {
        List<JsonRowParser.Row> rows = JACKSON_KEEP.parse(b);
        jackson = rows.size() == 1 ? outcome(rec -> rows, b) : "ParseException"; // legacy: one object only
      } catch (ParseException e) {
        jackson = "ParseException";
      }
      assertEquals(jackson, legacy, shown);
      if (new FlatJson().read(b, 0, new LinkedHashMap<>(), false) == b.length) fast++;
    }
    assertTrue(fast > 5_000, "the fast path took " + fast + " records"); // it is exercised, not always bypassed
  }

  @Test
  void fallsBackOnWhatItDoesNotHandle() {
    FlatJson f = new FlatJson();
    for (String s : List.of("{\"a\":[1]}", "{\"a\":\"\\n\"}", "{\"\u00e9\":1}", "{\"a\":1,}", "{\"a\":01}", "[]",
        "{\"a\":1} x", "{\"a\":12345678901234567890}", "\ufeff{}", "{'a':1}")) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      assertTrue(f.read(b, 0, new LinkedHashMap<>(), true) != b.length, s);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    byte[] b = "{ \"ts\" : 1 , \"v\":-2.5e1,\"n\":null,\"ok\":false }\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(b.length, f.read(b, 0, m, true));
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("ts", 1L);
    expected.put("v", -25.0);
    expected.put("n", null);
    expected.put("ok", false);
    assertEquals(expected, m);
  }
}
