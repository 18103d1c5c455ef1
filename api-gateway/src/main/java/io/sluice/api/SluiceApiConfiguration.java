package io.sluice.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

/** The gateway's YAML configuration. Every external system can point at a real deployment. */
public class SluiceApiConfiguration extends Configuration {
  public static class Temporal {
    @NotEmpty @JsonProperty public String target = "127.0.0.1:7233";
    @NotEmpty @JsonProperty public String namespace = "default";
    /** mTLS client certificate and key (PEM) for Temporal Cloud or a TLS-enabled cluster; empty: plaintext. */
    @JsonProperty public String tlsCert = "";
    @JsonProperty public String tlsKey = "";
    /** How long a status query may wait for a worker to answer before the API says 503. */
    @Min(1) @JsonProperty public int queryTimeoutSeconds = 5;
  }

  public static class S3 {
    @NotEmpty @JsonProperty public String endpoint = "http://127.0.0.1:9000";
    @NotEmpty @JsonProperty public String accessKey = "sluice";
    @NotEmpty @JsonProperty public String secretKey = "sluice-secret";
    @NotEmpty @JsonProperty public String region = "us-east-1";
    @NotEmpty @JsonProperty public String bucket = "sluice";
    @JsonProperty public String baseKey = "druid/segments";
  }

  /** Druid's {@code druid.supervisor.*} settings. */
  public static class Supervisor {
    @Min(1) @JsonProperty public int unhealthinessThreshold = 3;
    @Min(1) @JsonProperty public int healthinessThreshold = 3;
    @Min(1) @JsonProperty public int taskUnhealthinessThreshold = 3;
    @Min(1) @JsonProperty public int taskHealthinessThreshold = 3;
    @Min(0) @JsonProperty public int maxStoredExceptionEvents = 20;
    /**
     * Sluice's own (Druid has no such sweep): how often each supervisor deletes its dataSource's segment files that
     * no commit references, and how long ago such a file must have been pushed, and its task's workflow have closed,
     * before it goes. ISO-8601 durations.
     */
    @NotEmpty @JsonProperty public String orphanSweepPeriod = "PT1H";
    @NotEmpty @JsonProperty public String orphanGracePeriod = "PT1H";

    /** {@code value} of setting {@code name} in millis; a clear error for one that is not a positive duration. */
    static long millis(String name, String value) {
      try {
        long ms = java.time.Duration.parse(value).toMillis();
        if (ms > 0) return ms;
      } catch (java.time.format.DateTimeParseException e) {
        // reported below
      }
      throw new IllegalArgumentException("supervisor." + name + " must be a positive ISO-8601 duration such as "
          + "PT1H; got '" + value + "'");
    }
  }

  @Valid @NotNull @JsonProperty public Temporal temporal = new Temporal();
  @Valid @NotNull @JsonProperty public S3 s3 = new S3();
  @Valid @NotNull @JsonProperty public Supervisor supervisor = new Supervisor();
}
