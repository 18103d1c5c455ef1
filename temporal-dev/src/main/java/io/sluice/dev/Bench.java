package io.sluice.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code bin/sluice bench [--events N]}: on one dev stack and one topic of N JSON metric events (about 184 bytes;
 * 5 string dimensions with cardinalities 1000, 20, 8, 5 and 50; a long and a double field) in one partition, it
 * measures
 * <ol>
 *   <li>the raw kafka-clients consume rate of the topic, no parsing (the physical limit), in this JVM;</li>
 *   <li>Sluice's end-to-end rate, from the first record read (the first task's start) to the last offset committed,
 *       with segments pushed to S3Proxy, without rollup and with MINUTE rollup, after a warm-up run; and events per
 *       CPU-second of the worker process (from {@code /proc/<pid>/stat}).</li>
 * </ol>
 * For the raw run and each measured Sluice run it also prints where the CPU went, in CPU-microseconds per event, per
 * process of the stack (and this JVM, which runs the raw consumer and polls the status), next to what the machine's
 * cores allow per event at half the raw rate: the budget the "50% of raw" target leaves.
 * It ends with {@code ratio sluice/raw = X.XX}: the no-rollup rate over the raw rate. Each run is its own
 * supervisor (dataSource) on the same topic, with {@code maxTotalRows} = N, so its task publishes as soon as it has
 * read every event (Druid's handoff at maxTotalRows) rather than when the status, polled every second, shows it has;
 * the handoff request stays as a fallback.
 */
final class Bench {
  private static final String TOPIC = "bench";
  private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

  private final DevStack stack;
  private final SupervisorApi api;
  private final PrintStream out;

  private Bench(DevStack stack, PrintStream out) {
    this.stack = stack;
    this.api = new SupervisorApi(stack.apiUrl());
    this.out = out;
  }

  static int run(Path dataDir, long events, PrintStream out) throws Exception {
    out.printf("bench: %,d events; starting the dev stack under %s%n", events, dataDir);
    Sluice.deleteRecursively(dataDir); // a fresh topic every run: bench data is throwaway, like the demo's
    try (DevStack stack = DevStack.start(DevStack.home(), dataDir, DevStack.Ports.free(), 1, out)) {
      Bench b = new Bench(stack, out);
      MetricEvents.createTopic(stack.kafkaBootstrap(), TOPIC, 1);
      long t = System.nanoTime();
      long bytes = produce(stack.kafkaBootstrap(), events);
      out.printf("produced %,d events (%.0f bytes each) in %.1f s%n", events, (double) bytes / events,
          (System.nanoTime() - t) / 1e9);

      b.raw(events, false); // warms the broker's page cache too
      double raw = b.raw(events, true);
      b.sluice("bench-warmup", events, false, false, raw);
      double none = b.sluice("bench-none", events, false, true, raw);
      b.sluice("bench-minute", events, true, true, raw);
      out.printf("ratio sluice/raw = %.2f%n", none / raw);
      return 0;
    }
  }

  /** N events of about 184 bytes, one partition, timestamps spread over the last hour. */
  static long produce(String bootstrap, long events) throws Exception {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024, ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    Random r = new Random(42);
    long end = System.currentTimeMillis();
    long bytes = 0;
    try (KafkaProducer<byte[], byte[]> p =
             new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (long i = 0; i < events; i++) {
        long ts = end - 3_600_000 + 3_600_000 * i / events;
        String json = "{\"timestamp\":\"" + Instant.ofEpochMilli(ts) + "\",\"page\":\"/page/" + r.nextInt(1000)
            + "\",\"country\":\"country-" + r.nextInt(20) + "\",\"device\":\"device-type-" + r.nextInt(8)
            + "\",\"browser\":\"browser-" + r.nextInt(5) + "\",\"user_segment\":\"segment-" + r.nextInt(50)
            + "\",\"bytes\":" + r.nextInt(100_000) + ",\"latency_ms\":" + (r.nextInt(400_000) / 100.0) + "}";
        byte[] value = json.getBytes(StandardCharsets.UTF_8);
        bytes += value.length;
        p.send(new ProducerRecord<>(TOPIC, 0, null, value));
      }
      p.flush();
    }
    return bytes;
  }

  /**
   * The raw consume rate: assign, seek to the start, poll until the end offset, no parsing. With {@code report} it
   * also prints the CPU each process spent per event, against the budget at half the rate.
   */
  private double raw(long events, boolean report) throws IOException {
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000,
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024,
        ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
    TopicPartition tp = new TopicPartition(TOPIC, 0);
    try (KafkaConsumer<byte[], byte[]> c =
             new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long endOffset = c.endOffsets(List.of(tp)).get(tp);
      Map<String, Long> cpuBefore = cpuTicks();
      long n = 0;
      long first = 0;
      while (c.position(tp) < endOffset) {
        ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
        if (first == 0 && !records.isEmpty()) first = System.nanoTime();
        n += records.count();
      }
      double seconds = (System.nanoTime() - first) / 1e9;
      Map<String, Long> cpuAfter = cpuTicks();
      double rate = n / seconds;
      out.printf("raw consume: %,d events in %.2f s = %,.0f events/s%n", n, seconds, rate);
      if (n != events) throw new IllegalStateException("read " + n + " events, expected " + events);
      if (report) printCpu("raw consume", cpuBefore, cpuAfter, n, rate);
      return rate;
    }
  }

  /** One Sluice run; returns events per second. */
  private double sluice(String dataSource, long events, boolean minuteRollup, boolean report, double raw)
      throws Exception {
    ObjectNode spec = benchSpec(dataSource, minuteRollup, events);
    Map<String, Long> cpuBefore = cpuTicks();
    SupervisorApi.Answer a = api.submit(spec.toString());
    if (a.status() != 200) throw new IOException("submit refused: " + a.body());
    long firstTaskStart = 0;
    boolean handoffAsked = false;
    long deadline = System.currentTimeMillis() + Math.max(600_000, events / 10);
    while (true) {
      if (System.currentTimeMillis() > deadline) throw new IOException("bench run " + dataSource + " timed out");
      JsonNode p = api.status(dataSource).json().path("payload");
      boolean firstSeenNow = firstTaskStart == 0;
      if (firstTaskStart == 0) {
        for (String list : List.of("activeTasks", "publishingTasks")) {
          for (JsonNode t : p.path(list)) {
            long start = Instant.parse(t.path("startTime").asText()).toEpochMilli();
            firstTaskStart = firstTaskStart == 0 ? start : Math.min(firstTaskStart, start);
          }
        }
      }
      long committed = SupervisorApi.sum(p.path("committedOffsets"));
      if (committed >= events) {
        // seen first on the poll that finds the run done, the start would be a task chained after the first one's
        if (firstSeenNow) throw new IOException("bench run " + dataSource + " ended within one status poll ("
            + STATUS_POLL_MILLIS + " ms); its start is unknown: use more --events");
        break;
      }
      long read = committed;
      for (JsonNode t : p.path("activeTasks")) read = Math.max(read, SupervisorApi.sum(t.path("currentOffsets")));
      if (!handoffAsked && read >= events) { // everything read: publish now instead of at taskDuration
        api.post(dataSource, "taskGroups/handoff", "{\"taskGroupIds\":[0]}");
        handoffAsked = true;
      }
      Thread.sleep(STATUS_POLL_MILLIS);
    }
    if (firstTaskStart == 0) throw new IOException("bench run " + dataSource + ": no task seen in the status");
    Map<String, Long> cpuAfter = cpuTicks();
    double cpuSeconds = (cpuAfter.get(WORKER) - cpuBefore.get(WORKER)) / (double) CLOCK_TICKS_PER_SECOND;
    long done = lastCommitMillis(dataSource, events);
    double seconds = (done - firstTaskStart) / 1000.0;
    double rate = events / seconds;
    JsonNode p = api.status(dataSource).json().path("payload");
    if (report) {
      out.printf("sluice %s: %,d events in %.2f s = %,.0f events/s, %,.0f events per worker CPU-second, "
              + "%d segments%n", minuteRollup ? "(MINUTE rollup)" : "(no rollup)", events, seconds, rate,
          events / cpuSeconds, p.path("publishedSegments").asLong());
      printCpu("sluice " + (minuteRollup ? "(MINUTE rollup)" : "(no rollup)"), cpuBefore, cpuAfter, events, raw);
    } else {
      out.printf("warm-up: %,d events in %.2f s%n", events, seconds);
    }
    api.terminate(dataSource);
    return rate;
  }

  private ObjectNode benchSpec(String dataSource, boolean minuteRollup, long events) throws IOException {
    String json = """
        {"type":"kafka",
         "dataSchema":{"dataSource":"%s",
           "timestampSpec":{"column":"timestamp","format":"iso"},
           "dimensionsSpec":{"dimensions":["page","country","device","browser","user_segment"]},
           "metricsSpec":[{"type":"count","name":"count"},
             {"type":"longSum","name":"bytes_sum","fieldName":"bytes"},
             {"type":"doubleSum","name":"latency_sum","fieldName":"latency_ms"},
             {"type":"doubleMin","name":"latency_min","fieldName":"latency_ms"},
             {"type":"doubleMax","name":"latency_max","fieldName":"latency_ms"}],
           "granularitySpec":{"segmentGranularity":"HOUR","queryGranularity":"%s","rollup":%s}},
         "ioConfig":{"topic":"%s","inputFormat":{"type":"json"},
           "consumerProperties":{"bootstrap.servers":"%s"},
           "useEarliestOffset":true,"taskDuration":"PT1H","startDelay":"PT0S","period":"PT5S"},
         "tuningConfig":{"type":"kafka","maxRowsInMemory":2000000,"maxTotalRows":%d}}""".formatted(dataSource,
        minuteRollup ? "MINUTE" : "NONE", minuteRollup, TOPIC, stack.kafkaBootstrap(), events);
    return (ObjectNode) SupervisorApi.JSON.readTree(json);
  }

  /**
   * How often a run's status is polled. Its end is the last commit record's time, not when a poll sees it, so the
   * polling can be slow: on a freshly started dev stack a status call cost the API, Temporal, the worker (a query)
   * and S3Proxy 50–90 ms of CPU altogether, much of it the API's JIT warming up; with polling every 100 ms the
   * API and Temporal spent 0.80 CPU-µs per event of a 5 M-event run, and 0.33–0.45 with polling every second,
   * where two cores allow 1.1–1.6 per event in all at half the raw rate.
   */
  private static final long STATUS_POLL_MILLIS = 1_000;

  /**
   * When the record that committed the last of {@code events} offsets was written (the worker's clock, this
   * machine's). The launcher's classpath has no Sluice module but the segment engine, so this reads the commit log
   * with MinIO's client, at its key layout ({@code CatalogLayout}: {@code <baseKey>/_sluice/commits/<dataSource>/},
   * one record per zero-padded sequence number).
   */
  private long lastCommitMillis(String dataSource, long events) throws Exception {
    String prefix = DevStack.BASE_KEY + "/_sluice/commits/" + dataSource + "/";
    try (io.minio.MinioClient s3 = io.minio.MinioClient.builder().endpoint(stack.s3Endpoint())
        .credentials(DevStack.S3_ACCESS_KEY, DevStack.S3_SECRET_KEY).region("us-east-1").build()) {
      String last = null;
      for (io.minio.Result<io.minio.messages.Item> r : s3.listObjects(io.minio.ListObjectsArgs.builder()
          .bucket(DevStack.BUCKET).prefix(prefix).build())) {
        String key = r.get().objectName();
        String name = key.substring(key.lastIndexOf('/') + 1);
        boolean record = name.matches("[0-9]{19}\\.json"); // as CatalogLayout.commitKey names them
        if (record && (last == null || key.compareTo(last) > 0)) last = key;
      }
      if (last == null) throw new IOException("no commit record under " + prefix);
      JsonNode record;
      try (java.io.InputStream in = s3.getObject(io.minio.GetObjectArgs.builder().bucket(DevStack.BUCKET)
          .object(last).build())) {
        record = SupervisorApi.JSON.readTree(in);
      }
      long committed = 0;
      for (JsonNode o : record.path("partitionOffsets")) committed += o.asLong();
      if (committed < events) throw new IOException(last + " covers " + committed + " offsets, not " + events);
      return record.path("committedAtMillis").asLong();
    }
  }

  /** The worker's name in {@link #cpuTicks}. */
  private static final String WORKER = "worker-1";
  /** This JVM's name in {@link #cpuTicks}: the raw consumer, and the status polling of a Sluice run. */
  private static final String BENCH = "bench";

  /** User plus system CPU time of each process of the stack, and of this JVM, in clock ticks, in start order. */
  private Map<String, Long> cpuTicks() throws IOException {
    Map<String, Long> ticks = new java.util.LinkedHashMap<>();
    for (DevStack.Service s : stack.services()) {
      ticks.put(s.name(), cpuTicks(s.pid()));
    }
    ticks.put(BENCH, cpuTicks(ProcessHandle.current().pid()));
    if (!ticks.containsKey(WORKER)) throw new IOException("no process " + WORKER + " in the stack");
    return ticks;
  }

  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15 of stat)
  }

  /**
   * One line: CPU-microseconds per event each process spent between {@code before} and {@code after}, their total,
   * and the budget this machine's cores leave per event at half the raw rate.
   */
  private void printCpu(String run, Map<String, Long> before, Map<String, Long> after, long events, double raw) {
    StringBuilder line = new StringBuilder();
    double total = 0;
    for (Map.Entry<String, Long> e : after.entrySet()) {
      double micros = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) * 1e6 / CLOCK_TICKS_PER_SECOND / events;
      total += micros;
      line.append(line.isEmpty() ? "" : ", ").append(String.format("%s %.2f", e.getKey(), micros));
    }
    int cores = Runtime.getRuntime().availableProcessors();
    out.printf("  %s, CPU-µs per event: %s; total %.2f. At 50%% of raw (%,.0f events/s) %d cores allow %.2f%n",
        run, line, total, raw / 2, cores, cores * 1e6 / (raw / 2));
  }
}
