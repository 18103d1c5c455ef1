package io.sluice.segment.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.segment.spec.SpecException;
import io.sluice.segment.spec.SpecParser;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterTest {
  static final ObjectMapper MAPPER = SpecParser.mapper();

  static Filter filter(String json) {
    try {
      return MAPPER.readValue(json.replace('\'', '"'), Filter.class);
    } catch (Exception e) {
      Throwable c = e.getCause();
      if (c instanceof SpecException se) throw se;
      throw new AssertionError(e);
    }
  }

  static Map<String, Object> row(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  static Boolean match(String json, Map<String, Object> row) {
    return filter(json).matcher().match(row::get);
  }

  @Test
  void selectorComparesStringForms() {
    String f = "{'type':'selector','dimension':'host','value':'a'}";
    assertEquals(true, match(f, row("host", "a")));
    assertEquals(false, match(f, row("host", "b")));
    assertNull(match(f, row()), "missing is unknown");
    assertNull(match(f, row("host", null)));
    assertEquals(true, match("{'type':'selector','dimension':'n','value':5}", row("n", 5L)),
        "a numeric value is read as its text");
    assertEquals(true, match("{'type':'selector','dimension':'n','value':'5'}", row("n", 5L)));
    assertEquals(true, match("{'type':'selector','dimension':'d','value':'2.5'}", row("d", 2.5)));
    assertEquals(true, match("{'type':'selector','dimension':'b','value':'true'}", row("b", true)));
  }

  @Test
  void selectorWithNullValueMatchesNullAndMissing() {
    String f = "{'type':'selector','dimension':'host','value':null}";
    assertEquals(true, match(f, row()));
    assertEquals(true, match(f, row("host", null)));
    assertEquals(false, match(f, row("host", "")), "SQL-compatible: empty is not null");
    assertEquals(false, match(f, row("host", "a")));
    assertEquals(true, match("{'type':'selector','dimension':'host'}", row()));
  }

  @Test
  void inMatchesAnyValue() {
    String f = "{'type':'in','dimension':'host','values':['a','b',3]}";
    assertEquals(true, match(f, row("host", "a")));
    assertEquals(true, match(f, row("host", "b")));
    assertEquals(true, match(f, row("host", 3L)));
    assertEquals(false, match(f, row("host", "c")));
    assertNull(match(f, row()));
    String withNull = "{'type':'in','dimension':'host','values':['a',null]}";
    assertEquals(true, match(withNull, row()));
    assertEquals(false, match(withNull, row("host", "z")));
    assertEquals(false, match("{'type':'in','dimension':'host','values':[]}", row("host", "a")));
  }

  @Test
  void boundIsLexicographicByDefault() {
    String f = "{'type':'bound','dimension':'x','lower':'10','upper':'3'}";
    assertEquals(true, match(f, row("x", "2")), "'10' <= '2' <= '3' as strings");
    assertEquals(false, match(f, row("x", "5")));
    assertEquals(true, match(f, row("x", 100L)));
    assertNull(match(f, row()));
    String strict = "{'type':'bound','dimension':'x','lower':'a','upper':'c','lowerStrict':true,'upperStrict':true}";
    assertEquals(false, match(strict, row("x", "a")));
    assertEquals(true, match(strict, row("x", "b")));
    assertEquals(false, match(strict, row("x", "c")));
    String inclusive = "{'type':'bound','dimension':'x','lower':'a','upper':'c'}";
    assertEquals(true, match(inclusive, row("x", "a")));
    assertEquals(true, match(inclusive, row("x", "c")));
    assertEquals(true, match("{'type':'bound','dimension':'x','lower':'\uffff'}", row("x", "\ud83d\ude00")),
        "code point order (UTF-8 byte order), not UTF-16 order");
  }

  @Test
  void boundNumericOrdering() {
    String f = "{'type':'bound','dimension':'x','lower':'3','upper':10,'ordering':'numeric'}";
    assertEquals(true, match(f, row("x", "5")));
    assertEquals(true, match(f, row("x", 10L)));
    assertEquals(true, match(f, row("x", 3.0)));
    assertEquals(false, match(f, row("x", "20")));
    assertEquals(false, match(f, row("x", "2.99")));
    assertEquals(false, match(f, row("x", "abc")), "non-numbers sort before numbers");
    assertEquals(true, match("{'type':'bound','dimension':'x','upper':'0','ordering':'numeric'}",
        row("x", "abc")));
    assertEquals(false, match("{'type':'bound','dimension':'x','upper':'10','upperStrict':true,"
        + "'ordering':'numeric'}", row("x", "1e1")));
  }

  @Test
  void likeWithWildcardsAndEscape() {
    String f = "{'type':'like','dimension':'path','pattern':'/api/%/v_'}";
    assertEquals(true, match(f, row("path", "/api/users/v1")));
    assertEquals(true, match(f, row("path", "/api//v2")));
    assertEquals(false, match(f, row("path", "/api/users/v10")));
    assertEquals(false, match(f, row("path", "/API/users/v1")), "case-sensitive");
    assertNull(match(f, row()));
    String escaped = "{'type':'like','dimension':'x','pattern':'100!%%','escape':'!'}";
    assertEquals(true, match(escaped, row("x", "100% sure")));
    assertEquals(false, match(escaped, row("x", "1000")));
    String escapedUnderscore = "{'type':'like','dimension':'x','pattern':'a\\\\_b','escape':'\\\\'}";
    assertEquals(true, match(escapedUnderscore, row("x", "a_b")));
    assertEquals(false, match(escapedUnderscore, row("x", "axb")));
    assertEquals(true, match("{'type':'like','dimension':'x','pattern':'%'}", row("x", "")));
    assertEquals(true, match("{'type':'like','dimension':'x','pattern':'_'}", row("x", "\ud83d\ude00")),
        "_ is one character, even outside the BMP");
    assertEquals(true, match("{'type':'like','dimension':'x','pattern':'%a%b%c'}", row("x", "xaybzc")));
    assertEquals(false, match("{'type':'like','dimension':'x','pattern':'%a%a%a%a%a%a%b'}",
        row("x", "a".repeat(20_000))), "no exponential backtracking");
    assertEquals(true, match("{'type':'like','dimension':'x','pattern':'.*'}", row("x", ".*")),
        "regex characters are literal");
    assertEquals(false, match("{'type':'like','dimension':'x','pattern':'.*'}", row("x", "ab")));
  }

  @Test
  void regexFindsAPartialMatch() {
    String f = "{'type':'regex','dimension':'host','pattern':'^web-[0-9]+'}";
    assertEquals(true, match(f, row("host", "web-12.example")));
    assertEquals(false, match(f, row("host", "db-1")));
    assertNull(match(f, row()));
    assertEquals(true, match("{'type':'regex','dimension':'n','pattern':'2'}", row("n", 123L)));
  }

  @Test
  void regexGivesUpOnCatastrophicBacktracking() {
    Filter f = filter("{'type':'regex','dimension':'x','pattern':'.*.*.*.*.*.*y'}");
    Map<String, Object> r = row("x", "a".repeat(300));
    assertThrows(Filter.RegexBudgetExceeded.class, () -> f.matcher().match(r::get));
  }

  @Test
  void multiValueFieldsMatchWhenAnyValueDoes() {
    Map<String, Object> tags = row("tags", java.util.Arrays.asList("a", "b", null));
    assertEquals(true, match("{'type':'selector','dimension':'tags','value':'b'}", tags));
    assertEquals(true, match("{'type':'selector','dimension':'tags','value':null}", tags));
    assertNull(match("{'type':'selector','dimension':'tags','value':'c'}", tags), "a null element is unknown");
    assertEquals(false, match("{'type':'in','dimension':'tags','values':['x']}", row("tags", List.of("a", "b"))));
    assertEquals(true, match("{'type':'like','dimension':'tags','pattern':'b%'}", tags));
    assertEquals(true, match("{'type':'bound','dimension':'n','lower':5,'ordering':'numeric'}",
        row("n", List.of(1L, 7L))));
    assertEquals(true, match("{'type':'selector','dimension':'tags','value':null}", row("tags", List.of())),
        "an empty list is null");
    assertEquals(true, match("{'type':'selector','dimension':'obj','value':null}", row("obj", Map.of("a", 1))),
        "a nested object reads as null");
    assertNull(match("{'type':'bound','dimension':'obj','lower':'a'}", row("obj", Map.of("a", 1))));
  }

  @Test
  void andOrNotUseThreeValuedLogic() {
    String a = "{'type':'selector','dimension':'a','value':'1'}";
    String b = "{'type':'selector','dimension':'b','value':'1'}";
    String and = "{'type':'and','fields':[" + a + "," + b + "]}";
    String or = "{'type':'or','fields':[" + a + "," + b + "]}";
    String not = "{'type':'not','field':" + a + "}";
    assertEquals(true, match(and, row("a", "1", "b", "1")));
    assertEquals(false, match(and, row("a", "1", "b", "2")));
    assertEquals(false, match(and, row("a", "2")), "false and unknown is false");
    assertNull(match(and, row("a", "1")), "true and unknown is unknown");
    assertEquals(true, match(or, row("a", "2", "b", "1")));
    assertEquals(false, match(or, row("a", "2", "b", "2")));
    assertEquals(true, match(or, row("a", "1")), "true or unknown is true");
    assertNull(match(or, row("a", "2")), "false or unknown is unknown");
    assertEquals(false, match(not, row("a", "1")));
    assertEquals(true, match(not, row("a", "2")));
    assertNull(match(not, row()), "not unknown is unknown: rows missing 'a' are not ingested");
    String notNull = "{'type':'not','field':{'type':'selector','dimension':'a','value':null}}";
    assertEquals(false, match(notNull, row()));
    assertEquals(true, match(notNull, row("a", "x")));
    String nested = "{'type':'and','fields':[{'type':'not','field':{'type':'or','fields':[" + a + "]}}]}";
    assertEquals(true, match(nested, row("a", "0")));
  }

  @Test
  void filtersRoundTripThroughJson() throws Exception {
    for (String json : List.of(
        "{'type':'selector','dimension':'x','value':'1'}",
        "{'type':'in','dimension':'x','values':['1',null]}",
        "{'type':'bound','dimension':'x','lower':'1','lowerStrict':true,'ordering':'numeric'}",
        "{'type':'like','dimension':'x','pattern':'a!%','escape':'!'}",
        "{'type':'regex','dimension':'x','pattern':'a+'}",
        "{'type':'not','field':{'type':'and','fields':[{'type':'or','fields':["
            + "{'type':'selector','dimension':'x'}]}]}}")) {
      Filter f = filter(json);
      String out = MAPPER.writeValueAsString(f);
      assertTrue(out.contains("\"type\":\"" + f.type() + "\""), out);
      assertEquals(f, MAPPER.readValue(out, Filter.class), out);
    }
  }

  @Test
  void invalidFiltersNameTheirField() {
    assertEquals("dimension", assertThrows(SpecException.class,
        () -> filter("{'type':'selector','value':'a'}")).field());
    assertEquals("values", assertThrows(SpecException.class,
        () -> filter("{'type':'in','dimension':'x'}")).field());
    assertEquals("lower", assertThrows(SpecException.class,
        () -> filter("{'type':'bound','dimension':'x'}")).field());
    assertEquals("ordering", assertThrows(SpecException.class,
        () -> filter("{'type':'bound','dimension':'x','lower':'a','ordering':'strlen'}")).field());
    assertEquals("alphaNumeric", assertThrows(SpecException.class,
        () -> filter("{'type':'bound','dimension':'x','lower':'a','alphaNumeric':true}")).field());
    assertEquals("escape", assertThrows(SpecException.class,
        () -> filter("{'type':'like','dimension':'x','pattern':'a','escape':'!!'}")).field());
    assertEquals("pattern", assertThrows(SpecException.class,
        () -> filter("{'type':'like','dimension':'x','pattern':'a!','escape':'!'}")).field());
    assertEquals("pattern", assertThrows(SpecException.class,
        () -> filter("{'type':'regex','dimension':'x','pattern':'a('}")).field());
    assertEquals("pattern", assertThrows(SpecException.class,
        () -> filter("{'type':'regex','dimension':'x','pattern':'" + "a".repeat(1001) + "'}")).field());
    assertEquals("extractionFn", assertThrows(SpecException.class,
        () -> filter("{'type':'selector','dimension':'x','value':'a','extractionFn':{'type':'upper'}}")).field());
    assertEquals("fields", assertThrows(SpecException.class, () -> filter("{'type':'and','fields':[]}")).field());
    assertEquals("field", assertThrows(SpecException.class, () -> filter("{'type':'not'}")).field());
  }
}
