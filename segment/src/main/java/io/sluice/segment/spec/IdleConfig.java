package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Druid's {@code ioConfig.idleConfig}: {@code enabled} (default false) and {@code inactiveAfterMillis} (default
 * 600000, > 0). When enabled, a supervisor whose stream has had no new data for {@code inactiveAfterMillis}, and whose
 * data is all committed, shows {@code IDLE} and starts no tasks until new data arrives.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IdleConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("inactiveAfterMillis") Long inactiveAfterMillis) {

  public IdleConfig {
    enabled = enabled != null && enabled;
    inactiveAfterMillis = Checks.positive(inactiveAfterMillis, 600_000L, "inactiveAfterMillis");
  }
}
