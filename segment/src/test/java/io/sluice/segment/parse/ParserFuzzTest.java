package io.sluice.segment.parse;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.segment.spec.InputFormat;
import io.sluice.segment.spec.SpecParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Adversarial input for every parser: random bytes, truncations and mutations of valid records, deep nesting, huge
 * records and invalid UTF-8. The only acceptable outcomes are rows or a {@link ParseException}; the preemptive
 * timeout is a hang guard far above the expected time, not a performance assertion.
 */
class ParserFuzzTest {
  static Map<String, RowParser> parsers() throws IOException {
    Map<String, RowParser> m = new LinkedHashMap<>();
    List<String> formats = List.of(
        "{\"type\":\"json\"}",
        "{\"type\":\"json\",\"keepNullColumns\":true,\"featureSpec\":{\"ALLOW_COMMENTS\":true,"
            + "\"ALLOW_SINGLE_QUOTES\":true,\"ALLOW_UNQUOTED_FIELD_NAMES\":true,\"ALLOW_NON_NUMERIC_NUMBERS\":true}}",
        "{\"type\":\"json\",\"flattenSpec\":{\"fields\":[{\"type\":\"path\",\"name\":\"p\",\"expr\":\"$.a.b[0]\"},"
            + "{\"type\":\"root\",\"name\":\"r\",\"expr\":\"a\"}]}}",
        "{\"type\":\"csv\",\"columns\":[\"ts\",\"a\",\"b\"],\"skipHeaderRows\":1,\"listDelimiter\":\"|\"}",
        "{\"type\":\"csv\",\"columns\":[\"ts\",\"a\"]}",
        "{\"type\":\"tsv\",\"columns\":[\"ts\",\"a\",\"b\"]}",
        "{\"type\":\"delimited\",\"columns\":[\"ts\",\"a\"],\"delimiter\":\"||\",\"listDelimiter\":\",\"}");
    for (String f : formats) {
      InputFormat format = SpecParser.mapper().readValue(f, InputFormat.class);
      m.put(f, RowParsers.create(format, "ts", "auto", 0L));
    }
    JsonRowParser legacy = new JsonRowParser("ts", "auto", 0L);
    m.put("JsonRowParser", record -> List.of(legacy.parse(record)));
    return m;
  }

  static final List<String> SEEDS = List.of(
      "{\"ts\":\"2026-11-21T05:00:00.123Z\",\"a\":{\"b\":[1,\"x\",null]},\"s\":\"\\u00e9\\n\",\"n\":-1.5e300}",
      "{\"ts\":1}{\"ts\":2,\"a\":[[[]]]}",
      "ts,a,b\n1,\"q\"\"q\",x|y\r\n2,,\n",
      "1\ta\tb\n2\t\t\n",
      "1||a,b||c\n");

  static void feed(String name, RowParser p, byte[] record) {
    try {
      p.parse(record);
    } catch (ParseException expected) {
      // classified
    } catch (Throwable t) {
      fail(name + " threw " + t + " on " + Arrays.toString(Arrays.copyOf(record, Math.min(record.length, 64))), t);
    }
  }

  @Test
  void randomAndMutatedBytes() throws IOException {
    Map<String, RowParser> parsers = parsers();
    assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
      Random random = new Random(20261121);
      for (Map.Entry<String, RowParser> e : parsers.entrySet()) {
        for (int i = 0; i < 5_000; i++) {
          byte[] b = new byte[random.nextInt(80)];
          random.nextBytes(b);
          if (i % 3 == 0 && b.length > 0) b[0] = '{';
          feed(e.getKey(), e.getValue(), b);
        }
        for (String seed : SEEDS) {
          byte[] s = seed.getBytes(StandardCharsets.UTF_8);
          for (int cut = 0; cut <= s.length; cut++) feed(e.getKey(), e.getValue(), Arrays.copyOf(s, cut));
          for (int i = 0; i < 2_000; i++) {
            byte[] m = s.clone();
            int edits = 1 + random.nextInt(4);
            for (int k = 0; k < edits; k++) {
              int at = random.nextInt(m.length);
              m[at] = switch (random.nextInt(6)) {
                case 0 -> (byte) random.nextInt(256);
                case 1 -> '"';
                case 2 -> '\n';
                case 3 -> (byte) 0xff;
                case 4 -> (byte) "{}[],:\\".charAt(random.nextInt(7));
                default -> '\t';
              };
            }
            feed(e.getKey(), e.getValue(), m);
          }
        }
      }
    });
  }

  @Test
  void hostileShapes() throws IOException {
    Map<String, RowParser> parsers = parsers();
    List<byte[]> hostile = new ArrayList<>();
    hostile.add(new byte[0]);
    hostile.add(("{\"ts\":1,\"a\":" + "[".repeat(200_000)).getBytes(StandardCharsets.UTF_8));
    hostile.add(("{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000)).getBytes(StandardCharsets.UTF_8));
    hostile.add(("{\"ts\":1,\"a\":\"" + "x".repeat(5 << 20)).getBytes(StandardCharsets.UTF_8)); // unterminated
    hostile.add(("\"" + "x,".repeat(2 << 20)).getBytes(StandardCharsets.UTF_8)); // unterminated quote
    hostile.add(("1,".repeat(3 << 20)).getBytes(StandardCharsets.UTF_8)); // 6M columns, one line
    hostile.add("\n".repeat(5 << 20).getBytes(StandardCharsets.UTF_8)); // blank lines
    hostile.add("1\n".repeat(300_000).getBytes(StandardCharsets.UTF_8)); // more rows than a record may hold
    hostile.add("{}".repeat(300_000).getBytes(StandardCharsets.UTF_8));
    hostile.add(("{\"ts\":" + "9".repeat(100_000) + "}").getBytes(StandardCharsets.UTF_8));
    hostile.add(new byte[RowParsers.MAX_RECORD_BYTES + 1]); // over the size limit
    byte[] invalidUtf8 = "1,\u00e9,x\n".getBytes(StandardCharsets.UTF_8);
    invalidUtf8[3] = (byte) 0xff;
    hostile.add(invalidUtf8);
    hostile.add(new byte[] {'{', '"', 't', 's', '"', ':', '"', (byte) 0xc0, (byte) 0x80, '"', '}'});
    hostile.add(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'}); // BOM
    assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
      for (byte[] h : hostile) {
        for (Map.Entry<String, RowParser> e : parsers.entrySet()) feed(e.getKey(), e.getValue(), h);
      }
    });
    for (RowParser p : parsers.values()) {
      assertThrows(ParseException.class, () -> p.parse(new byte[RowParsers.MAX_RECORD_BYTES + 1]));
      assertThrows(ParseException.class, () -> p.parse(null));
    }
  }
}
