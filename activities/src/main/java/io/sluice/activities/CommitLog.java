package io.sluice.activities;

import io.sluice.workflows.StreamPartition;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.Contracts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A dataSource's append-only commit log in deep storage. Record {@code n} is created with {@code If-None-Match: *},
 * so each sequence number is claimed at most once and nothing committed is ever rewritten.
 */
public final class CommitLog {
  /** Outcome of {@link #append}. */
  public enum Outcome {
    COMMITTED, ALREADY_COMMITTED_BY_THIS_TASK, COVERED_BY_ANOTHER_COMMIT, INCONSISTENT,
    /** A chained commit whose predecessor has not committed yet: try again later. */
    PREVIOUS_PENDING
  }

  public record AppendResult(Outcome outcome, Contracts.CommittedState head, String detail) {}

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private final BlobStore store;
  private final CatalogLayout layout;
  /** Newest commit key seen per dataSource: a hint that keeps head lookups to one short listing. */
  private final Map<String, String> headHint = new ConcurrentHashMap<>();

  public CommitLog(BlobStore store, CatalogLayout layout) {
    this.store = store;
    this.layout = layout;
  }

  public Optional<CommitRecord> headRecord(String dataSource) throws IOException {
    String prefix = layout.commitPrefix(dataSource);
    String hint = headHint.get(dataSource);
    List<String> keys = store.list(prefix, hint);
    String last = hint;
    for (String k : keys) if (CatalogLayout.commitSeq(k) >= 0) last = k;
    if (last == null) return Optional.empty();
    Optional<CommitRecord> r = read(last);
    if (r.isEmpty()) { // the hint pointed at something gone (a wiped store): list everything again
      headHint.remove(dataSource);
      return hint == null ? Optional.empty() : headRecord(dataSource);
    }
    headHint.put(dataSource, last);
    return r;
  }

  public Contracts.CommittedState head(String dataSource) throws IOException {
    return headRecord(dataSource).map(CommitRecord::head).orElse(Contracts.CommittedState.empty());
  }

  public Optional<CommitRecord> read(String key) throws IOException {
    Optional<byte[]> bytes = store.get(key);
    if (bytes.isEmpty()) return Optional.empty();
    return Optional.of(MAPPER.readValue(bytes.get(), CommitRecord.class));
  }

  public CatalogLayout layout() {
    return layout;
  }

  /** Every record, oldest first. For tools and tests; the run loop only needs {@link #head}. */
  public List<CommitRecord> all(String dataSource) throws IOException {
    List<CommitRecord> out = new ArrayList<>();
    for (String k : store.list(layout.commitPrefix(dataSource), null)) {
      if (CatalogLayout.commitSeq(k) >= 0) read(k).ifPresent(out::add);
    }
    return out;
  }

  /**
   * The keys of the segment files referenced by the records committed at or after {@code sinceMillis} (by their
   * {@code committedAtMillis}), read from the head back; the walk stops at the first record older than that, so it
   * costs one read per record committed since. Throws if a record between it and the head is missing, so that a
   * caller never decides a file is unreferenced from a partial log.
   */
  public java.util.Set<String> referencedSince(String dataSource, long sinceMillis) throws IOException {
    java.util.Set<String> out = new java.util.HashSet<>();
    Optional<CommitRecord> head = headRecord(dataSource);
    if (head.isEmpty()) return out;
    for (long seq = head.get().seq(); seq > 0; seq--) {
      String key = layout.commitKey(dataSource, seq);
      CommitRecord r = seq == head.get().seq() ? head.get() : read(key).orElse(null);
      if (r == null) throw new IOException("the commit log of " + dataSource + " has no record " + key);
      for (Map<String, Object> segment : r.segments()) {
        if (segment.get("loadSpec") instanceof Map<?, ?> loadSpec && loadSpec.get("key") instanceof String file) {
          out.add(file);
        }
      }
      if (r.committedAtMillis() < sinceMillis) break;
    }
    return out;
  }

  /**
   * Appends a commit if its start offsets equal the committed end offsets of its partitions (a partition never
   * committed, or committed for another topic, accepts any start). Retries a lost race for the next sequence
   * number against the new head.
   */
  public AppendResult append(Contracts.CommitInput in) throws IOException {
    return append(in, Long.MAX_VALUE);
  }

  /**
   * As {@link #append(Contracts.CommitInput)}, but the record is not written once the clock is past
   * {@code deadlineMillis}: a commit attempt Temporal has timed out must not land later (the orphan sweep counts on
   * it). Past it, this throws; the next attempt has a deadline of its own.
   */
  public AppendResult append(Contracts.CommitInput in, long deadlineMillis) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      Optional<CommitRecord> headRecord = headRecord(in.dataSource());
      Contracts.CommittedState head = headRecord.map(CommitRecord::head).orElse(Contracts.CommittedState.empty());
      Map<StreamPartition, Long> committed = in.topic().equals(head.topic()) ? head.partitionOffsets() : Map.of();

      boolean startMatches = true;
      boolean covered = true;
      boolean pending = false;
      for (Map.Entry<StreamPartition, Long> e : in.startOffsets().entrySet()) {
        Long c = committed.get(e.getKey());
        if (in.chainedAt(e.getKey()) && (c == null || c < e.getValue())) pending = true;
        if (c != null && !c.equals(e.getValue())) startMatches = false;
        Long end = in.endOffsets().get(e.getKey());
        if (c == null || end == null || c < end) covered = false;
      }
      if (!startMatches || pending) {
        if (committedByTask(in, head)) {
          return new AppendResult(Outcome.ALREADY_COMMITTED_BY_THIS_TASK, head, "this task's commit is in the log");
        }
        if (covered) {
          return new AppendResult(Outcome.COVERED_BY_ANOTHER_COMMIT, head,
              "offsets " + in.startOffsets() + " to " + in.endOffsets() + " were already committed");
        }
        if (pending && noneBehind(in.startOffsets(), committed)) {
          return new AppendResult(Outcome.PREVIOUS_PENDING, head, "the task that read up to "
              + new TreeMap<>(in.startOffsets()) + " has not committed yet (committed: " + new TreeMap<>(committed)
              + ")");
        }
        return new AppendResult(Outcome.INCONSISTENT, head, "Inconsistent offsets: the task's start offsets "
            + new TreeMap<>(in.startOffsets()) + " do not match the committed offsets " + new TreeMap<>(committed)
            + " of dataSource " + in.dataSource() + ". Reset the supervisor to continue.");
      }
      long seq = head.seq() + 1;
      Map<StreamPartition, Long> after = new TreeMap<>(committed);
      after.putAll(in.endOffsets());
      // events that landed in segments; unparseable and thrown-away records advance offsets but are not events
      long events = in.rowStats() == null ? 0 : in.rowStats().processed() + in.rowStats().processedWithError();
      List<Map<String, Object>> segments = new ArrayList<>();
      for (Contracts.PushedSegment s : in.segments()) segments.add(s.descriptor());
      CommitRecord record = new CommitRecord(CommitRecord.FORMAT_VERSION, seq, in.dataSource(), in.topic(),
          in.taskId(), in.sequenceName(), System.currentTimeMillis(), new TreeMap<>(in.startOffsets()),
          new TreeMap<>(in.endOffsets()), after, segments, in.rowStats(),
          head.totalSegments() + segments.size(), head.totalEvents() + events, CommitRecord.COMMIT);
      if (System.currentTimeMillis() > deadlineMillis) {
        throw new IOException("task " + in.taskId() + ": this commit attempt is past its deadline ("
            + java.time.Instant.ofEpochMilli(deadlineMillis) + ") and does not write its record; the next one will");
      }
      if (create(record)) return new AppendResult(Outcome.COMMITTED, record.head(), "committed as seq " + seq);
      // Another writer claimed seq first: look again.
    }
    throw new IOException("could not claim a commit sequence number for " + in.dataSource() + " after 50 tries");
  }

  /**
   * Appends a reset record: the given partitions' committed offsets become {@code in.offsets()}, the others keep
   * theirs (for another topic than the head's, only the given ones are kept). A task that started from the old
   * offsets then fails its compare-and-set.
   */
  public Contracts.CommittedState reset(Contracts.ResetInput in) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      Contracts.CommittedState head = head(in.dataSource());
      Map<StreamPartition, Long> after =
          new TreeMap<>(in.topic().equals(head.topic()) ? head.partitionOffsets() : Map.of());
      after.putAll(in.offsets());
      CommitRecord record = new CommitRecord(CommitRecord.FORMAT_VERSION, head.seq() + 1, in.dataSource(),
          in.topic(), in.reason(), null, System.currentTimeMillis(), Map.of(), new TreeMap<>(in.offsets()), after,
          List.of(), Contracts.RowStats.zero(), head.totalSegments(), head.totalEvents(), CommitRecord.RESET);
      if (create(record)) return record.head();
    }
    throw new IOException("could not claim a commit sequence number for " + in.dataSource() + " after 50 tries");
  }

  /** Creates the record under its sequence number, if that number is still free. */
  private boolean create(CommitRecord record) throws IOException {
    String key = layout.commitKey(record.dataSource(), record.seq());
    if (!store.createIfAbsent(key, MAPPER.writeValueAsBytes(record))) return false;
    headHint.put(record.dataSource(), key);
    return true;
  }

  /** Whether no committed offset is past the start: the missing range can still be committed by a predecessor. */
  private static boolean noneBehind(Map<StreamPartition, Long> start, Map<StreamPartition, Long> committed) {
    for (Map.Entry<StreamPartition, Long> e : start.entrySet()) {
      Long c = committed.get(e.getKey());
      if (c != null && c > e.getValue()) return false;
    }
    return true;
  }

  /**
   * Whether a record of this task is already in the log (a retried commit whose first reply was lost). Walks back
   * from the head only until records fall before the task's start offsets.
   */
  private boolean committedByTask(Contracts.CommitInput in, Contracts.CommittedState head) throws IOException {
    for (long seq = head.seq(); seq > 0; seq--) {
      Optional<CommitRecord> r = read(layout.commitKey(in.dataSource(), seq));
      if (r.isEmpty()) return false;
      if (in.taskId().equals(r.get().taskId())) return true;
      boolean before = true;
      for (Map.Entry<StreamPartition, Long> e : in.startOffsets().entrySet()) {
        Long c = r.get().partitionOffsets().get(e.getKey());
        if (c != null && c > e.getValue()) before = false;
      }
      if (before) return false;
    }
    return false;
  }
}
