package io.sluice.segment.parse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.segment.spec.InputFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * Parse throughput on one thread, in rows per second, for plain JSON (the {@link JsonRowParser} API,
 * {@link RowParsers} with {@code {"type":"json"}}, and the same without the {@link FlatJson} fast path), JSON with a
 * flattenSpec, CSV and TSV. Records are about 200 bytes
 * (the demo's metric events plus a few fields), generated in memory. Each case warms up, then runs timed rounds and
 * reports the best round, and its ratio to a baseline measured in the same run: Jackson's
 * {@code ObjectMapper.readTree} of the same JSON bytes. Not a test: nothing here asserts on time. The cases share
 * one JVM, so a case can run a little slower after another has trained the JIT on shared code (CSV then TSV).
 *
 * <p>Run it offline from the repository root:
 *
 * <pre>
 * mvn -B -q -o -pl segment test-compile
 * J=~/.m2/repository/com/fasterxml/jackson/core
 * CP=segment/target/classes:segment/target/test-classes:$J/jackson-core/2.22.4/jackson-core-2.22.4.jar
 * CP=$CP:$J/jackson-databind/2.22.4/jackson-databind-2.22.4.jar
 * CP=$CP:$J/jackson-annotations/2.22/jackson-annotations-2.22.jar
 * java -cp $CP io.sluice.segment.parse.ParseBenchmark [seconds per case, default 3]
 * </pre>
 */
public final class ParseBenchmark {
  private static final int RECORDS = 1 << 14;

  private ParseBenchmark() {}

  interface Case {
    int run(byte[] record) throws Exception; // rows produced
  }

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    Random random = new Random(42);
    byte[][] json = new byte[RECORDS][];
    byte[][] nested = new byte[RECORDS][];
    byte[][] csv = new byte[RECORDS][];
    byte[][] tsv = new byte[RECORDS][];
    long t0 = Instant.parse("2026-11-21T00:00:00Z").toEpochMilli();
    long bytes = 0;
    for (int i = 0; i < RECORDS; i++) {
      String ts = Instant.ofEpochMilli(t0 + random.nextInt(7_200_000)).toString();
      String host = "host-" + random.nextInt(50);
      String service = "service-" + random.nextInt(10);
      String region = "region-" + random.nextInt(5);
      String path = "/api/v1/items/" + random.nextInt(1000);
      int status = random.nextInt(10) == 0 ? 500 : 200;
      long bytesSent = random.nextInt(1_000_000);
      double value = random.nextDouble() * 100;
      json[i] = ("{\"timestamp\":\"" + ts + "\",\"host\":\"" + host + "\",\"service\":\"" + service
          + "\",\"region\":\"" + region + "\",\"path\":\"" + path + "\",\"status\":" + status + ",\"bytes\":"
          + bytesSent + ",\"value\":" + value + ",\"ok\":" + (status == 200) + "}").getBytes(StandardCharsets.UTF_8);
      nested[i] = ("{\"timestamp\":\"" + ts + "\",\"host\":\"" + host + "\",\"service\":\"" + service
          + "\",\"geo\":{\"region\":\"" + region + "\"},\"http\":{\"path\":\"" + path + "\",\"status\":" + status
          + "},\"bytes\":" + bytesSent + ",\"value\":" + value + ",\"tags\":[\"a\",\"b\"]}")
          .getBytes(StandardCharsets.UTF_8);
      String line = ts + "," + host + "," + service + "," + region + "," + path + "," + status + "," + bytesSent
          + "," + value + "," + (status == 200);
      csv[i] = line.getBytes(StandardCharsets.UTF_8);
      tsv[i] = line.replace(',', '\t').getBytes(StandardCharsets.UTF_8);
      bytes += json[i].length;
    }
    System.out.printf("records: %d distinct, JSON %d bytes on average; %.1f s per case after warm-up%n",
        RECORDS, bytes / RECORDS, seconds);

    ObjectMapper mapper = new ObjectMapper();
    List<String> columns = List.of("timestamp", "host", "service", "region", "path", "status", "bytes", "value",
        "ok");
    JsonRowParser legacy = new JsonRowParser("timestamp", "auto", null);
    RowParser plain = RowParsers.create(format("{\"type\":\"json\"}"), "timestamp", "auto", null);
    RowParser jacksonOnly = new JsonRows(JsonRowParser.FACTORY.copy(), new TimestampParser("auto"), "timestamp", null,
        false); // a factory other than the default turns the fast path off
    RowParser flat = RowParsers.create(format("{\"type\":\"json\",\"flattenSpec\":{\"fields\":["
        + "{\"type\":\"path\",\"name\":\"region\",\"expr\":\"$.geo.region\"},"
        + "{\"type\":\"path\",\"name\":\"path\",\"expr\":\"$.http.path\"},"
        + "{\"type\":\"path\",\"name\":\"status\",\"expr\":\"$['http']['status']\"},"
        + "{\"type\":\"path\",\"name\":\"tag0\",\"expr\":\"$.tags[0]\"}]}}"), "timestamp", "auto", null);
    RowParser csvParser = RowParsers.create(
        new InputFormat("csv", null, null, null, columns, null, null, null, null), "timestamp", "auto", null);
    RowParser tsvParser = RowParsers.create(
        new InputFormat("tsv", null, null, null, columns, null, null, null, null), "timestamp", "auto", null);

    double baseline = measure("baseline: ObjectMapper.readTree (JSON)", json, r -> mapper.readTree(r).size() > 0
        ? 1 : 0, seconds, 0);
    measure("JsonRowParser.parse (plain JSON)", json, r -> legacy.parse(r).fields().size() > 0 ? 1 : 0, seconds,
        baseline);
    measure("RowParsers json (plain JSON)", json, r -> plain.parse(r).size(), seconds, baseline);
    measure("  same, Jackson streaming only (no FlatJson)", json, r -> jacksonOnly.parse(r).size(), seconds,
        baseline);
    measure("RowParsers json + flattenSpec (4 paths)", nested, r -> flat.parse(r).size(), seconds, baseline);
    measure("RowParsers csv", csv, r -> csvParser.parse(r).size(), seconds, baseline);
    measure("RowParsers tsv", tsv, r -> tsvParser.parse(r).size(), seconds, baseline);
  }

  private static InputFormat format(String json) throws Exception {
    return io.sluice.segment.spec.SpecParser.mapper().readValue(json, InputFormat.class);
  }

  private static double measure(String name, byte[][] records, Case c, double seconds, double baseline)
      throws Exception {
    long sink = 0;
    long warmUntil = System.nanoTime() + (long) (seconds * 1e9 / 2); // warm-up: half a case, discarded
    for (int i = 0; System.nanoTime() < warmUntil; i++) sink += c.run(records[i & (RECORDS - 1)]);
    double best = 0;
    int rounds = 5;
    for (int round = 0; round < rounds; round++) {
      long rows = 0;
      long start = System.nanoTime();
      long until = start + (long) (seconds * 1e9 / rounds);
      long now;
      int i = 0;
      do {
        for (int k = 0; k < 1024; k++, i++) rows += c.run(records[i & (RECORDS - 1)]);
        now = System.nanoTime();
      } while (now < until);
      best = Math.max(best, rows / ((now - start) / 1e9));
    }
    sink += (long) best;
    if (baseline == 0) {
      System.out.printf("%-45s %,12.0f rows/s%n", name, best);
    } else {
      System.out.printf("%-45s %,12.0f rows/s  %5.2fx baseline%n", name, best, best / baseline);
    }
    if (sink == 42) System.out.print(""); // keep the work observable
    return best;
  }
}
