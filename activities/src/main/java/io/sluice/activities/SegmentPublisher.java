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
 * Writes each interval's index as a V9 segment, allocates its id and pushes {@code index.zip} under Druid's key
 * layout, with a unique path so that a replica or a retry never overwrites another attempt's files. The zip is
 * written straight into its upload (see {@link #zipAndUpload}). Pushing does not make anything visible: only the
 * commit record does.
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
          parts.get(p)));
    }
    return out;
  }

  private Contracts.PushedSegment push(String dataSource, String taskId, String sequenceName, String newVersion,
                                       long start, long end, SegmentFiles files) throws IOException {
    String startIso = DataSegment.iso(start);
    String endIso = DataSegment.iso(end);
    long allocateStart = System.nanoTime();
    SegmentAllocator.Allocation a = allocator.allocate(dataSource, startIso, endIso, sequenceName, newVersion);
    String key = layout.segmentKey(dataSource, startIso, endIso, a.version(), a.partitionNum(),
        CatalogLayout.uniquePath(taskId, UUID.randomUUID().toString()));
    long pushStart = System.nanoTime();
    long zipSize = zipAndUpload(files, key);
    log.info("task {}: segment {} of {} rows: allocated in {} s, zipped and pushed ({} bytes) in {} s", taskId,
        startIso + "/" + endIso + " partition " + a.partitionNum(), files.rowCount(),
        String.format("%.2f", (pushStart - allocateStart) / 1e9), zipSize,
        String.format("%.2f", (System.nanoTime() - pushStart) / 1e9));
    Map<String, Object> loadSpec = new LinkedHashMap<>();
    loadSpec.put("type", "s3_zip");
    loadSpec.put("bucket", bucket);
    loadSpec.put("key", key);
    loadSpec.put("S3Schema", "s3n");
    DataSegment segment = DataSegment.create(dataSource, start, end, a.version(), loadSpec, files.dimensions(),
        files.metrics(), a.partitionNum(), zipSize);
    Map<String, Object> descriptor = CommitLog.MAPPER.convertValue(segment, new TypeReference<>() {});
    deleteRecursively(files.dir());
    return new Contracts.PushedSegment(segment.identifier(), key, descriptor, files.rowCount());
  }

  /** Bytes per chunk of the pipe from the zip to its upload, and chunks that may wait in it. */
  static final int PIPE_CHUNK_BYTES = 1 << 20;
  static final int PIPE_CHUNKS = 8;

  /**
   * Zips the segment straight into its upload: the zip is written on this thread into a {@link StreamPipe} that the
   * upload reads on another, so zipping and sending overlap and no zip file is written. A failure on either side
   * stops the other; the upload's failure is the one reported when it came first.
   *
   * @return the size of the zip in bytes
   */
  private long zipAndUpload(SegmentFiles files, String key) throws IOException {
    StreamPipe pipe = new StreamPipe(PIPE_CHUNK_BYTES, PIPE_CHUNKS);
    java.util.concurrent.FutureTask<Void> upload = new java.util.concurrent.FutureTask<>(() -> {
      store.putStream(key, pipe.input());
      return null;
    });
    Thread uploader = new Thread(upload, "upload-" + key.substring(Math.max(0, key.length() - 40)));
    uploader.setDaemon(true);
    uploader.start();
    long size;
    try (java.io.OutputStream out = pipe.output()) {
      size = SegmentZip.zip(files.dir(), out);
    } catch (IOException | RuntimeException | Error e) {
      pipe.fail(e);
      try {
        awaitUpload(upload); // it stops at the failure
      } catch (IOException | RuntimeException | Error uploadFailure) {
        if (!causedBy(uploadFailure, e)) { // the upload failed first, and that stopped the zip: report it
          uploadFailure.addSuppressed(e);
          throw uploadFailure;
        }
      }
      throw e;
    }
    awaitUpload(upload);
    return size;
  }

  private static boolean causedBy(Throwable t, Throwable cause) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c == cause) return true;
    }
    return false;
  }

  private static void awaitUpload(java.util.concurrent.Future<Void> upload) throws IOException {
    try {
      upload.get();
    } catch (InterruptedException e) {
      upload.cancel(true);
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while uploading a segment");
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IOException io) throw io;
      if (e.getCause() instanceof RuntimeException re) throw re;
      if (e.getCause() instanceof Error err) throw err;
      throw new IOException("uploading a segment failed", e.getCause());
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
