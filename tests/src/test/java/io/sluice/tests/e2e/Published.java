package io.sluice.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.activities.CommitLog;
import io.sluice.activities.CommitRecord;
import io.sluice.activities.MinioBlobStore;
import io.sluice.dev.DevStack;
import io.sluice.dev.SupervisorApi;
import io.sluice.tests.oracle.DruidOracle;
import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.StreamPartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.druid.segment.QueryableIndex;

/**
 * What a dataSource has published, read back the hard way: the commit log from S3, then every segment it
 * references, downloaded, unzipped and loaded with Druid's own reader. Checks on the way that each partition's
 * committed ranges start at 0 and follow each other with no gap and no overlap (an operator's reset record moves
 * where the next range must start).
 */
record Published(List<CommitRecord> records, Map<StreamPartition, Long> endOffsets, long segments, long countSum,
                 double valueSum, long unparseable) {

  static Published readBack(DevStack stack, String dataSource, Path workDir, Consumer<QueryableIndex> eachSegment)
      throws Exception {
    try (MinioBlobStore store = new MinioBlobStore(stack.s3Endpoint(), DevStack.S3_ACCESS_KEY,
        DevStack.S3_SECRET_KEY, "us-east-1", DevStack.BUCKET)) {
      List<CommitRecord> records = new CommitLog(store, new CatalogLayout(DevStack.BASE_KEY)).all(dataSource);
      Map<StreamPartition, Long> next = new TreeMap<>();
      long segments = 0;
      long count = 0;
      double sum = 0;
      long unparseable = 0;
      for (int i = 0; i < records.size(); i++) {
        CommitRecord r = records.get(i);
        assertEquals(i + 1, r.seq(), "commit sequence numbers have no gap");
        if (CommitRecord.RESET.equals(r.kind())) { // an operator's reset: reading resumes where it says
          assertEquals(List.of(), r.segments(), "a reset record publishes nothing");
          next.putAll(r.endOffsets());
          continue;
        }
        for (Map.Entry<StreamPartition, Long> e : r.startOffsets().entrySet()) {
          assertEquals(next.getOrDefault(e.getKey(), 0L), e.getValue(),
              "commit " + r.seq() + " starts partition " + e.getKey() + " where the last commit ended");
          next.put(e.getKey(), r.endOffsets().get(e.getKey()));
        }
        unparseable += r.rowStats().unparseable();
        for (Map<String, Object> descriptor : r.segments()) {
          segments++;
          @SuppressWarnings("unchecked")
          Map<String, Object> loadSpec = (Map<String, Object>) descriptor.get("loadSpec");
          assertEquals("s3_zip", loadSpec.get("type"));
          String key = (String) loadSpec.get("key");
          Path dir = unzip(store.get(key).orElseThrow(), workDir.resolve("segment-" + segments));
          try (QueryableIndex index = DruidOracle.load(dir.toFile())) {
            for (Map<String, Object> row : DruidOracle.rows(index)) {
              count += ((Number) row.get("count")).longValue();
              sum += ((Number) row.get("value_sum")).doubleValue();
            }
            eachSegment.accept(index);
          }
        }
      }
      return new Published(records, next, segments, count, sum, unparseable);
    }
  }

  /**
   * Waits (up to {@code timeout}) until the segment files in deep storage under {@code dataSource} are exactly those
   * the commit log references (pushed files of dead attempts, killed tasks or losing replicas cleaned up), asserts
   * it, and returns them.
   */
  static Set<String> awaitOnlyCommittedFiles(DevStack stack, String dataSource, Path workDir, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> referenced = new TreeSet<>();
    Set<String> files;
    do {
      Thread.sleep(500);
      referenced.clear();
      for (CommitRecord r : readBack(stack, dataSource, workDir, index -> { }).records()) {
        for (Map<String, Object> segment : r.segments()) {
          referenced.add((String) ((Map<?, ?>) segment.get("loadSpec")).get("key"));
        }
      }
      files = segmentFiles(stack, dataSource);
    } while (!files.equals(referenced) && System.nanoTime() < deadline);
    assertEquals(referenced, files, "deep storage holds the committed files and nothing else");
    return files;
  }

  /** The segment files (index.zip) in deep storage under {@code dataSource}'s prefix. */
  static Set<String> segmentFiles(DevStack stack, String dataSource) throws Exception {
    try (MinioBlobStore store = new MinioBlobStore(stack.s3Endpoint(), DevStack.S3_ACCESS_KEY,
        DevStack.S3_SECRET_KEY, "us-east-1", DevStack.BUCKET)) {
      Set<String> out = new TreeSet<>();
      for (String k : store.list(new CatalogLayout(DevStack.BASE_KEY).segmentPrefix(dataSource), null)) {
        if (k.endsWith("/index.zip")) out.add(k);
      }
      return out;
    }
  }

  /** Waits until the supervisor reports {@code offsets} committed offsets in all (never more), and returns its status. */
  static JsonNode awaitCommitted(SupervisorApi api, String id, long offsets, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      SupervisorApi.Answer a = statusOrNull(api, id);
      if (a != null && a.status() == 200) {
        last = a.json().get("payload");
        long committed = SupervisorApi.sum(last.get("committedOffsets"));
        if (committed >= offsets) {
          assertEquals(offsets, committed, "more offsets committed than were produced: " + last);
          return last;
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("not all offsets committed in time; last status: " + last);
  }

  /** The status, or null if the request timed out (a crash test may leave the API briefly without an answer). */
  static SupervisorApi.Answer statusOrNull(SupervisorApi api, String id) throws InterruptedException {
    try {
      return api.status(id);
    } catch (IOException e) {
      return null;
    }
  }

  static Path unzip(byte[] zip, Path dir) throws IOException {
    Files.createDirectories(dir);
    try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        Path target = dir.resolve(e.getName()).normalize();
        if (!target.startsWith(dir)) throw new IOException("zip entry escapes: " + e.getName());
        Files.write(target, in.readAllBytes()); // reads this entry only; the stream stays open
      }
    }
    return dir;
  }

  static List<String> dimensions(QueryableIndex index) {
    List<String> dims = new ArrayList<>();
    index.getAvailableDimensions().forEach(dims::add);
    return dims;
  }
}
