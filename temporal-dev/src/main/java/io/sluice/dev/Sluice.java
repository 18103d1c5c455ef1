package io.sluice.dev;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.segment.spec.SpecException;
import io.sluice.segment.spec.SpecParser;
import io.sluice.segment.spec.SpecValidator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * {@code bin/sluice}: {@code demo} runs a real ingestion on the dev stack and stops it; {@code dev} starts the stack
 * and keeps it up until Ctrl-C; {@code stop} stops a stack left running; {@code validate} checks a spec offline;
 * {@code dump-segment} prints a segment from a path or S3 ({@link DumpSegment}); {@code bench} compares Sluice's
 * ingest rate with the raw consume rate ({@link Bench}).
 */
public final class Sluice {
  private static final String USAGE = String.join("\n",
      "usage: bin/sluice <command> [options]",
      "  demo [--events N] [--data-dir DIR]   start the dev stack, ingest N synthetic events (default 100000),",
      "                                       print progress until all are committed, then stop",
      "  dev  [--data-dir DIR]                start the dev stack and keep it up until Ctrl-C",
      "  stop [--data-dir DIR]                stop a dev stack left running",
      "  bench [--events N] [--data-dir DIR]  raw Kafka consume rate vs Sluice's end-to-end ingest rate",
      "                                       (no rollup, MINUTE rollup) on N events (default 5000000)",
      "  validate SPEC.json                   check a supervisor spec offline: print it normalized (exit 0)",
      "                                       or every error with its field path (exit 1)",
      "  dump-segment PATH|s3://bucket/key [--rows N]",
      "                                       print a segment (directory or index.zip): interval, rows, dimensions,",
      "                                       metrics, metadata.drd, columns with types and sizes, the first N rows",
      "                                       (default 10) as JSON lines; S3 settings: --s3-endpoint, --s3-access-key,",
      "                                       --s3-secret-key, --s3-region or SLUICE_S3_* (default: the dev stack)",
      "Data lives under ./var unless --data-dir says otherwise.");

  private Sluice() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
      out.println(USAGE);
      System.exit(args.length == 0 ? 2 : 0);
    }
    String command = args[0];
    if (command.equals("validate")) {
      if (args.length != 2) fail("usage: bin/sluice validate SPEC.json");
      System.exit(validate(Path.of(args[1]), out, System.err));
    }
    if (command.equals("dump-segment")) {
      System.exit(DumpSegment.run(Arrays.copyOfRange(args, 1, args.length), System.getenv(), out, System.err));
    }
    long events = command.equals("bench") ? 5_000_000 : 100_000;
    Path dataDir = Path.of("var");
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--events" -> {
          events = parsePositive(value, "--events");
          i++;
        }
        case "--data-dir" -> {
          if (value == null) fail("--data-dir needs a folder");
          dataDir = Path.of(value);
          i++;
        }
        default -> fail("unknown option '" + a + "'\n" + USAGE);
      }
    }
    dataDir = dataDir.toAbsolutePath();
    try {
      switch (command) {
        case "demo" -> System.exit(demo(dataDir.resolve("demo"), events, out));
        case "dev" -> dev(dataDir.resolve("dev"), out);
        case "bench" -> System.exit(Bench.run(dataDir.resolve("bench"), events, out));
        case "stop" -> {
          int n = DevStack.stopRecorded(dataDir.resolve("demo"), out) + DevStack.stopRecorded(dataDir.resolve("dev"),
              out) + DevStack.stopRecorded(dataDir.resolve("bench"), out);
          out.println(n == 0 ? "nothing was running under " + dataDir : "stopped " + n + " processes");
        }
        default -> fail("unknown command '" + command + "'\n" + USAGE);
      }
    } catch (IOException e) {
      System.err.println("sluice: " + e.getMessage());
      System.exit(1);
    }
  }

  private static long parsePositive(String value, String flag) {
    try {
      long n = Long.parseLong(value);
      if (n <= 0) fail(flag + " must be > 0");
      return n;
    } catch (NumberFormatException | NullPointerException e) {
      fail(flag + " needs a positive number, got '" + value + "'");
      return 0;
    }
  }

  private static void fail(String message) {
    System.err.println("sluice: " + message);
    System.exit(2);
  }

  static int demo(Path dataDir, long events, PrintStream out) throws Exception {
    deleteRecursively(dataDir); // demo data is throwaway; bin/sluice dev keeps its own
    out.println("Starting the dev stack under " + dataDir);
    try (DevStack stack = DevStack.start(DevStack.home(), dataDir, DevStack.Ports.defaults(), 1, out)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
      MetricEvents.createTopic(stack.kafkaBootstrap(), "metrics", 1);
      out.printf("Producing %,d metric events to topic 'metrics' (timestamps over the last 2 hours)%n", events);
      long now = System.currentTimeMillis();
      MetricEvents.produce(stack.kafkaBootstrap(), "metrics", events, now, Duration.ofHours(2).toMillis(), 42);
      SupervisorApi api = new SupervisorApi(stack.apiUrl());
      String spec = SupervisorApi.sampleSpec(null, "PT10S").toString();
      SupervisorApi.Answer submitted = api.submit(spec);
      out.println("POST " + stack.apiUrl() + "/druid/indexer/v1/supervisor -> " + submitted.status() + " "
          + submitted.body());
      if (submitted.status() != 200) return 1;
      return watch(api, "metrics-kafka", events, Duration.ofMinutes(10), out);
    }
  }

  /** Prints a progress line about once a second until {@code events} offsets are committed. */
  static int watch(SupervisorApi api, String id, long events, Duration timeout, PrintStream out) throws Exception {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      SupervisorApi.Answer a = api.status(id);
      if (a.status() == 200) {
        JsonNode p = a.json().get("payload");
        long committed = SupervisorApi.sum(p.get("committedOffsets"));
        long read = committed;
        long rows = p.get("committedEvents").asLong();
        List<JsonNode> tasks = new ArrayList<>();
        p.get("activeTasks").forEach(tasks::add);
        p.get("publishingTasks").forEach(tasks::add);
        for (JsonNode t : tasks) {
          read = Math.max(read, SupervisorApi.sum(t.get("currentOffsets")));
          if (t.has("rowStats")) rows += t.get("rowStats").get("processed").asLong();
        }
        out.printf("[%3ds] %-8s offsets read %,d / committed %,d of %,d  rows %,d  lag %,d  segments %d%n",
            (System.nanoTime() - start) / 1_000_000_000L, p.get("detailedState").asText(), read, committed, events,
            rows, p.get("aggregateLag").asLong(), p.get("publishedSegments").asLong());
        if (committed >= events) {
          out.printf("published %d segments covering %d events (dataSource %s)%n",
              p.get("publishedSegments").asLong(), p.get("committedEvents").asLong(), id);
          return 0;
        }
      } else {
        out.println("status: HTTP " + a.status() + " " + a.body());
      }
      Thread.sleep(1000);
    }
    out.println("timed out after " + timeout.toSeconds() + " s before every event was committed");
    return 1;
  }

  static void dev(Path dataDir, PrintStream out) throws Exception {
    out.println("Starting the dev stack under " + dataDir);
    DevStack stack = DevStack.start(DevStack.home(), dataDir, DevStack.Ports.defaults(), 1, out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("stopping the dev stack");
      stack.close();
      stopped.countDown();
    }));
    out.println("Sluice is up:");
    out.println("  API      " + stack.apiUrl() + "/druid/indexer/v1/supervisor");
    out.println("  Kafka    " + stack.kafkaBootstrap());
    out.println("  Temporal " + stack.temporalTarget() + " (namespace default)");
    out.println("  S3       " + stack.s3Endpoint() + " bucket " + DevStack.BUCKET + " (key " + DevStack.S3_ACCESS_KEY
        + ", secret " + DevStack.S3_SECRET_KEY + ")");
    out.println("Press Ctrl-C to stop.");
    stopped.await();
  }

  /** {@code bin/sluice validate}: no server needed. */
  static int validate(Path file, PrintStream out, PrintStream err) throws IOException {
    if (!Files.isRegularFile(file)) {
      err.println("sluice: no such file: " + file);
      return 2;
    }
    if (Files.size(file) > SpecParser.MAX_SPEC_BYTES) {
      err.println(file + ": spec is " + Files.size(file) + " bytes; the limit is " + SpecParser.MAX_SPEC_BYTES);
      return 1;
    }
    SpecValidator.Result r = SpecValidator.validate(Files.readAllBytes(file));
    if (r.valid()) {
      out.println(SupervisorApi.JSON.writerWithDefaultPrettyPrinter()
          .writeValueAsString(SupervisorApi.JSON.readTree(SpecParser.toJson(r.spec()))));
      return 0;
    }
    for (SpecException e : r.errors()) {
      err.println(file + ": " + (e.field() == null || e.field().isEmpty() ? "" : e.field() + ": ") + e.getMessage());
    }
    err.println(r.errors().size() + " error" + (r.errors().size() == 1 ? "" : "s"));
    return 1;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
    }
    for (Path p : paths) Files.deleteIfExists(p);
  }
}
