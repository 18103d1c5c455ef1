package io.sluice.segment.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Druid's wrapped top-level form and the legacy {@code dataSchema.parser}, mapped onto the flat model. */
class SpecFormsTest {
  static ObjectNode wrapped() throws Exception {
    ObjectNode flat = SpecParserTest.sample();
    ObjectNode w = SpecParserTest.JSON.createObjectNode();
    w.put("type", "kafka");
    ObjectNode spec = w.putObject("spec");
    spec.set("dataSchema", flat.get("dataSchema"));
    spec.set("ioConfig", flat.get("ioConfig"));
    spec.set("tuningConfig", flat.get("tuningConfig"));
    w.putObject("context").put("taskLockType", "APPEND");
    w.put("suspended", false);
    return w;
  }

  static ObjectNode obj(ObjectNode root, String dotted) {
    ObjectNode n = root;
    for (String k : dotted.split("\\.")) n = (ObjectNode) n.get(k);
    return n;
  }

  static SpecException error(ObjectNode spec) {
    return assertThrows(SpecException.class, () -> SpecParser.parse(spec.toString()));
  }

  @Test
  void wrappedAndFlatParseToEqualSpecs() throws Exception {
    ObjectNode w = wrapped();
    SupervisorSpec fromWrapped = SpecParser.parse(w.toString());
    ObjectNode flat = SpecParserTest.sample();
    flat.putObject("context").put("taskLockType", "APPEND");
    SupervisorSpec fromFlat = SpecParser.parse(flat.toString());
    assertEquals(fromFlat, fromWrapped);
    assertEquals(Map.of("taskLockType", "APPEND"), fromWrapped.context());
    assertEquals(Map.of(), SpecParser.parse(SpecParserTest.sample().toString()).context());
  }

  @Test
  void theNormalizedFormIsFlatAndRoundTrips() throws Exception {
    SupervisorSpec spec = SpecParser.parse(wrapped().toString());
    String json = SpecParser.toJson(spec);
    ObjectNode tree = (ObjectNode) SpecParserTest.JSON.readTree(json);
    assertFalse(tree.has("spec"), json);
    assertTrue(tree.has("dataSchema") && tree.has("ioConfig") && tree.has("tuningConfig"), json);
    assertEquals("APPEND", tree.get("context").get("taskLockType").asText());
    assertEquals(spec, SpecParser.parse(json));
    assertEquals(spec.withSuspended(true).context(), spec.context());
  }

  @Test
  void druidsOutputWithBothCopiesAndIoConfigTypeIsAccepted() throws Exception {
    ObjectNode w = wrapped();
    obj(w, "spec.ioConfig").put("type", "kafka");
    w.set("dataSchema", w.get("spec").get("dataSchema").deepCopy());
    w.set("ioConfig", w.get("spec").get("ioConfig").deepCopy());
    w.set("tuningConfig", w.get("spec").get("tuningConfig").deepCopy());
    assertEquals(SpecParser.parse(wrapped().toString()), SpecParser.parse(w.toString()));
  }

  @Test
  void differingCopiesAreAnErrorNamingSpec() throws Exception {
    ObjectNode w = wrapped();
    w.set("ioConfig", w.get("spec").get("ioConfig").deepCopy());
    obj(w, "ioConfig").put("topic", "other");
    assertEquals("spec", error(w).field());
  }

  @Test
  void aPartGivenOnlyAtTheTopLevelOfAWrappedSpecKeepsItsFlatPath() throws Exception {
    ObjectNode w = wrapped();
    w.set("tuningConfig", obj(w, "spec").remove("tuningConfig"));
    assertEquals(SpecParser.parse(wrapped().toString()), SpecParser.parse(w.toString()));
    obj(w, "tuningConfig").put("maxRowsPerSegment", 0);
    assertEquals("tuningConfig.maxRowsPerSegment", error(w).field());
  }

  static Stream<Arguments> wrappedErrors() {
    return Stream.of(
        Arguments.of("spec.ioConfig.topic", (Consumer<ObjectNode>) w -> obj(w, "spec.ioConfig").remove("topic")),
        Arguments.of("spec.ioConfig.taskCuont", (Consumer<ObjectNode>) w -> obj(w, "spec.ioConfig").put("taskCuont", 1)),
        Arguments.of("spec.dataSchema.granularitySpec.segmentGranularity",
            (Consumer<ObjectNode>) w -> obj(w, "spec.dataSchema.granularitySpec").put("segmentGranularity", "EON")),
        Arguments.of("spec.dataSchema.metricsSpec[1].name",
            (Consumer<ObjectNode>) w -> obj(w, "spec.dataSchema").withArray("metricsSpec").insertObject(1)
                .put("type", "count").put("name", "count")),
        Arguments.of("spec.dataSchema", (Consumer<ObjectNode>) w -> obj(w, "spec").remove("dataSchema")),
        Arguments.of("spec.ioConfig.type", (Consumer<ObjectNode>) w -> obj(w, "spec.ioConfig").put("type", "kinesis")),
        Arguments.of("spec.tuningConfg", (Consumer<ObjectNode>) w -> obj(w, "spec").putObject("tuningConfg")),
        Arguments.of("spec", (Consumer<ObjectNode>) w -> w.put("spec", "nope")),
        Arguments.of("context", (Consumer<ObjectNode>) w -> w.put("context", "nope")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrappedErrors")
  void wrappedErrorsNameTheUsersPath(String field, Consumer<ObjectNode> breakIt) throws Exception {
    ObjectNode w = wrapped();
    breakIt.accept(w);
    SpecException e = error(w);
    assertEquals(field, e.field(), e.getMessage());
  }

  @Test
  void theValidatorRepairsWrappedSpecs() throws Exception {
    ObjectNode w = wrapped();
    obj(w, "spec.ioConfig").remove("topic");
    obj(w, "spec.ioConfig").put("taskCount", 0);
    SpecValidator.Result r = SpecValidator.validate(w.toString().getBytes(StandardCharsets.UTF_8));
    assertEquals(java.util.Set.of("spec.ioConfig.topic", "spec.ioConfig.taskCount"),
        new java.util.HashSet<>(SpecValidatorTest.fields(r)));
  }

  // ---- legacy parser ----

  /** The sample with its timestampSpec, dimensionsSpec and inputFormat moved into a legacy string parser. */
  static ObjectNode legacy(ObjectNode spec, Consumer<ObjectNode> parseSpecExtras) {
    ObjectNode ds = obj(spec, "dataSchema");
    ObjectNode parser = ds.putObject("parser");
    parser.put("type", "string");
    ObjectNode ps = parser.putObject("parseSpec");
    ObjectNode inputFormat = (ObjectNode) obj(spec, "ioConfig").remove("inputFormat");
    ps.put("format", inputFormat.get("type").asText());
    ps.set("timestampSpec", ds.remove("timestampSpec"));
    ps.set("dimensionsSpec", ds.remove("dimensionsSpec"));
    inputFormat.fields().forEachRemaining(e -> {
      if (!e.getKey().equals("type")) ps.set(e.getKey(), e.getValue());
    });
    parseSpecExtras.accept(ps);
    return spec;
  }

  static ObjectNode withInputFormat(ObjectNode inputFormat) throws Exception {
    ObjectNode s = SpecParserTest.sample();
    obj(s, "ioConfig").set("inputFormat", inputFormat);
    return s;
  }

  static Stream<Arguments> inputFormats() {
    var f = SpecParserTest.JSON;
    return Stream.of(
        Arguments.of("json", f.createObjectNode().put("type", "json")),
        Arguments.of("json with flattenSpec", f.createObjectNode().put("type", "json").set("flattenSpec",
            f.createObjectNode().put("useFieldDiscovery", false).set("fields", f.createArrayNode()
                .add(f.createObjectNode().put("type", "path").put("name", "host").put("expr", "$.meta.host"))))),
        Arguments.of("csv", f.createObjectNode().put("type", "csv").put("skipHeaderRows", 1)
            .set("columns", f.createArrayNode().add("timestamp").add("host").add("value"))),
        Arguments.of("tsv", f.createObjectNode().put("type", "tsv").put("delimiter", "|").put("listDelimiter", ";")
            .set("columns", f.createArrayNode().add("timestamp").add("host").add("value"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputFormats")
  void aLegacyParserEqualsTheInputFormatForm(String name, ObjectNode inputFormat) throws Exception {
    SupervisorSpec expected = SpecParser.parse(withInputFormat(inputFormat.deepCopy()).toString());
    ObjectNode old = legacy(withInputFormat(inputFormat.deepCopy()), ps -> { });
    SupervisorSpec actual = SpecParser.parse(old.toString());
    assertEquals(expected, actual);
    assertEquals(actual, SpecParser.parse(SpecParser.toJson(actual)));
    assertFalse(SpecParser.toJson(actual).contains("parser"));
  }

  @Test
  void hasHeaderRowIsFindColumnsFromHeaderAndNamedAsTheUserWroteIt() throws Exception {
    ObjectNode csv = SpecParserTest.JSON.createObjectNode().put("type", "csv");
    csv.putArray("columns").add("timestamp").add("value");
    ObjectNode spec = legacy(withInputFormat(csv), ps -> ps.put("hasHeaderRow", false));
    assertEquals(false, SpecParser.parse(spec.toString()).ioConfig().inputFormat().findColumnsFromHeader());
    ObjectNode bad = legacy(withInputFormat(csv), ps -> ps.put("hasHeaderRow", true));
    assertEquals("dataSchema.parser.parseSpec.hasHeaderRow", error(bad).field());
  }

  @Test
  void aLegacyParserInsideTheWrapperIsNamedUnderSpec() throws Exception {
    ObjectNode w = wrapped();
    ObjectNode csv = SpecParserTest.JSON.createObjectNode().put("type", "csv");
    csv.putArray("columns").add("timestamp").add("timestamp");
    obj(w, "spec.ioConfig").set("inputFormat", csv);
    legacy((ObjectNode) w.get("spec"), ps -> { });
    assertEquals("spec.dataSchema.parser.parseSpec.columns[1]", error(w).field());
  }

  static Stream<Arguments> legacyErrors() {
    return Stream.of(
        Arguments.of("both parser and inputFormat", "dataSchema.parser",
            (Consumer<ObjectNode>) s -> obj(s, "ioConfig").putObject("inputFormat").put("type", "json")),
        Arguments.of("avro_stream", "dataSchema.parser.type",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema.parser").put("type", "avro_stream")),
        Arguments.of("avro_hadoop", "dataSchema.parser.type",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema.parser").put("type", "avro_hadoop")),
        Arguments.of("protobuf", "dataSchema.parser.type",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema.parser").put("type", "protobuf")),
        Arguments.of("thrift", "dataSchema.parser.type",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema.parser").put("type", "thrift")),
        Arguments.of("unknown parser", "dataSchema.parser.type",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema.parser").put("type", "map")),
        Arguments.of("avro parseSpec", "dataSchema.parser.parseSpec.format",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema.parser.parseSpec").put("format", "avro")),
        Arguments.of("regex parseSpec", "dataSchema.parser.parseSpec.format",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema.parser.parseSpec").put("format", "regex")),
        Arguments.of("javascript parseSpec", "dataSchema.parser.parseSpec.format",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema.parser.parseSpec").put("format", "javascript")),
        Arguments.of("timeAndDims parseSpec", "dataSchema.parser.parseSpec.format",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema.parser.parseSpec").put("format", "timeAndDims")),
        Arguments.of("missing parseSpec", "dataSchema.parser.parseSpec",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema.parser").remove("parseSpec")),
        Arguments.of("csv field on json", "dataSchema.parser.parseSpec.columns",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema.parser.parseSpec").putArray("columns").add("a")),
        Arguments.of("bad timestamp format", "dataSchema.parser.parseSpec.timestampSpec.format",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema.parser.parseSpec.timestampSpec").put("format", "qqq")),
        Arguments.of("bad flattenSpec", "dataSchema.parser.parseSpec.flattenSpec.fields[0].type",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema.parser.parseSpec").putObject("flattenSpec")
                .putArray("fields").addObject().put("type", "jq").put("name", "a").put("expr", ".a")),
        Arguments.of("conflicting timestampSpec", "dataSchema.parser.parseSpec.timestampSpec",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema").putObject("timestampSpec").put("column", "ts")),
        Arguments.of("bad encoding", "dataSchema.parser.encoding",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema.parser").put("encoding", "UTF-16")),
        Arguments.of("unknown parser field", "dataSchema.parser.parseSpecc",
            (Consumer<ObjectNode>) s -> obj(s, "dataSchema.parser").putObject("parseSpecc")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("legacyErrors")
  void legacyParserErrorsNameTheField(String name, String field, Consumer<ObjectNode> breakIt) throws Exception {
    ObjectNode spec = legacy(SpecParserTest.sample(), ps -> { });
    breakIt.accept(spec);
    SpecException e = error(spec);
    assertEquals(field, e.field(), e.getMessage());
    if (field.equals("dataSchema.parser.type") && !name.contains("unknown")) {
      assertTrue(e.getMessage().contains("cannot load their schemas"), e.getMessage());
    }
  }

  @Test
  void anEqualTimestampSpecInBothPlacesIsFineAndTheDefaultParserTypeIsString() throws Exception {
    ObjectNode spec = legacy(SpecParserTest.sample(), ps -> { });
    obj(spec, "dataSchema").set("timestampSpec", obj(spec, "dataSchema.parser.parseSpec.timestampSpec").deepCopy());
    obj(spec, "dataSchema.parser").remove("type");
    assertEquals(SpecParser.parse(SpecParserTest.sample().toString()), SpecParser.parse(spec.toString()));
  }

  @Test
  void theValidatorReportsEveryErrorOfALegacySpecWhereTheUserWroteIt() throws Exception {
    ObjectNode csv = SpecParserTest.JSON.createObjectNode().put("type", "csv");
    csv.putArray("columns").add("timestamp").add("timestamp");
    ObjectNode spec = legacy(withInputFormat(csv), ps -> ps.put("hasHeaderRow", true));
    obj(spec, "dataSchema.parser.parseSpec.timestampSpec").put("format", "yyyy-ww");
    obj(spec, "ioConfig").remove("topic");
    SpecValidator.Result r = SpecValidator.validate(spec.toString().getBytes(StandardCharsets.UTF_8));
    assertEquals(java.util.Set.of("dataSchema.parser.parseSpec.columns[1]",
        "dataSchema.parser.parseSpec.hasHeaderRow", "dataSchema.parser.parseSpec.timestampSpec.format",
        "ioConfig.topic"), new java.util.HashSet<>(SpecValidatorTest.fields(r)), SpecValidatorTest.fields(r).toString());
  }
}
