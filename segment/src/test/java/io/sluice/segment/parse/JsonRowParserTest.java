package io.sluice.segment.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonRowParserTest {
  final JsonRowParser auto = new JsonRowParser("timestamp", "auto", null);

  JsonRowParser.Row parse(JsonRowParser p, String json) throws ParseException {
    return p.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsTopLevelFieldsInOrderAndTheTimestamp() throws ParseException {
    JsonRowParser.Row r = parse(auto,
        "{\"timestamp\":\"2026-11-21T05:00:00.123Z\",\"host\":\"h1\",\"value\":1.5,\"n\":3,\"ok\":true,"
            + "\"nested\":{\"a\":[1,2]},\"missing\":null}");
    assertEquals(1795237200123L, r.timestamp());
    assertEquals(List.of("timestamp", "host", "value", "n", "ok", "missing"), List.copyOf(r.fields().keySet()));
    assertEquals(1.5, r.fields().get("value"));
    assertEquals(3L, r.fields().get("n"));
  }

  @Test
  void timestampFormats() throws ParseException {
    assertEquals(1000L, parse(auto, "{\"timestamp\":1000}").timestamp());
    assertEquals(1000L, parse(auto, "{\"timestamp\":\"1000\"}").timestamp());
    assertEquals(86_400_000L, parse(auto, "{\"timestamp\":\"1970-01-02\"}").timestamp());
    assertEquals(3_600_000L, parse(auto, "{\"timestamp\":\"1970-01-01T02:00:00+01:00\"}").timestamp());
    assertEquals(5000L, parse(new JsonRowParser("t", "posix", null), "{\"t\":5}").timestamp());
    assertEquals(5L, parse(new JsonRowParser("t", "micro", null), "{\"t\":5000}").timestamp());
    assertEquals(5L, parse(new JsonRowParser("t", "nano", null), "{\"t\":5000000}").timestamp());
    assertEquals(7L, parse(new JsonRowParser("t", "auto", 7L), "{\"x\":1}").timestamp());
  }

  @Test
  void badRecordsAreClassifiedNotThrownAsRuntimeErrors() {
    for (String bad : List.of("", "not json", "[1,2]", "{\"timestamp\":1", "{\"timestamp\":1} trailing",
        "{\"host\":\"no timestamp\"}", "{\"timestamp\":\"yesterday\"}", "\"just a string\"")) {
      ParseException e = assertThrows(ParseException.class, () -> parse(auto, bad), bad);
      assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), bad);
    }
  }

  @Test
  void arbitraryBytesNeverEscapeAsAnythingButParseException() {
    Random random = new Random(1);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[random.nextInt(64)];
      random.nextBytes(b);
      if (i % 3 == 0 && b.length > 0) b[0] = '{';
      try {
        auto.parse(b);
      } catch (ParseException expected) {
        // classified
      }
    }
    StringBuilder deep = new StringBuilder("{\"timestamp\":1,\"a\":");
    deep.append("[".repeat(100_000));
    assertThrows(ParseException.class, () -> parse(auto, deep.toString()));
  }
}
