package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Druid's {@code ioConfig.idleConfig}: {@code enabled} (default false) and {@code inactiveAfterMillis} (default
 * 600000, > 0). Sluice has no idle supervisor state yet, so {@code enabled: true} is refused rather than ignored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IdleConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("inactiveAfterMillis") Long inactiveAfterMillis) {

  public IdleConfig {
    enabled = enabled != null && enabled;
    if (enabled) throw new SpecException("enabled", "idle supervisors are not supported yet; set it to false");
    inactiveAfterMillis = Checks.positive(inactiveAfterMillis, 600_000L, "inactiveAfterMillis");
  }
}
