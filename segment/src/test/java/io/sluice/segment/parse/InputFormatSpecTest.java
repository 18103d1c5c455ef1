package io.sluice.segment.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.segment.spec.InputFormat;
import io.sluice.segment.spec.SpecException;
import io.sluice.segment.spec.SpecParser;
import io.sluice.segment.spec.SupervisorSpec;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code ioConfig.inputFormat} through the full spec parser: accepted shapes, defaults, and refusals by path. */
class InputFormatSpecTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static SupervisorSpec parseWith(String inputFormat) throws IOException {
    ObjectNode spec;
    try (InputStream in = InputFormatSpecTest.class.getResourceAsStream("/sample-supervisor-spec.json")) {
      spec = (ObjectNode) JSON.readTree(in);
    }
    ((ObjectNode) spec.get("ioConfig")).set("inputFormat", JSON.readTree(inputFormat));
    return SpecParser.parse(spec.toString());
  }

  static InputFormat format(String inputFormat) throws IOException {
    return parseWith(inputFormat).ioConfig().inputFormat();
  }

  @Test
  void plainJsonStaysAsItIs() throws IOException {
    InputFormat f = format("{\"type\":\"json\"}");
    assertNull(f.flattenSpec());
    assertFalse(f.keepNulls());
    SupervisorSpec spec = parseWith("{\"type\":\"json\"}");
    assertTrue(SpecParser.toJson(spec).contains("\"inputFormat\":{\"type\":\"json\"}"));
  }

  @Test
  void jsonWithFlattenSpecAndFeatures() throws IOException {
    String text = "{\"type\":\"json\",\"keepNullColumns\":true,"
        + "\"featureSpec\":{\"ALLOW_COMMENTS\":true,\"ALLOW_SINGLE_QUOTES\":true,"
        + "\"ALLOW_UNQUOTED_FIELD_NAMES\":true,\"ALLOW_NUMERIC_LEADING_ZEROS\":false},"
        + "\"flattenSpec\":{\"fields\":[{\"type\":\"root\",\"name\":\"h\",\"expr\":\"host\"},"
        + "{\"type\":\"root\",\"name\":\"service\"},"
        + "{\"type\":\"path\",\"name\":\"r\",\"expr\":\"$.geo['region name'][0]\"}]}}";
    SupervisorSpec spec = parseWith(text);
    InputFormat f = spec.ioConfig().inputFormat();
    assertTrue(f.flattenSpec().useFieldDiscovery());
    assertEquals(3, f.flattenSpec().fields().size());
    assertEquals("service", f.flattenSpec().fields().get(1).expr()); // root expr defaults to the name
    assertEquals(4, f.featureSpec().size());
    assertTrue(f.keepNulls());
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec))); // the normalized form round-trips
  }

  @Test
  void csvAndTsvDefaults() throws IOException {
    InputFormat csv = format("{\"type\":\"csv\",\"columns\":[\"timestamp\",\"host\"]}");
    assertEquals(List.of("timestamp", "host"), csv.columns());
    assertEquals(0, csv.skipHeaderRows());
    assertEquals(InputFormat.DEFAULT_LIST_DELIMITER, csv.listDelimiter());
    assertEquals(",", csv.fieldDelimiter());
    assertFalse(csv.findColumnsFromHeader());
    InputFormat tsv = format("{\"type\":\"tsv\",\"columns\":[\"timestamp\"],\"skipHeaderRows\":2}");
    assertEquals("\t", tsv.delimiter());
    assertEquals(2, tsv.skipHeaderRows());
    InputFormat d = format("{\"type\":\"delimited\",\"columns\":[\"timestamp\"],\"delimiter\":\"|\","
        + "\"listDelimiter\":\";\",\"findColumnsFromHeader\":false}");
    assertEquals("|", d.fieldDelimiter());
    assertEquals(";", d.listDelimiter());
    SupervisorSpec spec = parseWith("{\"type\":\"csv\",\"columns\":[\"timestamp\",\"host\"]}");
    assertEquals(spec, SpecParser.parse(SpecParser.toJson(spec)));
  }

  static Stream<Arguments> refusals() {
    String p = "ioConfig.inputFormat.";
    return Stream.of(
        Arguments.of("{\"type\":\"json\",\"flattenSpec\":{\"fields\":[{\"type\":\"jq\",\"name\":\"a\","
            + "\"expr\":\".a\"}]}}", p + "flattenSpec.fields[0].type", "jq"),
        Arguments.of("{\"type\":\"json\",\"flattenSpec\":{\"fields\":[{\"type\":\"root\",\"name\":\"a\"},"
            + "{\"type\":\"tree\",\"name\":\"b\",\"nodes\":[\"x\",\"y\"]}]}}",
            p + "flattenSpec.fields[1].type", "tree"),
        Arguments.of("{\"type\":\"json\",\"flattenSpec\":{\"fields\":[{\"type\":\"path\",\"name\":\"a\","
            + "\"expr\":\"$..a\"}]}}", p + "flattenSpec.fields[0].expr", "deep scan"),
        Arguments.of("{\"type\":\"json\",\"flattenSpec\":{\"fields\":[{\"type\":\"path\",\"name\":\"a\","
            + "\"expr\":\"$.a[*]\"}]}}", p + "flattenSpec.fields[0].expr", "wildcard"),
        Arguments.of("{\"type\":\"json\",\"flattenSpec\":{\"fields\":[{\"type\":\"path\",\"name\":\"a\","
            + "\"expr\":\"$.a[?(@.b > 1)]\"}]}}", p + "flattenSpec.fields[0].expr", "filter"),
        Arguments.of("{\"type\":\"json\",\"flattenSpec\":{\"fields\":[{\"type\":\"path\",\"name\":\"a\"}]}}",
            p + "flattenSpec.fields[0].expr", "required"),
        Arguments.of("{\"type\":\"json\",\"flattenSpec\":{\"fields\":[{\"type\":\"root\",\"name\":\"a\"},"
            + "{\"type\":\"path\",\"name\":\"a\",\"expr\":\"$.b\"}]}}", p + "flattenSpec.fields[1].name", "duplicate"),
        Arguments.of("{\"type\":\"json\",\"flattenSpec\":{\"fields\":[{\"type\":\"root\",\"name\":\"a\","
            + "\"nam\":\"a\"}]}}", p + "flattenSpec.fields[0].nam", "unknown field 'nam'"),
        Arguments.of("{\"type\":\"json\",\"flattenSpec\":{\"fields\":[{\"type\":\"root\"}]}}",
            p + "flattenSpec.fields[0].name", "required"),
        Arguments.of("{\"type\":\"json\",\"flattenSpec\":{\"useFieldDiscovery\":\"yes\"}}",
            p + "flattenSpec.useFieldDiscovery", "boolean"),
        Arguments.of("{\"type\":\"json\",\"featureSpec\":{\"ALLOW_TYPOS\":true}}",
            p + "featureSpec.ALLOW_TYPOS", "unknown JSON parser feature"),
        Arguments.of("{\"type\":\"json\",\"columns\":[\"a\"]}", p + "columns", "not a field of the 'json'"),
        Arguments.of("{\"type\":\"json\",\"skipHeaderRows\":1}", p + "skipHeaderRows", "not a field"),
        Arguments.of("{\"type\":\"csv\",\"columns\":[\"a\"],\"findColumnsFromHeader\":true}",
            p + "findColumnsFromHeader", "streaming"),
        Arguments.of("{\"type\":\"csv\"}", p + "columns", "required"),
        Arguments.of("{\"type\":\"csv\",\"columns\":[]}", p + "columns", "at least one"),
        Arguments.of("{\"type\":\"csv\",\"columns\":[\"a\",\"b\",\"a\"]}", p + "columns[2]", "duplicate"),
        Arguments.of("{\"type\":\"csv\",\"columns\":[\"a\"],\"skipHeaderRows\":-1}", p + "skipHeaderRows", ">= 0"),
        Arguments.of("{\"type\":\"csv\",\"columns\":[\"a\"],\"delimiter\":\";\"}", p + "delimiter", "csv"),
        Arguments.of("{\"type\":\"csv\",\"columns\":[\"a\"],\"flattenSpec\":{}}", p + "flattenSpec", "csv"),
        Arguments.of("{\"type\":\"tsv\",\"columns\":[\"a\"],\"keepNullColumns\":true}", p + "keepNullColumns",
            "tsv"),
        Arguments.of("{\"type\":\"tsv\",\"columns\":[\"a\"],\"delimiter\":\"\"}", p + "delimiter", "empty"),
        Arguments.of("{\"type\":\"delimited\",\"columns\":[\"a\"],\"delimiter\":\"|\",\"listDelimiter\":\"|\"}",
            p + "listDelimiter", "differ"),
        Arguments.of("{\"type\":\"tsv\",\"columns\":[\"a\"],\"hasHeaderRow\":true}", p + "hasHeaderRow",
            "unknown field"),
        Arguments.of("{\"type\":\"csv\",\"columns\":[\"a\",\"b,c\"]}", p + "columns[1]", "delimiter"),
        Arguments.of("{\"type\":\"json\",\"featureSpec\":{\"ALLOW_COMMENTS\":null}}",
            p + "featureSpec.ALLOW_COMMENTS", "true or false"),
        Arguments.of("{\"type\":\"json\",\"featureSpec\":{\"ALLOW_COMMENTS\":\"yes\"}}",
            p + "featureSpec.ALLOW_COMMENTS", "boolean"),
        Arguments.of("{\"type\":\"avro_stream\"}", p + "type", "not supported"),
        Arguments.of("{\"flattenSpec\":{}}", p + "type", "required"));
  }

  @ParameterizedTest
  @MethodSource("refusals")
  void refusalsNameTheField(String inputFormat, String field, String messagePart) {
    SpecException e = assertThrows(SpecException.class, () -> parseWith(inputFormat), inputFormat);
    assertEquals(field, e.field(), e.toString());
    assertTrue(e.getMessage().contains(messagePart), e.toString());
  }
}
