package io.sluice.activities;

import io.sluice.segment.granularity.Granularity;
import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.index.IndexSchema;
import io.sluice.segment.merge.IntermediatePersists;
import io.sluice.segment.parse.JsonRowParser;
import io.sluice.segment.parse.ParseException;
import io.sluice.segment.parse.RowParser;
import io.sluice.segment.parse.RowParsers;
import io.sluice.segment.transform.RowTransformer;
import io.sluice.segment.spec.DataSchema;
import io.sluice.segment.spec.DimensionDiscovery;
import io.sluice.segment.spec.KafkaIoConfig;
import io.sluice.segment.spec.SupervisorSpec;
import io.sluice.segment.spec.TuningConfig;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.Failures;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses records, applies the rejection windows, and adds rows to one {@link IncrementalIndex} per
 * segmentGranularity interval. Counts Druid's row stats. Not thread-safe: one per reading task, used by its reading
 * thread; intermediate persists are written on a thread of their own (see {@link #persist}). {@link #close} stops it.
 */
final class RowIngester implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RowIngester.class);

  private final DataSchema schema;
  private final TuningConfig tuning;
  private final Granularity segmentGranularity;
  private final RowParser parser;
  private final RowTransformer transformer;
  private final DimensionDiscovery discovery;
  private final Map<Long, IncrementalIndex> indexes = new TreeMap<>();
  private final long minTimestamp;
  private final long maxTimestamp;
  private final long maxBytesInMemory;
  private long processed;
  private long processedBytes;
  private long thrownAway;
  private long unparseable;
  private long processedWithError;
  private long parseExceptions;
  private final java.util.ArrayDeque<Contracts.ParseError> saved = new java.util.ArrayDeque<>();
  private final int maxSaved;
  /** Input fields that must hold numbers: metric inputs and typed (long, float, double) dimensions. */
  private final List<String> numericInputs = new ArrayList<>();
  private long totalRows;
  /** Intermediate persists; null when the ingester has no work directory (it then hands off when memory fills). */
  private final IntermediatePersists persists;
  private final long persistPeriodMillis;
  private long lastPersistMillis;
  /** Writes the persists, one at a time in order; created at the first persist. */
  private java.util.concurrent.ExecutorService persistThread;
  /** Persists handed to the persist thread and not yet awaited, oldest first. */
  private final java.util.ArrayDeque<java.util.concurrent.Future<?>> persisting = new java.util.ArrayDeque<>();
  /** Rows handed to persists, per interval: what the persists hold once written. */
  private final Map<Long, Long> persistedRows = new TreeMap<>();
  private final String persistThreadName;

  RowIngester(SupervisorSpec spec, long taskCreatedMillis, long heapBytes) {
    this(spec, taskCreatedMillis, heapBytes, null);
  }

  /**
   * @param persistDir where intermediate persists go (see {@link #persist()}); null for none, in which case reaching
   *                   maxRowsInMemory or maxBytesInMemory makes {@link #handoffDue()} true instead
   */
  RowIngester(SupervisorSpec spec, long taskCreatedMillis, long heapBytes, java.nio.file.Path persistDir) {
    // the attempt's folder names the thread: persistDir is <work>/<attempt>/persists
    this.persistThreadName = "persist-" + (persistDir == null || persistDir.getParent() == null ? "none"
        : persistDir.getParent().getFileName());
    this.schema = spec.dataSchema();
    this.tuning = spec.tuningConfig();
    KafkaIoConfig io = spec.ioConfig();
    this.segmentGranularity = schema.granularitySpec().segment();
    Long missing = schema.timestampSpec().missingValue() == null ? null
        : OffsetDateTime.parse(schema.timestampSpec().missingValue()).toInstant().toEpochMilli();
    this.parser = RowParsers.create(io.inputFormat(), schema.timestampSpec().column(),
        schema.timestampSpec().format(), missing, schema.dimensionsSpec().useSchemaDiscovery());
    this.transformer = schema.transformSpec().transformer();
    this.discovery = new DimensionDiscovery(schema); // schemaless, includeAllDimensions or useSchemaDiscovery
    long min = Long.MIN_VALUE;
    if (io.lateMessageRejectionStartDateTime() != null) {
      min = OffsetDateTime.parse(io.lateMessageRejectionStartDateTime()).toInstant().toEpochMilli();
    } else if (io.lateMessageRejectionPeriod() != null) {
      min = taskCreatedMillis - Duration.parse(io.lateMessageRejectionPeriod()).toMillis();
    }
    this.minTimestamp = min;
    this.maxTimestamp = io.earlyMessageRejectionPeriod() == null ? Long.MAX_VALUE
        : taskCreatedMillis + io.taskDurationMillis() + Duration.parse(io.earlyMessageRejectionPeriod()).toMillis();
    this.maxBytesInMemory = tuning.maxBytesInMemory() > 0 ? tuning.maxBytesInMemory() : heapBytes / 6;
    this.maxSaved = Math.min(tuning.maxSavedParseExceptions(), Contracts.MAX_SAVED_PARSE_EXCEPTIONS);
    for (io.sluice.segment.spec.AggregatorSpec a : schema.metricsSpec()) {
      if (a.fieldName() != null && !numericInputs.contains(a.fieldName())) numericInputs.add(a.fieldName());
      // a first/last timeColumn other than __time is read from the row as a number, as Druid's time selector
      if (a.timeColumn() != null && !"__time".equals(a.timeColumn()) && !numericInputs.contains(a.timeColumn())) {
        numericInputs.add(a.timeColumn());
      }
    }
    for (io.sluice.segment.spec.DimensionsSpec.Dimension d : schema.dimensionsSpec().dimensionList()) {
      if (!"string".equals(d.type()) && !numericInputs.contains(d.name())) numericInputs.add(d.name());
    }
    this.persists = persistDir == null ? null : new IntermediatePersists(persistDir, intermediateIndexSpec());
    this.persistPeriodMillis = periodMillis(tuning.intermediatePersistPeriod());
    this.lastPersistMillis = taskCreatedMillis;
  }

  /**
   * Adds one Kafka record: parsed into zero or more rows, each transformed and filtered (transformSpec), checked
   * against the rejection windows, then added to its interval's index. A record that cannot be parsed, or a row
   * that cannot be transformed or stored, counts as unparseable; a row filtered out or outside the windows counts as
   * thrownAway.
   */
  void add(io.sluice.workflows.StreamPartition partition, long offset, byte[] value) {
    addParsed(partition, offset, value, parse(value));
  }

  /**
   * A record parsed: its rows, or why it could not be parsed. {@link #parse} makes it without touching anything else
   * of the ingester, so a reading task can parse one batch of records on another thread while it adds the previous.
   */
  record Parsed(List<JsonRowParser.Row> rows, String error) {}

  /**
   * Parses one record. Uses only the parser: calls must come from one thread at a time (in order, for the parser's
   * caches), which may be another than the thread adding rows.
   */
  Parsed parse(byte[] value) {
    try {
      return new Parsed(parser.parse(value), null);
    } catch (ParseException e) {
      return new Parsed(null, e.getMessage());
    }
  }

  /** {@link #add} for a record {@link #parse}d already. */
  void addParsed(io.sluice.workflows.StreamPartition partition, long offset, byte[] value, Parsed parsedRecord) {
    processedBytes += value.length;
    if (parsedRecord.error() != null) {
      parseException(partition, offset, value, parsedRecord.error(), true);
      return;
    }
    for (JsonRowParser.Row parsed : parsedRecord.rows()) {
      // schema discovery: nested values the parser skipped leave the row before its transforms (reported below)
      DimensionDiscovery.Fields unmarked = discovery.unmarked(parsed.fields());
      if (unmarked.fields() != parsed.fields()) parsed = new JsonRowParser.Row(parsed.timestamp(), unmarked.fields());
      JsonRowParser.Row row;
      try {
        row = transformer.apply(parsed);
      } catch (ParseException e) {
        parseException(partition, offset, value, e.getMessage(), true);
        continue;
      }
      if (row == null) {
        thrownAway++;
        continue;
      }
      long ts = row.timestamp();
      if (ts < minTimestamp || ts > maxTimestamp) {
        thrownAway++;
        continue;
      }
      // ... and so do arrays and objects the transformed row would put in a discovered column
      DimensionDiscovery.Fields storable = discovery.storable(row.fields());
      if (storable.fields() != row.fields()) row = new JsonRowParser.Row(row.timestamp(), storable.fields());
      String discoveryError = storable.error() != null ? storable.error() : unmarked.error();
      for (DimensionSchema dim : discovery.discover(row.fields())) {
        for (IncrementalIndex open : indexes.values()) open.addDimension(dim);
      }
      long bucket = segmentGranularity.bucketStart(ts);
      IncrementalIndex index = indexes.get(bucket);
      if (index == null) {
        index = new IncrementalIndex(indexSchema());
        indexes.put(bucket, index);
      }
      String badField = discoveryError != null ? discoveryError : badNumericField(row.fields());
      int before = index.rowCount();
      try {
        index.add(ts, row.fields());
      } catch (IllegalArgumentException e) { // a row the index cannot store
        parseException(partition, offset, value, e.getMessage(), true);
        continue;
      }
      totalRows += index.rowCount() - before;
      if (badField == null) {
        processed++;
      } else { // ingested, with that field null: Druid's processedWithError
        processedWithError++;
        parseException(partition, offset, value, badField, false);
      }
    }
  }

  /** The first numeric input holding a string that is not a number, described; null if there is none. */
  private String badNumericField(Map<String, Object> fields) {
    for (String name : numericInputs) {
      if (fields.get(name) instanceof String s && !isNumber(s)) {
        return "field '" + name + "' value '" + excerpt(s, 40) + "' is not a number";
      }
    }
    return null;
  }

  private static boolean isNumber(String s) {
    if (s.isEmpty() || s.length() > 100) return false;
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String excerpt(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }

  /**
   * Counts a parse exception, Druid's way: a whole record that could not be used ({@code unparseable}) or a row
   * ingested with a field that could not be converted (processedWithError). Both count toward
   * {@code maxParseExceptions}; the most recent are saved with partition, offset and an excerpt.
   */
  private void parseException(io.sluice.workflows.StreamPartition partition, long offset, byte[] value, String reason,
      boolean wholeRecord) {
    if (wholeRecord) unparseable++;
    parseExceptions++;
    if (tuning.logParseExceptions()) {
      log.warn("parse exception at partition {} offset {}: {}", partition, offset, reason);
    }
    if (maxSaved > 0) {
      if (saved.size() == maxSaved) saved.removeFirst();
      String text = new String(value, 0, Math.min(value.length, 200), java.nio.charset.StandardCharsets.UTF_8);
      saved.addLast(new Contracts.ParseError(partition, offset, excerpt(text, 120), excerpt(reason, 300),
          wholeRecord));
    }
    if (parseExceptions > tuning.maxParseExceptions()) {
      throw ApplicationFailure.newNonRetryableFailure("Max parse exceptions [" + tuning.maxParseExceptions()
          + "] exceeded; last at partition " + partition + " offset " + offset + ": " + reason,
          Failures.TOO_MANY_PARSE_EXCEPTIONS);
    }
  }

  List<Contracts.ParseError> savedParseExceptions() {
    return List.copyOf(saved);
  }

  private IndexSchema indexSchema() {
    return discovery.indexSchema();
  }

  /**
   * Whether the in-memory rows should be persisted now: maxRowsInMemory or maxBytesInMemory is reached, or
   * intermediatePersistPeriod has passed since the last persist (or the task's creation) and rows are held. Always
   * false without a persist directory.
   */
  boolean persistDue(long nowMillis) {
    if (persists == null) return false;
    long rows = 0;
    long bytes = 0;
    for (IncrementalIndex index : indexes.values()) {
      rows += index.rowCount();
      bytes += index.estimatedBytes();
    }
    if (rows == 0) return false;
    return rows >= tuning.maxRowsInMemory() || bytes >= maxBytesInMemory
        || nowMillis - lastPersistMillis >= persistPeriodMillis;
  }

  /**
   * Hands every in-memory index to the persist thread, which writes each as an intermediate segment
   * (tuningConfig.indexSpecForIntermediatePersists), and starts new indexes, so the task keeps reading while the
   * persist is written, as Druid's appenderator does. As Druid's {@code maxPendingPersists}: at most that many
   * persists wait behind the one being written; when one more would, this blocks until the oldest is written. So the
   * heap holds at most maxBytesInMemory × (2 + maxPendingPersists) of rows, Druid's documented bound. A failed
   * persist is thrown here or by {@link #persists()}.
   */
  void persist(long nowMillis) throws java.io.IOException {
    if (persists == null) throw new IllegalStateException("this ingester has no persist directory");
    Map<Long, IncrementalIndex> batch = new TreeMap<>();
    for (Map.Entry<Long, IncrementalIndex> e : indexes.entrySet()) {
      if (e.getValue().isEmpty()) continue;
      batch.put(e.getKey(), e.getValue());
      persistedRows.merge(e.getKey(), (long) e.getValue().rowCount(), Long::sum);
    }
    indexes.clear();
    lastPersistMillis = nowMillis;
    if (batch.isEmpty()) return;
    awaitPersists(tuning.maxPendingPersists());
    if (persistThread == null) {
      persistThread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, persistThreadName);
        t.setDaemon(true);
        return t;
      });
    }
    persisting.addLast(persistThread.submit(() -> {
      for (Map.Entry<Long, IncrementalIndex> e : batch.entrySet()) {
        persists.persist(e.getKey(), segmentGranularity.bucketEnd(e.getKey()), e.getValue());
      }
      return null;
    }));
  }

  /** Waits until at most {@code most} persists are not yet written; throws the first failure among those awaited. */
  private void awaitPersists(int most) throws java.io.IOException {
    while (persisting.size() > most) {
      try {
        persisting.removeFirst().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted waiting for an intermediate persist");
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof java.io.IOException io) throw io;
        if (cause instanceof RuntimeException re) throw re;
        throw new java.io.IOException("intermediate persist failed", cause);
      }
    }
  }

  /** Stops the persist thread; a persist being written is interrupted. Idempotent. */
  @Override
  public void close() {
    if (persistThread == null) return;
    persistThread.shutdownNow();
    try {
      if (!persistThread.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
        log.warn("{} did not stop within 30 s", persistThreadName);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Druid hands off (publishes, and the next task continues) when an interval's segment reaches maxRowsPerSegment or
   * the task's rows reach maxTotalRows. With a persist directory, memory limits persist instead (see
   * {@link #persistDue}); without one, Sluice also hands off when maxRowsInMemory or maxBytesInMemory is reached.
   */
  boolean handoffDue() {
    if (totalRows >= tuning.maxTotalRows()) return true;
    boolean inMemoryOnly = persists == null;
    if (inMemoryOnly && totalRows >= tuning.maxRowsInMemory()) return true;
    for (long interval : intervals()) { // rows persisted or in memory
      IncrementalIndex index = indexes.get(interval);
      long rows = (index == null ? 0 : index.rowCount()) + persistedRows.getOrDefault(interval, 0L);
      if (rows >= tuning.maxRowsPerSegment()) return true;
    }
    if (!inMemoryOnly) return false;
    long bytes = 0;
    for (IncrementalIndex index : indexes.values()) bytes += index.estimatedBytes();
    return bytes >= maxBytesInMemory;
  }

  /** An ISO period in millis; months and years as 30 and 365 days (only a persist deadline depends on it). */
  static long periodMillis(String iso) {
    try {
      return Duration.parse(iso).toMillis();
    } catch (java.time.format.DateTimeParseException e) {
      java.time.Period p = java.time.Period.parse(iso);
      return Duration.ofDays(p.getYears() * 365L + p.getMonths() * 30L + p.getDays()).toMillis();
    }
  }

  /**
   * The intermediate persists, or null when this ingester does not persist. Waits until every persist handed to the
   * persist thread is written, and throws if one failed.
   */
  IntermediatePersists persists() throws java.io.IOException {
    awaitPersists(0);
    return persists;
  }

  /** Starts of every interval holding rows, in memory or persisted (or being persisted), ascending. */
  java.util.SortedSet<Long> intervals() {
    java.util.SortedSet<Long> out = new java.util.TreeSet<>(indexes.keySet());
    out.addAll(persistedRows.keySet());
    return out;
  }

  /** The schema of the rows: the spec's dimensions plus those discovered so far. */
  IndexSchema schema() {
    return indexSchema();
  }

  int maxRowsPerSegment() {
    return tuning.maxRowsPerSegment();
  }

  /** tuningConfig.indexSpecForIntermediatePersists, or (as Druid) the segments' indexSpec when it has none. */
  io.sluice.segment.spec.IndexSpec intermediateIndexSpec() {
    return tuning.indexSpecForIntermediatePersists() != null ? tuning.indexSpecForIntermediatePersists()
        : tuning.indexSpecOrDefault();
  }

  Map<Long, IncrementalIndex> indexes() {
    return indexes;
  }

  Granularity segmentGranularity() {
    return segmentGranularity;
  }

  /** How the segments are stored: tuningConfig.indexSpec, or Druid's default. */
  io.sluice.segment.spec.IndexSpec indexSpec() {
    return tuning.indexSpecOrDefault();
  }

  Contracts.RowStats stats() {
    return new Contracts.RowStats(processed, processedBytes, processedWithError, thrownAway, unparseable);
  }
}
