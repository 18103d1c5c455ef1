package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;

/**
 * Druid's KafkaSupervisorTuningConfig with its documented defaults. Fields that tune Druid's HTTP chat with tasks
 * ({@code workerThreads}, {@code chatThreads}, {@code chatRetries}, {@code httpTimeout}) are range-checked and kept:
 * Sluice's supervisor talks to tasks through Temporal, so they have nothing to tune (see the README).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TuningConfig(
    @JsonProperty("type") String type,
    @JsonProperty("maxRowsInMemory") Integer maxRowsInMemory,
    @JsonProperty("maxBytesInMemory") Long maxBytesInMemory,
    @JsonProperty("maxRowsPerSegment") Integer maxRowsPerSegment,
    @JsonProperty("maxTotalRows") Long maxTotalRows,
    @JsonProperty("intermediatePersistPeriod") String intermediatePersistPeriod,
    @JsonProperty("maxPendingPersists") Integer maxPendingPersists,
    @JsonProperty("indexSpec") IndexSpec indexSpec,
    @JsonProperty("indexSpecForIntermediatePersists") IndexSpec indexSpecForIntermediatePersists,
    @JsonProperty("reportParseExceptions") Boolean reportParseExceptions,
    @JsonProperty("handoffConditionTimeout") Long handoffConditionTimeout,
    @JsonProperty("resetOffsetAutomatically") Boolean resetOffsetAutomatically,
    @JsonProperty("workerThreads") Integer workerThreads,
    @JsonProperty("chatThreads") Integer chatThreads,
    @JsonProperty("chatRetries") Long chatRetries,
    @JsonProperty("httpTimeout") String httpTimeout,
    @JsonProperty("shutdownTimeout") String shutdownTimeout,
    @JsonProperty("offsetFetchPeriod") String offsetFetchPeriod,
    @JsonProperty("segmentWriteOutMediumFactory") Map<String, Object> segmentWriteOutMediumFactory,
    @JsonProperty("intermediateHandoffPeriod") String intermediateHandoffPeriod,
    @JsonProperty("logParseExceptions") Boolean logParseExceptions,
    @JsonProperty("maxParseExceptions") Integer maxParseExceptions,
    @JsonProperty("maxSavedParseExceptions") Integer maxSavedParseExceptions) {

  public TuningConfig {
    type = type == null ? "kafka" : type;
    if (!"kafka".equals(type)) throw new SpecException("type", "must be \"kafka\", got \"" + type + "\"");
    maxRowsInMemory = Checks.positive(maxRowsInMemory, 1_000_000, "maxRowsInMemory");
    maxBytesInMemory = Checks.nonNegative(maxBytesInMemory, 0L, "maxBytesInMemory"); // 0: one sixth of the heap
    maxRowsPerSegment = Checks.positive(maxRowsPerSegment, 5_000_000, "maxRowsPerSegment");
    maxTotalRows = Checks.positive(maxTotalRows, 20_000_000L, "maxTotalRows");
    intermediatePersistPeriod = Checks.period(intermediatePersistPeriod, "PT10M", "intermediatePersistPeriod");
    maxPendingPersists = (int) Checks.nonNegative(maxPendingPersists == null ? null : (long) maxPendingPersists, 0L,
        "maxPendingPersists");
    reportParseExceptions = reportParseExceptions != null && reportParseExceptions;
    handoffConditionTimeout = Checks.nonNegative(handoffConditionTimeout, 0L, "handoffConditionTimeout");
    resetOffsetAutomatically = resetOffsetAutomatically != null && resetOffsetAutomatically;
    if (workerThreads != null) Checks.positive(workerThreads, 1, "workerThreads");
    if (chatThreads != null) Checks.positive(chatThreads, 1, "chatThreads");
    chatRetries = Checks.nonNegative(chatRetries, 8L, "chatRetries");
    httpTimeout = Checks.period(httpTimeout, "PT10S", "httpTimeout");
    shutdownTimeout = Checks.period(shutdownTimeout, "PT80S", "shutdownTimeout");
    offsetFetchPeriod = Checks.period(offsetFetchPeriod, "PT30S", "offsetFetchPeriod");
    if (Checks.millis(offsetFetchPeriod) < 5_000) {
      throw new SpecException("offsetFetchPeriod", "must be at least PT5S, got " + offsetFetchPeriod);
    }
    if (segmentWriteOutMediumFactory != null) {
      throw new SpecException("segmentWriteOutMediumFactory", "is not supported yet (Sluice writes through files)");
    }
    intermediateHandoffPeriod = Checks.period(intermediateHandoffPeriod, "P2147483647D", "intermediateHandoffPeriod");
    logParseExceptions = logParseExceptions != null && logParseExceptions;
    maxParseExceptions = (int) Checks.nonNegative(maxParseExceptions == null ? null : (long) maxParseExceptions,
        Integer.MAX_VALUE, "maxParseExceptions");
    maxSavedParseExceptions = (int) Checks.nonNegative(
        maxSavedParseExceptions == null ? null : (long) maxSavedParseExceptions, 0L, "maxSavedParseExceptions");
    if (reportParseExceptions) {
      maxParseExceptions = 0;
      maxSavedParseExceptions = Math.min(1, maxSavedParseExceptions);
    }
  }

  /**
   * The indexSpec segments are written with; Druid's default when the spec has none. ({@code
   * indexSpecForIntermediatePersists}, defaulting to this, is what intermediate persists are written with.)
   */
  @JsonIgnore
  public IndexSpec indexSpecOrDefault() {
    return indexSpec == null ? IndexSpec.DEFAULT : indexSpec;
  }

  public static TuningConfig defaults() {
    return new TuningConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null);
  }
}
