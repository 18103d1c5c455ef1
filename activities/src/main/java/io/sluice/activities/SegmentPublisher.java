package io.sluice.activities;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.merge.IntermediatePersists;
import io.sluice.segment.v9.DataSegment;
import io.sluice.segment.v9.SegmentFiles;
import io.sluice.segment.v9.SegmentZip;
import io.sluice.segment.v9.V9SegmentWriter;
import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.Contracts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes each interval's index as a V9 segment, zips it, allocates its id and pushes {@code index.zip} under
 * Druid's key layout, with a unique path so that a replica or a retry never overwrites another attempt's files.
 * Pushing does not make anything visible: only the commit record does.
 */
final class SegmentPublisher {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SegmentPublisher.class);
  private final BlobStore store;
  private final String bucket;
  private final CatalogLayout layout;
  private final SegmentAllocator allocator;
  private final Path workDir;

  SegmentPublisher(BlobStore store, String bucket, CatalogLayout layout, Path workDir) {
    this.store = store;
    this.bucket = bucket;
    this.layout = layout;
    this.allocator = new SegmentAllocator(store, layout);
    this.workDir = workDir;
  }

  /** Called between segments, so a long publish keeps heartbeating. */
  interface Progress {
    void segmentPushed(int done, int total);
  }

  /** Where a task's intermediate persists go: inside its work directory, which {@link #publish} deletes. */
  Path persistDir(String taskId) {
    return workDir.resolve(taskId).resolve("persists");
  }

  /** Intervals merged and pushed at once: the merge of one overlaps the zip and push of another. */
  static final int PUBLISH_THREADS = Math.min(2, Runtime.getRuntime().availableProcessors());

  /**
   * Pushes every interval's rows as segments, up to {@link #PUBLISH_THREADS} intervals at once. An interval with
   * intermediate persists, or with more than maxRowsPerSegment rows, is merged from its persists plus its in-memory
   * index into partitions of at most maxRowsPerSegment rows; otherwise its index is written directly. Partition k of
   * an interval is allocated under sequence name {@code sequenceName} for k = 0 and {@code sequenceName + "_" + k}
   * after, so a retry gets the same partition numbers back. The result lists the segments in interval order.
   */
  List<Contracts.PushedSegment> publish(String dataSource, String workDirName, String taskId, String sequenceName,
                                        RowIngester ingester, Progress progress) throws IOException {
    Path taskDir = workDir.resolve(workDirName);
    List<Contracts.PushedSegment> out = new ArrayList<>();
    java.util.concurrent.ExecutorService pool = null;
    try {
      String newVersion = DataSegment.iso(System.currentTimeMillis());
      List<Long> intervals = new ArrayList<>(ingester.intervals());
      IntermediatePersists persists = ingester.persists();
      if (intervals.isEmpty()) return out;
      pool = java.util.concurrent.Executors.newFixedThreadPool(Math.min(PUBLISH_THREADS, intervals.size()), r -> {
        Thread t = new Thread(r, "publish-" + taskId);
        t.setDaemon(true);
        return t;
      });
      List<java.util.concurrent.Future<List<Contracts.PushedSegment>>> jobs = new ArrayList<>();
      for (int n = 0; n < intervals.size(); n++) {
        final int k = n;
        jobs.add(pool.submit(() -> publishInterval(dataSource, taskId, sequenceName, newVersion, ingester, persists,
            taskDir, k, intervals.get(k))));
      }
      for (int n = 0; n < jobs.size(); n++) {
        try {
          out.addAll(jobs.get(n).get());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while publishing");
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof IOException io) throw io;
          if (e.getCause() instanceof RuntimeException re) throw re;
          throw new IOException("publishing interval " + DataSegment.iso(intervals.get(n)) + " failed", e.getCause());
        }
        progress.segmentPushed(n + 1, intervals.size());
      }
      return out;
    } finally {
      if (pool != null) {
        pool.shutdownNow(); // after a failure, the other intervals' work stops
        try {
          pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      deleteRecursively(taskDir);
    }
  }

  /** The n-th interval's segments: merged or written, then each zipped and pushed. */
  private List<Contracts.PushedSegment> publishInterval(String dataSource, String taskId, String sequenceName,
      String newVersion, RowIngester ingester, IntermediatePersists persists, Path taskDir, int n, long start)
      throws IOException {
    IncrementalIndex index = ingester.indexes().get(start);
    long end = ingester.segmentGranularity().bucketEnd(start);
    boolean merge = persists != null
        && (!persists.persisted(start).isEmpty()
            || (index != null && index.rowCount() > ingester.maxRowsPerSegment()));
    List<SegmentFiles> parts;
    long mergeStart = System.nanoTime();
    if (merge) {
      parts = persists.merge(start, end, index, ingester.schema(), ingester.maxRowsPerSegment(),
          ingester.indexSpec(), p -> taskDir.resolve("segment-" + n + "-" + p));
    } else if (index != null && index.rowCount() > 0) {
      parts = List.of(V9SegmentWriter.write(index, start, end, taskDir.resolve("segment-" + n),
          ingester.indexSpec()));
    } else {
      parts = List.of();
    }
    if (!parts.isEmpty()) {
      log.info("task {}: interval {} written as {} segment(s) in {} s{}", taskId, DataSegment.iso(start),
          parts.size(), String.format("%.2f", (System.nanoTime() - mergeStart) / 1e9),
          merge ? " (merged from " + persists.persisted(start).size() + " persists)" : "");
    }
    List<Contracts.PushedSegment> out = new ArrayList<>();
    for (int p = 0; p < parts.size(); p++) {
      out.add(push(dataSource, taskId, p == 0 ? sequenceName : sequenceName + "_" + p, newVersion, start, end,
          parts.get(p), taskDir.resolve("index-" + n + "-" + p + ".zip")));
    }
    return out;
  }

  private Contracts.PushedSegment push(String dataSource, String taskId, String sequenceName, String newVersion,
                                       long start, long end, SegmentFiles files, Path zip) throws IOException {
    String startIso = DataSegment.iso(start);
    String endIso = DataSegment.iso(end);
    long zipStart = System.nanoTime();
    long zipSize = SegmentZip.zip(files.dir(), zip);
    long pushStart = System.nanoTime();
    SegmentAllocator.Allocation a = allocator.allocate(dataSource, startIso, endIso, sequenceName, newVersion);
    String key = layout.segmentKey(dataSource, startIso, endIso, a.version(), a.partitionNum(),
        CatalogLayout.uniquePath(taskId, UUID.randomUUID().toString()));
    store.putFile(key, zip);
    log.info("task {}: segment {} of {} rows: zipped to {} bytes in {} s, allocated and pushed in {} s", taskId,
        startIso + "/" + endIso + " partition " + a.partitionNum(), files.rowCount(), zipSize,
        String.format("%.2f", (pushStart - zipStart) / 1e9), String.format("%.2f", (System.nanoTime() - pushStart) / 1e9));
    Map<String, Object> loadSpec = new LinkedHashMap<>();
    loadSpec.put("type", "s3_zip");
    loadSpec.put("bucket", bucket);
    loadSpec.put("key", key);
    loadSpec.put("S3Schema", "s3n");
    DataSegment segment = DataSegment.create(dataSource, start, end, a.version(), loadSpec, files.dimensions(),
        files.metrics(), a.partitionNum(), zipSize);
    Map<String, Object> descriptor = CommitLog.MAPPER.convertValue(segment, new TypeReference<>() {});
    deleteRecursively(files.dir());
    Files.deleteIfExists(zip);
    return new Contracts.PushedSegment(segment.identifier(), key, descriptor, files.rowCount());
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
