package io.sluice.activities;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sluice.segment.index.IncrementalIndex;
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

  List<Contracts.PushedSegment> publish(String dataSource, String taskId, String sequenceName,
                                        RowIngester ingester, Progress progress) throws IOException {
    Path taskDir = workDir.resolve(taskId);
    List<Contracts.PushedSegment> out = new ArrayList<>();
    try {
      String newVersion = DataSegment.iso(System.currentTimeMillis());
      int i = 0;
      for (Map.Entry<Long, IncrementalIndex> e : ingester.indexes().entrySet()) {
        IncrementalIndex index = e.getValue();
        if (index.rowCount() == 0) continue;
        long start = e.getKey();
        long end = ingester.segmentGranularity().bucketEnd(start);
        String startIso = DataSegment.iso(start);
        String endIso = DataSegment.iso(end);
        Path dir = taskDir.resolve("segment-" + i);
        SegmentFiles files = V9SegmentWriter.write(index, start, end, dir, ingester.indexSpec());
        Path zip = taskDir.resolve("index-" + i + ".zip");
        long zipSize = SegmentZip.zip(dir, zip);
        SegmentAllocator.Allocation a = allocator.allocate(dataSource, startIso, endIso, sequenceName, newVersion);
        String key = layout.segmentKey(dataSource, startIso, endIso, a.version(), a.partitionNum(),
            UUID.randomUUID().toString());
        store.putFile(key, zip);
        Map<String, Object> loadSpec = new LinkedHashMap<>();
        loadSpec.put("type", "s3_zip");
        loadSpec.put("bucket", bucket);
        loadSpec.put("key", key);
        loadSpec.put("S3Schema", "s3n");
        DataSegment segment = DataSegment.create(dataSource, start, end, a.version(), loadSpec, files.dimensions(),
            files.metrics(), a.partitionNum(), zipSize);
        Map<String, Object> descriptor = CommitLog.MAPPER.convertValue(segment, new TypeReference<>() {});
        out.add(new Contracts.PushedSegment(segment.identifier(), key, descriptor, files.rowCount()));
        deleteRecursively(dir);
        Files.deleteIfExists(zip);
        progress.segmentPushed(++i, ingester.indexes().size());
      }
    } finally {
      deleteRecursively(taskDir);
    }
    return out;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
