package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code ioConfig.inputFormat}. Only {@code json} without flattenSpec in this version. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InputFormat(
    @JsonProperty("type") String type,
    @JsonProperty("flattenSpec") Object flattenSpec,
    @JsonProperty("featureSpec") Object featureSpec,
    @JsonProperty("keepNullColumns") Boolean keepNullColumns) {

  public InputFormat {
    Checks.required(type, "type");
    if (!"json".equals(type)) {
      throw new SpecException("type", "input format '" + type + "' is not supported yet; use \"json\"");
    }
    if (flattenSpec != null) throw new SpecException("flattenSpec", "is not supported yet");
    if (featureSpec != null) throw new SpecException("featureSpec", "is not supported yet");
  }
}
