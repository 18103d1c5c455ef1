package io.sluice.segment.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Every JSON supervisor spec example in the reference docs ({@code /work/shared/reference/druid-kafka-ingestion*.md})
 * parses, or is refused with the documented reason. The examples are copied verbatim into
 * {@code src/test/resources/reference-examples/}.
 *
 * <p>The reference holds one JSON example: the sample spec. The later-version excerpt announces "a sample supervisor
 * spec with {@code lagBased} autoScaler enabled" but the JSON itself is missing from the excerpt, so the autoscaler
 * case below builds its spec from the sample plus every property of the excerpt's autoscaler tables.
 */
class ReferenceExamplesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String resource(String name) throws IOException {
    try (InputStream in = ReferenceExamplesTest.class.getResourceAsStream("/reference-examples/" + name)) {
      if (in == null) throw new IOException("missing resource " + name);
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void theSampleSpecParsesAndItsNormalizedFormHasEveryDocumentedDefault() throws IOException {
    SupervisorSpec spec = SpecParser.parse(resource("kafka-sample-supervisor-spec.json"));
    JsonNode n = JSON.readTree(SpecParser.toJson(spec));
    JsonNode io = n.get("ioConfig");
    assertEquals("metrics", io.get("topic").asText());
    assertEquals(100, io.get("pollTimeout").asLong());
    assertEquals(1, io.get("replicas").asInt());
    assertEquals(1, io.get("taskCount").asInt());
    assertEquals("PT1H", io.get("taskDuration").asText());
    assertEquals("PT5S", io.get("startDelay").asText());
    assertEquals("PT30S", io.get("period").asText());
    assertFalse(io.get("useEarliestOffset").asBoolean());
    assertTrue(io.get("useEarliestOffset").isBoolean());
    assertEquals("PT30M", io.get("completionTimeout").asText());
    assertFalse(io.has("lateMessageRejectionPeriod"));
    assertFalse(io.has("earlyMessageRejectionPeriod"));
    assertFalse(io.has("autoScalerConfig"), "absent autoScalerConfig stays absent");
    assertFalse(io.has("idleConfig"), "absent idleConfig stays absent");

    JsonNode t = n.get("tuningConfig");
    assertEquals("kafka", t.get("type").asText());
    assertEquals(1_000_000, t.get("maxRowsInMemory").asInt());
    assertEquals(5_000_000, t.get("maxRowsPerSegment").asInt());
    assertEquals(20_000_000L, t.get("maxTotalRows").asLong());
    assertEquals("PT10M", t.get("intermediatePersistPeriod").asText());
    assertEquals(0, t.get("maxPendingPersists").asInt());
    assertEquals(0, t.get("handoffConditionTimeout").asLong());
    assertFalse(t.get("resetOffsetAutomatically").asBoolean());
    assertFalse(t.get("reportParseExceptions").asBoolean());
    assertEquals(8, t.get("chatRetries").asLong());
    assertEquals("PT10S", t.get("httpTimeout").asText());
    assertEquals("PT80S", t.get("shutdownTimeout").asText());
    assertEquals("PT30S", t.get("offsetFetchPeriod").asText());
    assertEquals("P2147483647D", t.get("intermediateHandoffPeriod").asText());
    assertFalse(t.get("logParseExceptions").asBoolean());
    assertEquals(Integer.MAX_VALUE, t.get("maxParseExceptions").asInt()); // "unlimited"
    assertEquals(0, t.get("maxSavedParseExceptions").asInt());

    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)), "the normalized form parses to the same spec");
  }

  /** The sample with an autoScalerConfig using every documented property, set to non-default values. */
  static ObjectNode autoscalerSpec(boolean enabled) throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(resource("kafka-sample-supervisor-spec.json"));
    ObjectNode a = ((ObjectNode) root.get("ioConfig")).putObject("autoScalerConfig");
    a.put("enableTaskAutoScaler", enabled);
    a.put("taskCountMax", 6);
    a.put("taskCountMin", 2);
    a.put("minTriggerScaleActionFrequencyMillis", 600001);
    a.put("autoScalerStrategy", "lagBased");
    a.put("lagCollectionIntervalMillis", 30001);
    a.put("lagCollectionRangeMillis", 600002);
    a.put("scaleOutThreshold", 6000001);
    a.put("triggerScaleOutFractionThreshold", 0.31);
    a.put("scaleInThreshold", 1000001);
    a.put("triggerScaleInFractionThreshold", 0.91);
    a.put("scaleActionStartDelayMillis", 300001);
    a.put("scaleActionPeriodMillis", 60001);
    a.put("scaleInStep", 3);
    a.put("scaleOutStep", 4);
    return root;
  }

  @Test
  void theAutoscalerExampleEnabledParsesWithAllItsValuesKept() throws IOException {
    ObjectNode given = autoscalerSpec(true);
    SupervisorSpec spec = SpecParser.parse(given.toString());
    AutoScalerConfig a = spec.ioConfig().autoScalerConfig();
    assertEquals(new AutoScalerConfig(true, 6, 2, 600001L, "lagBased", 30001L, 600002L, 6000001L, 0.31, 1000001L,
        0.91, 300001L, 60001L, 3, 4), a);
    assertTrue(AutoScalerConfig.enabled(a));
    JsonNode out = JSON.readTree(SpecParser.toJson(spec)).get("ioConfig").get("autoScalerConfig");
    assertEquals(given.get("ioConfig").get("autoScalerConfig"), out, "every value is kept in the normalized form");
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)));
  }

  @Test
  void theAutoscalerExampleDisabledParsesWithAllItsValuesKept() throws IOException {
    ObjectNode given = autoscalerSpec(false);
    SupervisorSpec spec = SpecParser.parse(given.toString());
    AutoScalerConfig a = spec.ioConfig().autoScalerConfig();
    assertEquals(new AutoScalerConfig(false, 6, 2, 600001L, "lagBased", 30001L, 600002L, 6000001L, 0.31, 1000001L,
        0.91, 300001L, 60001L, 3, 4), a);
    JsonNode out = JSON.readTree(SpecParser.toJson(spec)).get("ioConfig").get("autoScalerConfig");
    assertEquals(given.get("ioConfig").get("autoScalerConfig"), out, "every value is kept in the normalized form");
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)));
  }

  @Test
  void aGivenAutoScalerConfigGetsItsDocumentedDefaults() throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(resource("kafka-sample-supervisor-spec.json"));
    ObjectNode a = ((ObjectNode) root.get("ioConfig")).putObject("autoScalerConfig");
    a.put("taskCountMax", 1);
    a.put("taskCountMin", 1);
    ((ObjectNode) root.get("ioConfig")).putObject("idleConfig");
    SupervisorSpec spec = SpecParser.parse(root.toString());
    JsonNode out = JSON.readTree(SpecParser.toJson(spec)).get("ioConfig");
    JsonNode expected = JSON.readTree("""
        {"enableTaskAutoScaler":false,"taskCountMax":1,"taskCountMin":1,
         "minTriggerScaleActionFrequencyMillis":600000,"autoScalerStrategy":"lagBased",
         "lagCollectionIntervalMillis":30000,"lagCollectionRangeMillis":600000,"scaleOutThreshold":6000000,
         "triggerScaleOutFractionThreshold":0.3,"scaleInThreshold":1000000,"triggerScaleInFractionThreshold":0.9,
         "scaleActionStartDelayMillis":300000,"scaleActionPeriodMillis":60000,"scaleInStep":1,"scaleOutStep":2}""");
    assertEquals(expected, out.get("autoScalerConfig"));
    assertEquals(JSON.readTree("{\"enabled\":false,\"inactiveAfterMillis\":600000}"), out.get("idleConfig"));
    assertNull(SpecParser.parse(resource("kafka-sample-supervisor-spec.json")).ioConfig().idleConfig());
  }

  @Test
  void enabledIdleConfigIsKept() throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(resource("kafka-sample-supervisor-spec.json"));
    ((ObjectNode) root.get("ioConfig")).putObject("idleConfig").put("enabled", true).put("inactiveAfterMillis", 1000);
    SupervisorSpec spec = SpecParser.parse(root.toString());
    assertTrue(spec.ioConfig().idleConfig().enabled());
    assertEquals(1000L, spec.ioConfig().idleConfig().inactiveAfterMillis());
    ((ObjectNode) root.get("ioConfig").get("idleConfig")).put("inactiveAfterMillis", 0);
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(root.toString()));
    assertEquals("ioConfig.idleConfig.inactiveAfterMillis", e.field());
  }
}
