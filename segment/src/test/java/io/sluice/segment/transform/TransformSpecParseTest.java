package io.sluice.segment.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.segment.spec.SpecException;
import io.sluice.segment.spec.SpecParser;
import io.sluice.segment.spec.SupervisorSpec;
import io.sluice.segment.spec.TransformSpec;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Full supervisor specs with a transformSpec, through {@link SpecParser#parse(String)}. */
class TransformSpecParseTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static final String TRANSFORM_SPEC = """
      {
        "filter": {"type": "and", "fields": [
          {"type": "not", "field": {"type": "selector", "dimension": "host", "value": null}},
          {"type": "bound", "dimension": "value", "lower": "0", "ordering": "numeric"},
          {"type": "or", "fields": [
            {"type": "in", "dimension": "region", "values": ["us-east", "eu-west"]},
            {"type": "like", "dimension": "service", "pattern": "api!_%", "escape": "!"},
            {"type": "regex", "dimension": "host", "pattern": "^web-\\\\d+$"}
          ]}
        ]},
        "transforms": [
          {"type": "expression", "name": "host", "expression": "upper(host)"},
          {"type": "expression", "name": "hostRegion", "expression": "concat(host, '@', nvl(region, 'none'))"},
          {"type": "expression", "name": "value_sum", "expression": "value * 2"}
        ]
      }
      """;

  static ObjectNode spec(String transformSpec) throws IOException {
    ObjectNode s;
    try (InputStream in = TransformSpecParseTest.class.getResourceAsStream("/sample-supervisor-spec.json")) {
      s = (ObjectNode) JSON.readTree(in);
    }
    if (transformSpec != null) ((ObjectNode) s.get("dataSchema")).set("transformSpec", JSON.readTree(transformSpec));
    return s;
  }

  static SpecException error(String transformSpec) throws IOException {
    String json = spec(transformSpec).toString();
    return assertThrows(SpecException.class, () -> SpecParser.parse(json));
  }

  @Test
  void noTransformSpecMeansNone() throws IOException {
    SupervisorSpec spec = SpecParser.parse(spec(null).toString());
    TransformSpec ts = spec.dataSchema().transformSpec();
    assertNull(ts.filter());
    assertTrue(ts.transforms().isEmpty());
    assertSame(RowTransformer.NONE, ts.transformer());
    assertTrue(ts.transformer().isNoop());
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)));
  }

  @Test
  void aFullTransformSpecParsesAndRoundTrips() throws IOException {
    SupervisorSpec spec = SpecParser.parse(spec(TRANSFORM_SPEC).toString());
    TransformSpec ts = spec.dataSchema().transformSpec();
    Filter.And and = assertInstanceOf(Filter.And.class, ts.filter());
    assertEquals(3, and.fields().size());
    assertEquals("numeric", ((Filter.Bound) and.fields().get(1)).ordering());
    assertEquals(3, ts.transforms().size());
    assertEquals("value_sum", ts.transforms().get(2).name(), "a transform may share a metric's name");
    String json = SpecParser.toJson(spec);
    assertEquals(spec, SpecParser.parse(json));
    JsonNode normalized = JSON.readTree(json).get("dataSchema").get("transformSpec");
    assertEquals("and", normalized.get("filter").get("type").asText());
    assertEquals("expression", normalized.get("transforms").get(0).get("type").asText());
    assertEquals("lexicographic",
        JSON.readTree(SpecParser.toJson(SpecParser.parse(spec("""
            {"filter": {"type": "bound", "dimension": "x", "upper": "b"}}
            """).toString()))).get("dataSchema").get("transformSpec").get("filter").get("ordering").asText(),
        "defaults are filled in");
    assertTrue(!ts.transformer().isNoop());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "unknown filter type|{\"filter\": {\"type\": \"equals\", \"column\": \"x\", \"matchValue\": \"a\"}}"
          + "|dataSchema.transformSpec.filter.type|filter type \"equals\" is not supported",
      "missing filter type|{\"filter\": {\"dimension\": \"x\"}}|dataSchema.transformSpec.filter.type|is required",
      "unknown nested filter type|{\"filter\": {\"type\": \"not\", \"field\": {\"type\": \"and\", \"fields\": ["
          + "{\"type\": \"selector\", \"dimension\": \"x\"}, {\"type\": \"javascript\"}]}}}"
          + "|dataSchema.transformSpec.filter.field.fields[1].type|\"javascript\" is not supported",
      "unknown filter field|{\"filter\": {\"type\": \"selector\", \"dimension\": \"x\", \"valeu\": \"a\"}}"
          + "|dataSchema.transformSpec.filter.valeu|unknown field",
      "invalid regex|{\"filter\": {\"type\": \"or\", \"fields\": [{\"type\": \"selector\", \"dimension\": \"x\"},"
          + "{\"type\": \"regex\", \"dimension\": \"x\", \"pattern\": \"[a-\"}]}}"
          + "|dataSchema.transformSpec.filter.fields[1].pattern|not a valid regular expression",
      "like pattern ending in escape|{\"filter\": {\"type\": \"like\", \"dimension\": \"x\", \"pattern\": \"a!\","
          + " \"escape\": \"!\"}}|dataSchema.transformSpec.filter.pattern|escape",
      "unsupported bound ordering|{\"filter\": {\"type\": \"bound\", \"dimension\": \"x\", \"lower\": \"a\","
          + " \"ordering\": \"version\"}}|dataSchema.transformSpec.filter.ordering|'version' is not supported",
      "extractionFn|{\"filter\": {\"type\": \"selector\", \"dimension\": \"x\", \"value\": \"a\","
          + " \"extractionFn\": {\"type\": \"upper\"}}}|dataSchema.transformSpec.filter.extractionFn|not supported",
      "unsupported function|{\"transforms\": [{\"type\": \"expression\", \"name\": \"a\", \"expression\": \"x\"},"
          + "{\"type\": \"expression\", \"name\": \"b\", \"expression\": \"timestamp_floor(__time, 'PT1H')\"}]}"
          + "|dataSchema.transformSpec.transforms[1].expression|function 'timestamp_floor' is not supported",
      "json_value|{\"transforms\": [{\"type\": \"expression\", \"name\": \"b\", \"expression\": "
          + "\"json_value(payload, '$.a')\"}]}|dataSchema.transformSpec.transforms[0].expression|'json_value'",
      "syntax error|{\"transforms\": [{\"type\": \"expression\", \"name\": \"b\", \"expression\": \"(x + 1\"}]}"
          + "|dataSchema.transformSpec.transforms[0].expression|')' is missing",
      "unsupported operator|{\"transforms\": [{\"type\": \"expression\", \"name\": \"b\", \"expression\": "
          + "\"x ^ 2\"}]}|dataSchema.transformSpec.transforms[0].expression|'^'",
      "duplicate transform name|{\"transforms\": [{\"type\": \"expression\", \"name\": \"b\", \"expression\": "
          + "\"x\"}, {\"type\": \"expression\", \"name\": \"b\", \"expression\": \"y\"}]}"
          + "|dataSchema.transformSpec.transforms[1].name|duplicate transform name 'b'",
      "unknown transform type|{\"transforms\": [{\"type\": \"javascript\", \"name\": \"b\", \"expression\": "
          + "\"x\"}]}|dataSchema.transformSpec.transforms[0].type|'javascript' is not supported",
      "missing transform name|{\"transforms\": [{\"type\": \"expression\", \"expression\": \"x\"}]}"
          + "|dataSchema.transformSpec.transforms[0].name|is required",
      "missing expression|{\"transforms\": [{\"type\": \"expression\", \"name\": \"b\"}]}"
          + "|dataSchema.transformSpec.transforms[0].expression|is required",
      "unknown transformSpec field|{\"filters\": []}|dataSchema.transformSpec.filters|unknown field",
  })
  void invalidTransformSpecsNameTheField(String why, String transformSpec, String field, String message)
      throws IOException {
    SpecException e = error(transformSpec);
    assertEquals(field, e.field(), why + ": " + e);
    assertTrue(e.getMessage().contains(message), why + ": " + e);
  }

  @Test
  void hostileExpressionsAreRefusedNotFatal() throws IOException {
    String deep = "(".repeat(3000) + "x" + ")".repeat(3000);
    SpecException e = error("{\"transforms\": [{\"type\": \"expression\", \"name\": \"b\", \"expression\": \""
        + deep + "\"}]}");
    assertEquals("dataSchema.transformSpec.transforms[0].expression", e.field());
    String longOne = "x" + " + x".repeat(3000);
    e = error("{\"transforms\": [{\"type\": \"expression\", \"name\": \"b\", \"expression\": \"" + longOne + "\"}]}");
    assertEquals("dataSchema.transformSpec.transforms[0].expression", e.field());
    assertTrue(e.getMessage().contains("limit is 10000"), e.toString());
  }
}
