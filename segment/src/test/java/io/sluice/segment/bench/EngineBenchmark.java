package io.sluice.segment.bench;

import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.index.MetricSchema;
import io.sluice.segment.index.MetricSchema.Kind;
import io.sluice.segment.read.DruidSegments;
import io.sluice.segment.read.NumericColumn;
import io.sluice.segment.read.SegmentReader;
import io.sluice.segment.v9.V9SegmentWriter;
import org.apache.druid.data.input.MapBasedInputRow;
import org.apache.druid.data.input.impl.StringDimensionSchema;
import org.apache.druid.java.util.common.Intervals;
import org.apache.druid.java.util.common.granularity.Granularities;
import org.apache.druid.query.aggregation.AggregatorFactory;
import org.apache.druid.query.aggregation.CountAggregatorFactory;
import org.apache.druid.query.aggregation.DoubleMaxAggregatorFactory;
import org.apache.druid.query.aggregation.DoubleMinAggregatorFactory;
import org.apache.druid.query.aggregation.DoubleSumAggregatorFactory;
import org.apache.druid.query.aggregation.LongSumAggregatorFactory;
import org.apache.druid.segment.IndexMergerV9;
import org.apache.druid.segment.IndexSpec;
import org.apache.druid.segment.QueryableIndex;
import org.apache.druid.segment.writeout.TmpFileSegmentWriteOutMediumFactory;
import org.joda.time.Interval;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Side-by-side ingestion benchmark of Sluice's engine ({@link IncrementalIndex} then {@link V9SegmentWriter}) and
 * Druid 37's ({@code OnheapIncrementalIndex} then {@code IndexMergerV9.persist}), on the same synthetic metric
 * events: 5 string dimensions (endpoint 1000 values, service 20, status 8, region 5, host 50; see {@link Events#next})
 * and the metrics count, longSum, doubleSum, doubleMin, doubleMax; timestamps spread over one hour in arrival order
 * (about 16,700 events a minute at 1,000,000 events). Events are
 * generated on the fly from a seeded Random, one new Map per event (as a parser makes them), identically for
 * both engines. Configurations:
 * <ol>
 *   <li>queryGranularity NONE, no rollup;</li>
 *   <li>MINUTE rollup;</li>
 *   <li>task-like: MINUTE rollup, an intermediate persist whenever 150,000 rows are in memory (Druid's default
 *       maxRowsInMemory), then one merge of the persisted segments ({@code IndexMergerV9.mergeQueryableIndex}).
 *       Sluice's are {@code IntermediatePersists} and {@code SegmentMerger}'s streaming merge.</li>
 * </ol>
 * Both engines write with LZ4, {@code longs} encoding and roaring bitmaps (Druid's default IndexSpec), Druid through
 * its tmpFile write-out medium (a task's default), both to the same disk. Each configuration runs once per engine
 * after a warm-up of both engines on 200,000 events.
 *
 * <p>What is measured, per engine and configuration (each engine is called on one thread; Sluice's writer
 * compresses blocks on a pool of two more):
 * <ul>
 *   <li><b>add rows/s</b>: input events / seconds spent adding them to the index;</li>
 *   <li><b>persist rows/s</b>: input events / seconds spent writing (config 3: all persists plus the merge);</li>
 *   <li><b>live MiB</b>: heap held by the filled index: heap used after a forced full GC at the end of the add
 *       phase, minus the same measure taken before it (config 3: the largest such value at a persist point);</li>
 *   <li><b>peak MiB</b>: the highest heap use a sampling thread sees (every millisecond, MemoryMXBean) from the start of
 *       add to the end of persist, minus the baseline. It includes garbage not yet collected, so it depends on the
 *       collector; run both with the same flags (below);</li>
 *   <li><b>alloc MiB</b>: bytes allocated in add and in persist by every thread but the heap sampler (ThreadMXBean's
 *       per-thread counters, summed: the benchmark thread and Sluice's compression threads);</li>
 *   <li><b>segment bytes</b>: version.bin, factory.json, meta.smoosh and the smoosh chunks of the final segment.</li>
 * </ul>
 * After each configuration both segments are read back with {@link SegmentReader} and their row counts and sums of
 * {@code count} and {@code value_sum} printed, to show that the two engines produced the same data.
 *
 * <p>Run it offline from the repository root:
 * <pre>
 * mvn -B -q -o -pl segment test-compile
 * mvn -B -q -o -pl segment dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=segment/target/test-classpath.txt
 * java -Xms4g -Xmx4g -XX:+UseG1GC \
 *     --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED \
 *     --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
 *     --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
 *     -cp segment/target/classes:segment/target/test-classes:$(cat segment/target/test-classpath.txt) \
 *     io.sluice.segment.bench.EngineBenchmark [events, default 1000000] [work dir, default a temp dir]
 * </pre>
 */
public final class EngineBenchmark
{
  static final long START = Instant.parse("2026-11-21T10:00:00Z").toEpochMilli();
  static final long HOUR = 3_600_000L;
  static final Interval INTERVAL = Intervals.utc(START, START + HOUR);
  static final int MAX_ROWS_IN_MEMORY = 150_000;
  static final List<String> DIMENSIONS = List.of("endpoint", "service", "status", "region", "host");
  static final String[] STATUS = {
      "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200",
      "201", "204", "301", "304", "400", "404", "500"
  };
  static final String[] REGIONS = {"us-east-1", "us-west-2", "eu-west-1", "ap-south-1", "sa-east-1"};
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final IndexMergerV9 MERGER = new IndexMergerV9(
      DruidSegments.MAPPER,
      DruidSegments.INDEX_IO,
      TmpFileSegmentWriteOutMediumFactory.instance()
  );
  private static final IndexSpec SPEC = IndexSpec.builder().build();

  private EngineBenchmark()
  {
  }

  /** Bytes allocated so far by every live thread except the heap sampler. */
  static long allocatedBytes()
  {
    final long[] ids = THREADS.getAllThreadIds();
    final long[] bytes = THREADS.getThreadAllocatedBytes(ids);
    long total = 0;
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] != HeapSampler.threadId && bytes[i] > 0) {
        total += bytes[i];
      }
    }
    return total;
  }

  /** The synthetic events: deterministic for a seed. */
  static final class Events
  {
    private final Random random;
    private final int count;
    private int i;

    Events(int count, long seed)
    {
      this.count = count;
      this.random = new Random(seed);
    }

    boolean hasNext()
    {
      return i < count;
    }

    long timestamp()
    {
      return START + (long) i * HOUR / count;
    }

    /**
     * The next event's fields (its timestamp is {@link #timestamp()} before the call). Shaped like service metrics:
     * each of 50 hosts sits in one of 5 regions and serves 20 of the 1000 endpoints (popular ones more often), each
     * endpoint belongs to one of 20 services, and most requests end in status 200.
     */
    Map<String, Object> next()
    {
      final Map<String, Object> e = new HashMap<>(16);
      final int host = random.nextInt(50);
      final double u = random.nextDouble();
      final int endpoint = host * 20 + (int) (20 * u * u);
      e.put("endpoint", "/api/v1/e" + endpoint);
      e.put("service", "svc-" + endpoint / 50);
      e.put("status", STATUS[random.nextInt(STATUS.length)]);
      e.put("region", REGIONS[host % REGIONS.length]);
      e.put("host", "host-" + host);
      e.put("bytes", (long) random.nextInt(100_000));
      e.put("value", random.nextInt(4000) / 4.0);
      i++;
      return e;
    }
  }

  /** Samples heap use every millisecond; {@link #reset} starts a new window. */
  static final class HeapSampler implements AutoCloseable
  {
    static volatile long threadId = -1;
    private volatile boolean running = true;
    private volatile long max;
    private final Thread thread;

    HeapSampler()
    {
      thread = new Thread(() -> {
        while (running) {
          final long used = MEMORY.getHeapMemoryUsage().getUsed();
          if (used > max) {
            max = used;
          }
          LockSupport.parkNanos(1_000_000L);
        }
      }, "heap-sampler");
      threadId = thread.getId();
      thread.setDaemon(true);
      thread.start();
    }

    void reset()
    {
      max = MEMORY.getHeapMemoryUsage().getUsed();
    }

    long max()
    {
      return max;
    }

    @Override
    public void close() throws InterruptedException
    {
      running = false;
      thread.join();
    }
  }

  /** One engine's result for one configuration. */
  record Result(
      String engine,
      int events,
      int rows,
      double addSeconds,
      double persistSeconds,
      long liveBytes,
      long peakBytes,
      long addAllocated,
      long persistAllocated,
      long segmentBytes,
      Path segment,
      int persists
  )
  {
  }

  static long usedAfterGc()
  {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    LockSupport.parkNanos(50_000_000L);
    return MEMORY.getHeapMemoryUsage().getUsed();
  }

  static IndexSchema sluiceSchema(Granularity granularity, boolean rollup)
  {
    final List<DimensionSchema> dims = new ArrayList<>();
    for (String d : DIMENSIONS) {
      dims.add(DimensionSchema.string(d));
    }
    final Map<String, Object> timestampSpec = new HashMap<>();
    timestampSpec.put("column", "timestamp");
    timestampSpec.put("format", "millis");
    timestampSpec.put("missingValue", null);
    return new IndexSchema(
        dims,
        List.of(
            MetricSchema.count("count"),
            new MetricSchema("bytes_sum", Kind.LONG_SUM, "bytes"),
            new MetricSchema("value_sum", Kind.DOUBLE_SUM, "value"),
            new MetricSchema("value_min", Kind.DOUBLE_MIN, "value"),
            new MetricSchema("value_max", Kind.DOUBLE_MAX, "value")
        ),
        granularity,
        rollup,
        timestampSpec
    );
  }

  static AggregatorFactory[] druidMetrics()
  {
    return new AggregatorFactory[]{
        new CountAggregatorFactory("count"),
        new LongSumAggregatorFactory("bytes_sum", "bytes"),
        new DoubleSumAggregatorFactory("value_sum", "value"),
        new DoubleMinAggregatorFactory("value_min", "value"),
        new DoubleMaxAggregatorFactory("value_max", "value")
    };
  }

  static org.apache.druid.segment.incremental.IncrementalIndex druidIndex(boolean minute, boolean rollup)
  {
    final List<org.apache.druid.data.input.impl.DimensionSchema> dims = new ArrayList<>();
    for (String d : DIMENSIONS) {
      dims.add(new StringDimensionSchema(d));
    }
    return DruidSegments.newIndex(
        START,
        minute ? Granularities.MINUTE : Granularities.NONE,
        rollup,
        dims,
        druidMetrics(),
        Integer.MAX_VALUE
    );
  }

  static Result sluice(int events, boolean minute, boolean rollup, Path out, HeapSampler sampler) throws IOException
  {
    final long baseline = usedAfterGc();
    sampler.reset();
    final Events source = new Events(events, 42);
    long alloc = allocatedBytes();
    long t0 = System.nanoTime();
    final IncrementalIndex index = new IncrementalIndex(sluiceSchema(minute ? Granularity.MINUTE : Granularity.NONE,
                                                                     rollup));
    while (source.hasNext()) {
      final long ts = source.timestamp();
      index.add(ts, source.next());
    }
    final double addSeconds = (System.nanoTime() - t0) / 1e9;
    final long addAllocated = allocatedBytes() - alloc;
    final long peakAdd = sampler.max();
    final long live = usedAfterGc() - baseline;
    sampler.reset();
    alloc = allocatedBytes();
    t0 = System.nanoTime();
    final var files = V9SegmentWriter.write(index, START, START + HOUR, out);
    final double persistSeconds = (System.nanoTime() - t0) / 1e9;
    final long persistAllocated = allocatedBytes() - alloc;
    final long peak = Math.max(peakAdd, sampler.max()) - baseline;
    return new Result("sluice", events, files.rowCount(), addSeconds, persistSeconds, live, peak, addAllocated,
                      persistAllocated, segmentBytes(out), out, 0);
  }

  /** Config 3 for Sluice: an intermediate persist every 150,000 rows, then the streaming merge (SegmentMerger). */
  static Result sluiceTask(int events, Path out, HeapSampler sampler) throws IOException
  {
    final long baseline = usedAfterGc();
    sampler.reset();
    final Events source = new Events(events, 42);
    final IndexSchema schema = sluiceSchema(Granularity.MINUTE, true);
    final io.sluice.segment.merge.IntermediatePersists persists =
        new io.sluice.segment.merge.IntermediatePersists(out.resolve("persists"), io.sluice.segment.spec.IndexSpec.DEFAULT);
    long addNanos = 0;
    long persistNanos = 0;
    long addAllocated = 0;
    long persistAllocated = 0;
    long live = 0;
    long peak = 0;
    IncrementalIndex index = new IncrementalIndex(schema);
    long alloc = allocatedBytes();
    long t0 = System.nanoTime();
    while (source.hasNext()) {
      final long ts = source.timestamp();
      index.add(ts, source.next());
      if (index.rowCount() >= MAX_ROWS_IN_MEMORY) {
        addNanos += System.nanoTime() - t0;
        addAllocated += allocatedBytes() - alloc;
        peak = Math.max(peak, sampler.max());
        live = Math.max(live, usedAfterGc() - baseline);
        sampler.reset();
        alloc = allocatedBytes();
        t0 = System.nanoTime();
        persists.persist(START, START + HOUR, index);
        index = new IncrementalIndex(schema);
        persistNanos += System.nanoTime() - t0;
        persistAllocated += allocatedBytes() - alloc;
        peak = Math.max(peak, sampler.max());
        sampler.reset();
        alloc = allocatedBytes();
        t0 = System.nanoTime();
      }
    }
    addNanos += System.nanoTime() - t0;
    addAllocated += allocatedBytes() - alloc;
    peak = Math.max(peak, sampler.max());
    live = Math.max(live, usedAfterGc() - baseline);
    sampler.reset();
    alloc = allocatedBytes();
    t0 = System.nanoTime();
    final Path segment = out.resolve("merged");
    final var files = persists.merge(START, START + HOUR, index, schema, Integer.MAX_VALUE,
                                     io.sluice.segment.spec.IndexSpec.DEFAULT, p -> segment);
    final int count = persists.persistCount();
    index = null;
    persistNanos += System.nanoTime() - t0;
    persistAllocated += allocatedBytes() - alloc;
    peak = Math.max(peak, sampler.max()) - baseline;
    persists.delete();
    return new Result("sluice", events, files.get(0).rowCount(), addNanos / 1e9, persistNanos / 1e9, live, peak,
                      addAllocated, persistAllocated, segmentBytes(segment), segment, count);
  }

  static Result druid(int events, boolean minute, boolean rollup, boolean persistEvery150k, Path out,
                      HeapSampler sampler) throws IOException
  {
    final long baseline = usedAfterGc();
    sampler.reset();
    final Events source = new Events(events, 42);
    long addNanos = 0;
    long persistNanos = 0;
    long addAllocated = 0;
    long persistAllocated = 0;
    long live = 0;
    long peak = 0;
    final List<File> persisted = new ArrayList<>();
    org.apache.druid.segment.incremental.IncrementalIndex index = druidIndex(minute, rollup);
    long alloc = allocatedBytes();
    long t0 = System.nanoTime();
    while (source.hasNext()) {
      final long ts = source.timestamp();
      index.add(new MapBasedInputRow(ts, DIMENSIONS, source.next()));
      if (persistEvery150k && index.numRows() >= MAX_ROWS_IN_MEMORY) {
        addNanos += System.nanoTime() - t0;
        addAllocated += allocatedBytes() - alloc;
        peak = Math.max(peak, sampler.max());
        live = Math.max(live, usedAfterGc() - baseline);
        sampler.reset();
        alloc = allocatedBytes();
        t0 = System.nanoTime();
        persisted.add(DruidSegments.persist(index, INTERVAL, out.resolve("persist-" + persisted.size()).toFile(),
                                            SPEC, MERGER));
        index.close();
        index = druidIndex(minute, rollup);
        persistNanos += System.nanoTime() - t0;
        persistAllocated += allocatedBytes() - alloc;
        peak = Math.max(peak, sampler.max());
        sampler.reset();
        alloc = allocatedBytes();
        t0 = System.nanoTime();
      }
    }
    addNanos += System.nanoTime() - t0;
    addAllocated += allocatedBytes() - alloc;
    peak = Math.max(peak, sampler.max());
    live = Math.max(live, usedAfterGc() - baseline);
    sampler.reset();
    alloc = allocatedBytes();
    t0 = System.nanoTime();
    final Path segment;
    final int persists;
    if (persistEvery150k) {
      if (index.numRows() > 0) {
        persisted.add(DruidSegments.persist(index, INTERVAL, out.resolve("persist-" + persisted.size()).toFile(),
                                            SPEC, MERGER));
      }
      index.close();
      final List<QueryableIndex> indexes = new ArrayList<>();
      for (File f : persisted) {
        indexes.add(DruidSegments.load(f));
      }
      segment = out.resolve("merged");
      MERGER.mergeQueryableIndex(indexes, rollup, druidMetrics(), segment.toFile(), SPEC,
                                 TmpFileSegmentWriteOutMediumFactory.instance(), -1);
      for (QueryableIndex q : indexes) {
        q.close();
      }
      persists = persisted.size();
    } else {
      segment = out;
      DruidSegments.persist(index, INTERVAL, out.toFile(), SPEC, MERGER);
      index.close();
      persists = 0;
    }
    persistNanos += System.nanoTime() - t0;
    persistAllocated += allocatedBytes() - alloc;
    peak = Math.max(peak, sampler.max()) - baseline;
    int rows;
    try (SegmentReader r = SegmentReader.open(segment)) {
      rows = r.rowCount();
    }
    return new Result("druid", events, rows, addNanos / 1e9, persistNanos / 1e9, live, peak, addAllocated,
                      persistAllocated, segmentBytes(segment), segment, persists);
  }

  static long segmentBytes(Path dir) throws IOException
  {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> {
        final String n = f.getFileName().toString();
        return n.equals("version.bin") || n.equals("factory.json") || n.equals("meta.smoosh") || n.endsWith(".smoosh");
      }).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  /** Rows and the sums of count and value_sum, read back with Sluice's reader. */
  static String check(Path segment) throws IOException
  {
    try (SegmentReader r = SegmentReader.open(segment)) {
      final NumericColumn count = (NumericColumn) r.column("count");
      final NumericColumn valueSum = (NumericColumn) r.column("value_sum");
      long c = 0;
      double v = 0;
      for (int row = 0; row < r.rowCount(); row++) {
        c += count.getLong(row);
        v += valueSum.getDouble(row);
      }
      return String.format(Locale.ROOT, "rows %,d  sum(count) %,d  sum(value_sum) %,.2f", r.rowCount(), c, v);
    }
  }

  static final String HEADER = String.format(
      Locale.ROOT,
      "  %-13s %10s %10s %12s %14s %9s %9s %10s %14s %14s%n",
      "engine", "rows out", "add s", "add rows/s", "persist rows/s", "live MiB", "peak MiB", "alloc MiB",
      "persist alloc", "segment bytes"
  );

  static void print(Result r)
  {
    System.out.printf(
        Locale.ROOT,
        "  %-13s %,10d %10.2f %,12.0f %,14.0f %9.0f %9.0f %10.0f %14.0f %,14d%n",
        r.engine(),
        r.rows(),
        r.addSeconds(),
        r.events() / r.addSeconds(),
        r.events() / r.persistSeconds(),
        mib(r.liveBytes()),
        mib(r.peakBytes()),
        mib(r.addAllocated()),
        mib(r.persistAllocated()),
        r.segmentBytes()
    );
  }

  static void ratios(Result s, Result d)
  {
    System.out.printf(
        Locale.ROOT,
        "  sluice/druid: add rows/s %.2f, persist rows/s %.2f, live heap %.2f, peak heap %.2f, alloc (add) %.2f, "
        + "alloc (persist) %.2f, segment bytes %.3f%n",
        (s.events() / s.addSeconds()) / (d.events() / d.addSeconds()),
        (s.events() / s.persistSeconds()) / (d.events() / d.persistSeconds()),
        (double) s.liveBytes() / d.liveBytes(),
        (double) s.peakBytes() / d.peakBytes(),
        (double) s.addAllocated() / d.addAllocated(),
        (double) s.persistAllocated() / d.persistAllocated(),
        (double) s.segmentBytes() / d.segmentBytes()
    );
  }

  static double mib(long bytes)
  {
    return bytes / (1024.0 * 1024.0);
  }

  static void delete(Path dir) throws IOException
  {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  interface Run
  {
    Result run() throws IOException;
  }

  public static void main(String[] args) throws Exception
  {
    final int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    final Path work = args.length > 1 ? Files.createDirectories(Path.of(args[1]))
                                      : Files.createTempDirectory("engine-bench-");
    System.out.printf(
        Locale.ROOT,
        "EngineBenchmark: %,d events; dimensions endpoint(1000) service(20) status(8) region(5) host(50); metrics "
        + "count longSum doubleSum doubleMin doubleMax%nJava %s, %d cores, max heap %.0f MiB, GC %s; work dir %s%n",
        events,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        mib(Runtime.getRuntime().maxMemory()),
        ManagementFactory.getGarbageCollectorMXBeans().get(0).getName(),
        work
    );
    try (HeapSampler sampler = new HeapSampler()) {
      final long t = System.nanoTime();
      for (boolean minute : new boolean[]{false, true}) {
        sluice(200_000, minute, minute, work.resolve("warm-sluice"), sampler);
        sluiceTask(200_000, Files.createDirectories(work.resolve("warm-sluice-task")), sampler);
        delete(work.resolve("warm-sluice-task"));
        druid(200_000, minute, minute, false, work.resolve("warm-druid"), sampler);
        druid(200_000, minute, minute, true, work.resolve("warm-druid-task"), sampler);
        delete(work.resolve("warm-sluice"));
        delete(work.resolve("warm-druid"));
        delete(work.resolve("warm-druid-task"));
      }
      System.out.printf(Locale.ROOT, "warm-up (200,000 events, every configuration, both engines): %.1f s%n%n",
                        (System.nanoTime() - t) / 1e9);

      final String[] names = {
          "1) queryGranularity NONE, no rollup",
          "2) queryGranularity MINUTE, rollup",
          "3) task-like: MINUTE rollup, persist every " + MAX_ROWS_IN_MEMORY + " rows in memory, then merge"
      };
      for (int config = 1; config <= 3; config++) {
        final boolean minute = config >= 2;
        final Path dir = work.resolve("config-" + config);
        System.out.println(names[config - 1]);
        System.out.print(HEADER);
        Result s = null;
        if (config < 3) {
          s = sluice(events, minute, minute, dir.resolve("sluice"), sampler);
        } else {
          s = sluiceTask(events, Files.createDirectories(dir.resolve("sluice")), sampler);
        }
        print(s);
        final Result d = druid(events, minute, minute, config == 3, Files.createDirectories(dir.resolve("druid")),
                               sampler);
        print(d);
        ratios(s, d);
        if (config == 3) {
          System.out.println("  sluice: " + s.persists() + " intermediate persists merged into one segment");
          System.out.println("  druid: " + d.persists() + " intermediate persists merged into one segment");
        }
        System.out.println("  check sluice: " + check(s.segment()));
        System.out.println("  check druid:  " + check(d.segment()));
        System.out.println();
        delete(dir);
      }
    }
    delete(work);
  }
}
