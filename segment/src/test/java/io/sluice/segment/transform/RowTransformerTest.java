package io.sluice.segment.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.segment.parse.JsonRowParser;
import io.sluice.segment.parse.ParseException;
import io.sluice.segment.spec.SpecParser;
import io.sluice.segment.spec.TransformSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowTransformerTest {
  static final JsonRowParser PARSER = new JsonRowParser("timestamp", "auto", null);

  static JsonRowParser.Row row(String json) throws ParseException {
    return PARSER.parse(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  static RowTransformer transformer(String transformSpecJson) throws Exception {
    return SpecParser.mapper().readValue(transformSpecJson.replace('\'', '"'), TransformSpec.class).transformer();
  }

  static ExpressionTransform t(String name, String expression) {
    return new ExpressionTransform("expression", name, expression);
  }

  @Test
  void noTransformSpecReturnsTheSameRow() throws Exception {
    JsonRowParser.Row r = row("{'timestamp':'2024-01-01T00:00:00Z','host':'a'}");
    assertSame(r, RowTransformer.NONE.apply(r));
    assertSame(RowTransformer.NONE, TransformSpec.NONE.transformer());
  }

  @Test
  void transformsAddAndReplaceFieldsAndReadTheInputRow() throws Exception {
    RowTransformer tr = new RowTransformer(List.of(
        t("host", "upper(host)"),
        t("label", "concat(host, ':', port)"), // reads the input host, not the upper-cased one
        t("doubled", "value * 2"),
        t("hour", "__time / 3600000")), null);
    JsonRowParser.Row in = row("{'timestamp':'1970-01-01T02:00:00Z','host':'web','port':80,'value':1.5}");
    JsonRowParser.Row out = tr.apply(in);
    assertEquals("WEB", out.fields().get("host"));
    assertEquals("web:80", out.fields().get("label"));
    assertEquals(3.0, out.fields().get("doubled"));
    assertEquals(2L, out.fields().get("hour"));
    assertEquals(List.of("timestamp", "host", "port", "value", "label", "doubled", "hour"),
        List.copyOf(out.fields().keySet()), "replaced fields keep their place, new ones are appended");
    assertEquals("web", in.fields().get("host"), "the input row is not modified");
    assertEquals(in.timestamp(), out.timestamp());
  }

  @Test
  void aTransformGivingNullSetsTheFieldToNull() throws Exception {
    RowTransformer tr = new RowTransformer(List.of(t("x", "concat(missing, 'a')")), null);
    Map<String, Object> f = tr.apply(row("{'timestamp':1000}")).fields();
    assertTrue(f.containsKey("x"));
    assertNull(f.get("x"));
  }

  @Test
  void aTransformNamedTimeReplacesTheTimestamp() throws Exception {
    RowTransformer tr = new RowTransformer(List.of(t("__time", "__time + 1000"), t("seen", "__time")), null);
    JsonRowParser.Row out = tr.apply(row("{'timestamp':5000}"));
    assertEquals(6000L, out.timestamp());
    assertEquals(5000L, out.fields().get("seen"), "transforms read the input timestamp");
    assertTrue(!out.fields().containsKey("__time"), "__time is not a field");
    RowTransformer fromField = new RowTransformer(List.of(t("__time", "epoch")), null);
    assertEquals(42L, fromField.apply(row("{'timestamp':1,'epoch':'42'}")).timestamp());
    assertEquals(42L, fromField.apply(row("{'timestamp':1,'epoch':42.9}")).timestamp());
    assertTrue(assertThrows(ParseException.class, () -> fromField.apply(row("{'timestamp':1}")))
        .getMessage().contains("transform '__time' gave null"));
    assertThrows(ParseException.class, () -> fromField.apply(row("{'timestamp':1,'epoch':'soon'}")));
  }

  @Test
  void theFilterSeesTransformedValues() throws Exception {
    RowTransformer tr = transformer("""
        {'transforms': [{'type': 'expression', 'name': 'host', 'expression': 'upper(host)'},
                        {'type': 'expression', 'name': '__time', 'expression': '__time * 2'}],
         'filter': {'type': 'and', 'fields': [
            {'type': 'selector', 'dimension': 'host', 'value': 'WEB'},
            {'type': 'bound', 'dimension': '__time', 'lower': 2000, 'ordering': 'numeric'}]}}
        """);
    assertNotNull(tr.apply(row("{'timestamp':1000,'host':'web'}")));
    assertNull(tr.apply(row("{'timestamp':999,'host':'web'}")));
    assertNull(tr.apply(row("{'timestamp':1000,'host':'db'}")));
    assertNull(tr.apply(row("{'timestamp':1000}")), "unknown is not ingested");
  }

  @Test
  void aFilterAloneKeepsTheRowAsItIs() throws Exception {
    RowTransformer tr = transformer("{'filter': {'type': 'in', 'dimension': 'region', 'values': ['eu']}}");
    JsonRowParser.Row r = row("{'timestamp':1,'region':'eu'}");
    assertSame(r, tr.apply(r));
    assertNull(tr.apply(row("{'timestamp':1,'region':'us'}")));
  }

  @Test
  void aRegexThatBacktracksTooMuchMakesTheRowUnparseable() throws Exception {
    RowTransformer tr = transformer("{'filter': {'type': 'regex', 'dimension': 'x', 'pattern': '.*.*.*.*.*.*y'}}");
    ParseException e = assertThrows(ParseException.class,
        () -> tr.apply(row("{'timestamp':1,'x':'" + "a".repeat(300) + "'}")));
    assertTrue(e.getMessage().contains("regex filter on 'x' gave up"), e.getMessage());
    assertNotNull(tr.apply(row("{'timestamp':1,'x':'aay'}")));
  }
}
