package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Druid's KafkaSupervisorIOConfig, with its documented defaults: pollTimeout 100, replicas 1, taskCount 1,
 * taskDuration PT1H, startDelay PT5S, period PT30S, useEarliestOffset false, completionTimeout PT30M.
 * {@link AutoScalerConfig} and {@link IdleConfig} are absent unless given; when given, their defaults are filled in.
 * Exactly one of {@code topic} and {@code topicPattern} (a Java regular expression; every topic whose whole name it
 * matches is read, including topics created later) is given, as in Druid.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KafkaIoConfig(
    @JsonProperty("topic") String topic,
    @JsonProperty("topicPattern") String topicPattern,
    @JsonProperty("inputFormat") InputFormat inputFormat,
    @JsonProperty("consumerProperties") Map<String, Object> consumerProperties,
    @JsonProperty("pollTimeout") Long pollTimeout,
    @JsonProperty("replicas") Integer replicas,
    @JsonProperty("taskCount") Integer taskCount,
    @JsonProperty("taskDuration") String taskDuration,
    @JsonProperty("startDelay") String startDelay,
    @JsonProperty("period") String period,
    @JsonProperty("useEarliestOffset") Boolean useEarliestOffset,
    @JsonProperty("completionTimeout") String completionTimeout,
    @JsonProperty("lateMessageRejectionStartDateTime") String lateMessageRejectionStartDateTime,
    @JsonProperty("lateMessageRejectionPeriod") String lateMessageRejectionPeriod,
    @JsonProperty("earlyMessageRejectionPeriod") String earlyMessageRejectionPeriod,
    @JsonProperty("autoScalerConfig") AutoScalerConfig autoScalerConfig,
    @JsonProperty("idleConfig") IdleConfig idleConfig) {

  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

  public KafkaIoConfig {
    if (topic != null && topicPattern != null) {
      throw new SpecException("topicPattern", "only one of topic and topicPattern can be specified");
    }
    if (topicPattern == null) {
      Checks.required(topic, "topic");
    } else {
      Checks.required(topicPattern, "topicPattern");
      try {
        Pattern.compile(topicPattern);
      } catch (PatternSyntaxException e) {
        throw new SpecException("topicPattern", "is not a valid Java regular expression: "
            + e.getDescription() + " near index " + e.getIndex() + " of '" + topicPattern + "'");
      }
    }
    Checks.required(inputFormat, "inputFormat");
    Checks.required(consumerProperties, "consumerProperties");
    consumerProperties = checkConsumerProperties(consumerProperties);
    pollTimeout = Checks.positive(pollTimeout, 100L, "pollTimeout");
    replicas = Checks.positive(replicas, 1, "replicas");
    taskCount = Checks.positive(taskCount, 1, "taskCount");
    taskDuration = Checks.period(taskDuration, "PT1H", "taskDuration");
    if (Checks.millis(taskDuration) <= 0) throw new SpecException("taskDuration", "must be longer than zero");
    startDelay = Checks.period(startDelay, "PT5S", "startDelay");
    period = Checks.period(period, "PT30S", "period");
    if (Checks.millis(period) <= 0) throw new SpecException("period", "must be longer than zero");
    useEarliestOffset = useEarliestOffset != null && useEarliestOffset;
    completionTimeout = Checks.period(completionTimeout, "PT30M", "completionTimeout");
    Checks.dateTime(lateMessageRejectionStartDateTime, "lateMessageRejectionStartDateTime");
    Checks.period(lateMessageRejectionPeriod, null, "lateMessageRejectionPeriod");
    Checks.period(earlyMessageRejectionPeriod, null, "earlyMessageRejectionPeriod");
    if (lateMessageRejectionStartDateTime != null && lateMessageRejectionPeriod != null) {
      throw new SpecException("lateMessageRejectionPeriod",
          "only one of lateMessageRejectionPeriod and lateMessageRejectionStartDateTime can be specified");
    }
    // autoScalerConfig and idleConfig validate themselves.
  }

  private static Map<String, Object> checkConsumerProperties(Map<String, Object> props) {
    Map<String, Object> out;
    try {
      out = ConsumerProperties.validate(props);
    } catch (SpecException e) {
      throw e.under("consumerProperties");
    }
    boolean fromProvider = out.get(ConsumerProperties.DYNAMIC_CONFIG_PROVIDER) instanceof Map<?, ?> m
        && m.get("variables") instanceof Map<?, ?> vars && vars.containsKey(BOOTSTRAP_SERVERS);
    Object servers = out.get(BOOTSTRAP_SERVERS);
    if (!fromProvider && !(servers instanceof String s && !s.isBlank()) && !(servers instanceof Map)) {
      throw new SpecException("consumerProperties." + BOOTSTRAP_SERVERS, "is required (host:port[,host:port…])");
    }
    return out;
  }

  /** The stream's name, as Druid's {@code getStream()}: the topic, or the topic pattern. */
  @JsonIgnore
  public String stream() {
    return topic != null ? topic : topicPattern;
  }

  /** Whether this supervisor reads every topic matching {@code topicPattern} (Druid's multi-topic ingestion). */
  @JsonIgnore
  public boolean multiTopic() {
    return topicPattern != null;
  }

  /** Whether this supervisor reads {@code topicName}: its topic, or a whole match of its topicPattern. */
  public boolean readsTopic(String topicName) {
    return topicPattern == null ? topic.equals(topicName) : Pattern.matches(topicPattern, topicName);
  }

  @JsonIgnore
  public long taskDurationMillis() {
    return Checks.millis(taskDuration);
  }

  @JsonIgnore
  public long startDelayMillis() {
    return Checks.millis(startDelay);
  }

  @JsonIgnore
  public long periodMillis() {
    return Checks.millis(period);
  }

  @JsonIgnore
  public long completionTimeoutMillis() {
    return Checks.millis(completionTimeout);
  }

}
