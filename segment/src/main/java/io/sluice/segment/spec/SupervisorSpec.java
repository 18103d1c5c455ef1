package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Druid {@code kafka} supervisor spec, exactly the JSON Druid's Overlord accepts at
 * {@code POST /druid/indexer/v1/supervisor}. Every record of the model is immutable and validated in its
 * constructor; defaults are Druid's documented ones and are filled in, so a spec serializes back in normalized form.
 *
 * <p>This is the flat form. {@link SpecParser} also accepts Druid's wrapped form
 * ({@code {"type":"kafka","spec":{"dataSchema":…,"ioConfig":…,"tuningConfig":…},"context":…,"suspended":…}}) and the
 * legacy {@code dataSchema.parser}, and maps both onto this record; a spec always serializes flat.
 * {@code context} is Druid's free-form supervisor context (default empty); Sluice keeps and returns it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SupervisorSpec(
    @JsonProperty("type") String type,
    @JsonProperty("dataSchema") DataSchema dataSchema,
    @JsonProperty("ioConfig") KafkaIoConfig ioConfig,
    @JsonProperty("tuningConfig") TuningConfig tuningConfig,
    @JsonProperty("suspended") Boolean suspended,
    @JsonProperty("context") Map<String, Object> context) {

  public SupervisorSpec {
    Checks.required(type, "type");
    if (!"kafka".equals(type)) {
      throw new SpecException("type", "must be \"kafka\" (the only supervisor type Sluice runs), got \"" + type + "\"");
    }
    Checks.required(dataSchema, "dataSchema");
    Checks.required(ioConfig, "ioConfig");
    tuningConfig = tuningConfig == null ? TuningConfig.defaults() : tuningConfig;
    suspended = suspended != null && suspended;
    context = context == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(context));
    dataSchema.checkAgainstColumns();
  }

  /** The same spec, suspended or running (Druid keeps the suspended flag in the stored spec). */
  public SupervisorSpec withSuspended(boolean value) {
    return new SupervisorSpec(type, dataSchema, ioConfig, tuningConfig, value, context);
  }

  /** The supervisor id. Druid uses the dataSource. */
  public String id() {
    return dataSchema.dataSource();
  }
}
