package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Druid's {@code ioConfig.autoScalerConfig} (later Druid versions, "Task Autoscaler Properties" and "Lag Based
 * AutoScaler Strategy Related Properties"), with the documented defaults filled in. With
 * {@code enableTaskAutoScaler: true} the supervisor starts at {@code taskCountMin} tasks (ioConfig's
 * {@code taskCount} is ignored, as documented) and moves between {@code taskCountMin} and {@code taskCountMax} by
 * aggregate lag; a disabled config is validated and kept so it round-trips, and changes nothing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AutoScalerConfig(
    @JsonProperty("enableTaskAutoScaler") Boolean enableTaskAutoScaler,
    @JsonProperty("taskCountMax") Integer taskCountMax,
    @JsonProperty("taskCountMin") Integer taskCountMin,
    @JsonProperty("minTriggerScaleActionFrequencyMillis") Long minTriggerScaleActionFrequencyMillis,
    @JsonProperty("autoScalerStrategy") String autoScalerStrategy,
    @JsonProperty("lagCollectionIntervalMillis") Long lagCollectionIntervalMillis,
    @JsonProperty("lagCollectionRangeMillis") Long lagCollectionRangeMillis,
    @JsonProperty("scaleOutThreshold") Long scaleOutThreshold,
    @JsonProperty("triggerScaleOutFractionThreshold") Double triggerScaleOutFractionThreshold,
    @JsonProperty("scaleInThreshold") Long scaleInThreshold,
    @JsonProperty("triggerScaleInFractionThreshold") Double triggerScaleInFractionThreshold,
    @JsonProperty("scaleActionStartDelayMillis") Long scaleActionStartDelayMillis,
    @JsonProperty("scaleActionPeriodMillis") Long scaleActionPeriodMillis,
    @JsonProperty("scaleInStep") Integer scaleInStep,
    @JsonProperty("scaleOutStep") Integer scaleOutStep) {

  public static final String LAG_BASED = "lagBased";

  public AutoScalerConfig {
    enableTaskAutoScaler = enableTaskAutoScaler != null && enableTaskAutoScaler;
    Checks.required(taskCountMax, "taskCountMax");
    Checks.required(taskCountMin, "taskCountMin");
    if (taskCountMin < 1) throw new SpecException("taskCountMin", "must be >= 1, got " + taskCountMin);
    if (taskCountMax < taskCountMin) {
      throw new SpecException("taskCountMax",
          "must be >= taskCountMin (" + taskCountMin + "), got " + taskCountMax);
    }
    minTriggerScaleActionFrequencyMillis = Checks.positive(minTriggerScaleActionFrequencyMillis, 600_000L,
        "minTriggerScaleActionFrequencyMillis");
    autoScalerStrategy = autoScalerStrategy == null ? LAG_BASED : autoScalerStrategy;
    if (!LAG_BASED.equals(autoScalerStrategy)) {
      throw new SpecException("autoScalerStrategy",
          "must be \"" + LAG_BASED + "\" (the only strategy), got \"" + autoScalerStrategy + "\"");
    }
    lagCollectionIntervalMillis = Checks.positive(lagCollectionIntervalMillis, 30_000L, "lagCollectionIntervalMillis");
    lagCollectionRangeMillis = Checks.positive(lagCollectionRangeMillis, 600_000L, "lagCollectionRangeMillis");
    if (lagCollectionRangeMillis < lagCollectionIntervalMillis) {
      throw new SpecException("lagCollectionRangeMillis", "must be >= lagCollectionIntervalMillis ("
          + lagCollectionIntervalMillis + "), got " + lagCollectionRangeMillis);
    }
    scaleOutThreshold = Checks.nonNegative(scaleOutThreshold, 6_000_000L, "scaleOutThreshold");
    triggerScaleOutFractionThreshold = fraction(triggerScaleOutFractionThreshold, 0.3,
        "triggerScaleOutFractionThreshold");
    scaleInThreshold = Checks.nonNegative(scaleInThreshold, 1_000_000L, "scaleInThreshold");
    triggerScaleInFractionThreshold = fraction(triggerScaleInFractionThreshold, 0.9,
        "triggerScaleInFractionThreshold");
    scaleActionStartDelayMillis = Checks.positive(scaleActionStartDelayMillis, 300_000L,
        "scaleActionStartDelayMillis");
    scaleActionPeriodMillis = Checks.positive(scaleActionPeriodMillis, 60_000L, "scaleActionPeriodMillis");
    scaleInStep = Checks.positive(scaleInStep, 1, "scaleInStep");
    scaleOutStep = Checks.positive(scaleOutStep, 2, "scaleOutStep");
  }

  /** Whether the autoscaler runs: the config is given and enabled. */
  public static boolean enabled(AutoScalerConfig c) {
    return c != null && c.enableTaskAutoScaler();
  }

  private static double fraction(Double value, double dflt, String field) {
    double v = value == null ? dflt : value;
    if (!(v >= 0.0 && v <= 1.0)) throw new SpecException(field, "must be a fraction in [0, 1], got " + v);
    return v;
  }
}
