package io.sluice.segment.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.segment.index.MetricSchema;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SpecParserTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static ObjectNode sample() throws IOException {
    try (InputStream in = SpecParserTest.class.getResourceAsStream("/sample-supervisor-spec.json")) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

  @Test
  void theReferenceSampleSpecParsesWithDruidsDefaults() throws IOException {
    SupervisorSpec spec = SpecParser.parse(sample().toString());
    assertEquals("metrics-kafka", spec.id());
    KafkaIoConfig io = spec.ioConfig();
    assertEquals("metrics", io.topic());
    assertEquals(100L, io.pollTimeout());
    assertEquals(1, io.replicas());
    assertEquals(1, io.taskCount());
    assertEquals("PT1H", io.taskDuration());
    assertEquals("PT5S", io.startDelay());
    assertEquals("PT30S", io.period());
    assertFalse(io.useEarliestOffset());
    assertEquals("PT30M", io.completionTimeout());
    assertEquals(5_000_000, spec.tuningConfig().maxRowsPerSegment());
    assertEquals(1_000_000, spec.tuningConfig().maxRowsInMemory());
    assertEquals(0, spec.tuningConfig().maxSavedParseExceptions());
    assertEquals(Integer.MAX_VALUE, spec.tuningConfig().maxParseExceptions());
    assertEquals("PT30S", spec.tuningConfig().offsetFetchPeriod());
    assertTrue(spec.dataSchema().dimensionsSpec().schemaless());
    assertEquals("HOUR", spec.dataSchema().granularitySpec().segmentGranularity());
    assertTrue(spec.dataSchema().granularitySpec().rollup());
    assertEquals(4, spec.dataSchema().metricsSpec().size());
  }

  @Test
  void aTopicPatternIsAcceptedInsteadOfATopic() throws IOException {
    ObjectNode w = sample();
    ((ObjectNode) w.get("ioConfig")).remove("topic");
    ((ObjectNode) w.get("ioConfig")).put("topicPattern", "metrics-(a|b).*");
    SupervisorSpec spec = SpecParser.parse(w.toString());
    KafkaIoConfig io = spec.ioConfig();
    assertEquals(null, io.topic());
    assertEquals("metrics-(a|b).*", io.topicPattern());
    assertEquals("metrics-(a|b).*", io.stream());
    assertTrue(io.multiTopic());
    assertTrue(io.readsTopic("metrics-a"));
    assertTrue(io.readsTopic("metrics-b2"));
    assertFalse(io.readsTopic("metrics-c"), "a full match is needed");
    assertFalse(io.readsTopic("xmetrics-a"), "a full match is needed");
    JsonNode normalized = JSON.readTree(SpecParser.toJson(spec));
    assertFalse(normalized.path("ioConfig").has("topic"));
    assertEquals("metrics-(a|b).*", normalized.path("ioConfig").path("topicPattern").asText());
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)));

    KafkaIoConfig single = SpecParser.parse(sample().toString()).ioConfig();
    assertEquals("metrics", single.stream());
    assertFalse(single.multiTopic());
    assertTrue(single.readsTopic("metrics"));
    assertFalse(single.readsTopic("metrics2"));
  }

  @Test
  void topicAndTopicPatternErrorsNameTheirField() throws IOException {
    ObjectNode both = sample();
    ((ObjectNode) both.get("ioConfig")).put("topicPattern", "metrics.*");
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(both.toString()));
    assertEquals("ioConfig.topicPattern", e.field());
    assertTrue(e.getMessage().contains("only one of topic and topicPattern"), e.getMessage());

    ObjectNode bad = sample();
    ((ObjectNode) bad.get("ioConfig")).remove("topic");
    ((ObjectNode) bad.get("ioConfig")).put("topicPattern", "metrics-[a");
    e = assertThrows(SpecException.class, () -> SpecParser.parse(bad.toString()));
    assertEquals("ioConfig.topicPattern", e.field());
    assertTrue(e.getMessage().contains("not a valid Java regular expression")
        && e.getMessage().contains("Unclosed character class"), e.getMessage());

    ObjectNode neither = sample();
    ((ObjectNode) neither.get("ioConfig")).remove("topic");
    e = assertThrows(SpecException.class, () -> SpecParser.parse(neither.toString()));
    assertEquals("ioConfig.topic", e.field());
  }

  @Test
  void schemaDiscoveryAndBitmaplessDimensionsAreAcceptedAndKeptInTheNormalizedForm() throws IOException {
    ObjectNode json = sample();
    ObjectNode dims = (ObjectNode) json.get("dataSchema").get("dimensionsSpec");
    dims.put("useSchemaDiscovery", true);
    ArrayNode list = dims.putArray("dimensions");
    list.addObject().put("type", "string").put("name", "host").put("createBitmapIndex", false);
    list.add("region");
    SupervisorSpec spec = SpecParser.parse(json.toString());
    DimensionsSpec parsed = spec.dataSchema().dimensionsSpec();
    assertTrue(parsed.useSchemaDiscovery());
    assertTrue(parsed.discoversDimensions(), "listed dimensions and discovery, as Druid");
    assertEquals(false, parsed.dimensionList().get(0).createBitmapIndex());
    assertEquals(false, parsed.dimensionList().get(0).toDimensionSchema().bitmapIndex());
    assertEquals(true, parsed.dimensionList().get(1).toDimensionSchema().bitmapIndex(), "the default");
    assertTrue(parsed.discoveredDimension("other").isTypeAware());
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)));
    assertTrue(SpecParser.toJson(spec).contains("\"createBitmapIndex\":false"), SpecParser.toJson(spec));
    dims.put("useSchemaDiscovery", false);
    assertTrue(!SpecParser.parse(json.toString()).dataSchema().dimensionsSpec().discoveredDimension("o").isTypeAware());
  }

  @Test
  void normalizedFormRoundTrips() throws IOException {
    SupervisorSpec spec = SpecParser.parse(sample().toString());
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)));
  }

  @Test
  void sumsMinsAndMaxesTakeAnExpressionInsteadOfAFieldName() throws IOException {
    ObjectNode json = sample();
    ObjectNode max = (ObjectNode) json.get("dataSchema").get("metricsSpec").get(3);
    max.remove("fieldName");
    max.put("expression", "if(value > 0, value * 2, reading)");
    SupervisorSpec spec = SpecParser.parse(json.toString());
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)));
    MetricSchema m = spec.dataSchema().metricsSpec().get(3).toMetricSchema();
    assertEquals(MetricSchema.Kind.DOUBLE_MAX, m.kind());
    assertEquals(null, m.fieldName());
    assertEquals("if(value > 0, value * 2, reading)", m.expression());
    assertTrue(SpecView.schemalessExclusions(spec.dataSchema()).contains("reading"),
        "an expression's inputs never become discovered dimensions, as in Druid");
    JsonNode out = new ObjectMapper().readTree(SpecParser.toJson(spec)).get("dataSchema").get("metricsSpec").get(3);
    assertEquals("if(value > 0, value * 2, reading)", out.get("expression").asText());
    assertFalse(out.has("fieldName"));
  }

  @Test
  void firstLastAggregatorsAreAcceptedAndTheNormalizedFormShowsDruidsDefaultTimeColumn() throws IOException {
    ObjectNode json = sample();
    ArrayNode metrics = (ArrayNode) json.get("dataSchema").get("metricsSpec");
    String[] types = {"longFirst", "longLast", "doubleFirst", "doubleLast", "floatFirst", "floatLast"};
    for (String type : types) {
      metrics.addObject().put("type", type).put("name", "v_" + type).put("fieldName", "value");
    }
    metrics.addObject().put("type", "longLast").put("name", "seq_last").put("fieldName", "value")
        .put("timeColumn", "seq");
    SupervisorSpec spec = SpecParser.parse(json.toString());
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)));
    JsonNode normalized = new ObjectMapper().readTree(SpecParser.toJson(spec));
    JsonNode out = normalized.get("spec") != null
        ? normalized.get("spec").get("dataSchema").get("metricsSpec")
        : normalized.get("dataSchema").get("metricsSpec");
    for (int i = 0; i < types.length; i++) {
      JsonNode agg = out.get(4 + i);
      assertEquals(types[i], agg.get("type").asText());
      assertEquals("value", agg.get("fieldName").asText());
      assertEquals("__time", agg.get("timeColumn").asText(), agg.toString());
    }
    assertEquals("seq", out.get(10).get("timeColumn").asText());
    assertFalse(out.get(1).has("timeColumn"), "a sum has no timeColumn: " + out.get(1));
    MetricSchema m = spec.dataSchema().metricsSpec().get(10).toMetricSchema();
    assertEquals(MetricSchema.Kind.LONG_LAST, m.kind());
    assertEquals("seq", m.timeColumn());
    // a field that is only a first/last timeColumn never becomes a discovered dimension, as in Druid
    assertTrue(SpecView.schemalessExclusions(spec.dataSchema()).contains("seq"));
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        Arguments.of("missing dataSource", "dataSchema.dataSource",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("dataSchema")).remove("dataSource")),
        Arguments.of("dataSource with slash", "dataSchema.dataSource",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("dataSchema")).put("dataSource", "a/b")),
        Arguments.of("dataSource with leading dot", "dataSchema.dataSource",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("dataSchema")).put("dataSource", ".hidden")),
        Arguments.of("reserved dataSource", "dataSchema.dataSource",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("dataSchema")).put("dataSource", "_sluice")),
        Arguments.of("missing topic", "ioConfig.topic",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("ioConfig")).remove("topic")),
        Arguments.of("missing bootstrap.servers", "ioConfig.consumerProperties.bootstrap.servers",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("ioConfig").get("consumerProperties"))
                .remove("bootstrap.servers")),
        Arguments.of("misspelled ioConfig field", "ioConfig.taskCuont",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("ioConfig")).put("taskCuont", 2)),
        Arguments.of("misspelled top-level field", "tunningConfig",
            (Consumer<ObjectNode>) s -> s.putObject("tunningConfig")),
        Arguments.of("wrong type", "ioConfig.taskCount",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("ioConfig")).put("taskCount", "two")),
        Arguments.of("zero taskCount", "ioConfig.taskCount",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("ioConfig")).put("taskCount", 0)),
        Arguments.of("bad period", "ioConfig.taskDuration",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("ioConfig")).put("taskDuration", "1 hour")),
        Arguments.of("both late rejections", "ioConfig.lateMessageRejectionPeriod",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("ioConfig"))
                .put("lateMessageRejectionPeriod", "PT1H").put("lateMessageRejectionStartDateTime", "2016-01-01T11:00Z")),
        Arguments.of("unknown aggregator", "dataSchema.metricsSpec[1].type",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("dataSchema").get("metricsSpec").get(1))
                .put("type", "doubleAverage")),
        Arguments.of("aggregator without fieldName", "dataSchema.metricsSpec[2].fieldName",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("dataSchema").get("metricsSpec").get(2))
                .remove("fieldName")),
        Arguments.of("bad granularity", "dataSchema.granularitySpec.segmentGranularity",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("dataSchema").get("granularitySpec"))
                .put("segmentGranularity", "FORTNIGHT")),
        Arguments.of("offsetFetchPeriod below PT5S", "tuningConfig.offsetFetchPeriod",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("tuningConfig")).put("offsetFetchPeriod", "PT1S")),
        Arguments.of("wrong supervisor type", "type",
            (Consumer<ObjectNode>) s -> s.put("type", "kinesis")),
        Arguments.of("metric named like a dimension", "dataSchema.dimensionsSpec.dimensions[0]",
            (Consumer<ObjectNode>) s -> ((ObjectNode) s.get("dataSchema").get("dimensionsSpec"))
                .putArray("dimensions").add("count")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void invalidSpecsNameTheField(String name, String field, Consumer<ObjectNode> breakIt) throws IOException {
    ObjectNode spec = sample();
    breakIt.accept(spec);
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(spec.toString()));
    assertEquals(field, e.field(), e.getMessage());
    assertFalse(e.getMessage().isBlank());
  }

  @Test
  void notJsonAndHugeSpecsAreRefused() {
    SpecException notJson = assertThrows(SpecException.class, () -> SpecParser.parse("{not json"));
    assertTrue(notJson.getMessage().startsWith("not valid JSON"), notJson.getMessage());
    byte[] huge = new byte[SpecParser.MAX_SPEC_BYTES + 1];
    SpecException tooBig = assertThrows(SpecException.class, () -> SpecParser.parse(huge));
    assertTrue(tooBig.getMessage().contains("limit"), tooBig.getMessage());
  }

  @Test
  void trailingTokensEmptyBodiesAndNonObjectsAreRefused() throws IOException {
    SpecException trailing = assertThrows(SpecException.class, () -> SpecParser.parse(sample() + " {}"));
    assertTrue(trailing.getMessage().startsWith("not valid JSON"), trailing.getMessage());
    SpecException blank = assertThrows(SpecException.class, () -> SpecParser.parse("  \n "));
    assertTrue(blank.getMessage().contains("empty"), blank.getMessage());
    SpecException array = assertThrows(SpecException.class, () -> SpecParser.parse("[1]"));
    assertEquals("", array.field());
    SpecException duplicate = assertThrows(SpecException.class,
        () -> SpecParser.parse("{\"type\":\"kafka\",\"type\":\"kafka\"}"));
    assertTrue(duplicate.getMessage().startsWith("not valid JSON"), duplicate.getMessage());
  }

  @Test
  void aNullSpecOrParserIsTheFlatForm() throws IOException {
    ObjectNode spec = sample();
    spec.putNull("spec");
    ((ObjectNode) spec.get("dataSchema")).putNull("parser");
    assertEquals(SpecParser.parse(sample().toString()), SpecParser.parse(spec.toString()));
  }
}
