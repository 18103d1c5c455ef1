package io.sluice.segment.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExprTest {
  static final Map<String, Object> ROW = new HashMap<>();

  static {
    ROW.put("s", "Hello");
    ROW.put("n", 7L);
    ROW.put("d", 2.5);
    ROW.put("ns", "12");
    ROW.put("t", Boolean.TRUE);
    ROW.put("i", 3); // an Integer, as other callers may pass
    ROW.put("nil", null);
    ROW.put("user-agent", "curl");
    ROW.put("__time", 1_000L);
    ROW.put("one", java.util.List.of("x"));
    ROW.put("many", java.util.List.of("x", "y"));
    ROW.put("obj", Map.of("a", 1));
  }

  static Object eval(String expression) {
    return ExprParser.parse(expression).eval(ROW::get);
  }

  static String error(String expression) {
    return assertThrows(ExprParser.ExprException.class, () -> ExprParser.parse(expression)).getMessage();
  }

  @Test
  void literalsAndFieldReferences() {
    assertEquals(42L, eval("42"));
    assertEquals(-42L, eval("-42"));
    assertEquals(1.5, eval("1.5"));
    assertEquals(0.5, eval(".5"));
    assertEquals(1000.0, eval("1e3"));
    assertEquals("it's", eval("'it\\'s'"));
    assertEquals("a\tb\u00e9", eval("'a\\tb\\u00e9'"));
    assertNull(eval("null"));
    assertTrue(Double.isNaN((Double) eval("NaN")));
    assertEquals(Double.POSITIVE_INFINITY, eval("Infinity"));
    assertEquals("Hello", eval("s"));
    assertEquals("Hello", eval("\"s\""));
    assertEquals("curl", eval("\"user-agent\""));
    assertEquals(3L, eval("i"));
    assertEquals(1L, eval("t"));
    assertEquals(1000L, eval("__time"));
    assertNull(eval("missing"));
    assertNull(eval("nil"));
    assertEquals("x", eval("one"), "a multi-value field of one value reads as that value");
    assertNull(eval("many"), "multi-value fields are not supported in expressions");
    assertNull(eval("obj"));
  }

  @Test
  void arithmeticOnLongsStaysLong() {
    assertEquals(9L, eval("n + 2"));
    assertEquals(5L, eval("n - 2"));
    assertEquals(14L, eval("n * 2"));
    assertEquals(3L, eval("n / 2"));
    assertEquals(1L, eval("n % 2"));
    assertEquals(-7L, eval("-n"));
    assertEquals(11L, eval("1 + 2 * 5"), "* binds tighter than +");
    assertEquals(15L, eval("(1 + 2) * 5"));
    assertEquals(-3L, eval("1 - 2 - 2"), "left to right");
  }

  @Test
  void arithmeticWithADoubleOrAStringIsDouble() {
    assertEquals(9.5, eval("n + d"));
    assertEquals(2.8, eval("n / d"));
    assertEquals(19.0, eval("ns + n"), "a numeric string reads as a number");
    assertEquals(2.0, eval("n % d"));
    assertEquals(-2.5, eval("-d"));
    assertEquals(Double.POSITIVE_INFINITY, eval("d / 0"));
    assertNull(eval("s * 2"), "a string that is not a number reads as null");
  }

  @Test
  void plusOnTwoStringsConcatenates() {
    assertEquals("Hello12", eval("s + ns"));
    assertEquals("ab", eval("'a' + 'b'"));
  }

  @Test
  void integerDivisionByZeroIsNull() {
    assertNull(eval("n / 0"));
    assertNull(eval("n % 0"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {"n + nil", "nil - 1", "nil * d", "nil / 2", "nil % 2", "-nil", "!nil", "missing + 1",
      "nil + 'x'", "nil == nil", "n < nil", "nil != 1", "concat(s, nil)", "lower(nil)", "upper(missing)",
      "substring(nil, 0, 1)", "substring(s, nil, 1)", "substring(s, 0, nil)"})
  void nullPropagates(String expression) {
    assertNull(eval(expression));
  }

  @Test
  void comparisons() {
    assertEquals(1L, eval("n == 7"));
    assertEquals(0L, eval("n != 7"));
    assertEquals(1L, eval("n < 8"));
    assertEquals(1L, eval("n <= 7"));
    assertEquals(0L, eval("n > 7"));
    assertEquals(1L, eval("n >= 7"));
    assertEquals(1L, eval("d < n"));
    assertEquals(1L, eval("ns == 12"), "string against number compares numbers");
    assertEquals(1L, eval("s == 'Hello'"));
    assertEquals(1L, eval("'abc' < 'abd'"));
    assertEquals(0L, eval("'b' < 'abc'"), "two strings compare as strings");
    assertEquals(1L, eval("n + 1 == 8"), "+ binds tighter than ==");
  }

  @Test
  void logicIsThreeValued() {
    assertEquals(1L, eval("n > 1 && d > 1"));
    assertEquals(0L, eval("n > 1 && d > 3"));
    assertEquals(1L, eval("n > 10 || d > 1"));
    assertEquals(0L, eval("n > 10 || d > 10"));
    assertEquals(0L, eval("!n"));
    assertEquals(1L, eval("!0"));
    assertEquals(1L, eval("!-1"), "Druid: a number is true only when > 0");
    assertEquals(1L, eval("'true' && 1"));
    assertEquals(0L, eval("'yes' && 1"), "a string is true only when it is 'true'");
    assertEquals(0L, eval("nil && 0"));
    assertNull(eval("nil && 1"));
    assertEquals(1L, eval("nil || 1"));
    assertNull(eval("nil || 0"));
    assertEquals(0L, eval("0 && missing"));
    assertEquals(1L, eval("1 || missing"));
  }

  @Test
  void andAndOrShareOnePrecedenceLevelLeftToRightAsInDruid() {
    assertEquals(0L, eval("1 || 1 && 0"), "(1 || 1) && 0");
    assertEquals(1L, eval("1 || (1 && 0)"));
  }

  @Test
  void concatLowerUpper() {
    assertEquals("Hello-7-2.5", eval("concat(s, '-', n, '-', d)"));
    assertEquals("Hello", eval("concat(s)"));
    assertEquals("hello", eval("lower(s)"));
    assertEquals("HELLO", eval("UPPER(s)"), "function names are case-insensitive");
    assertEquals("7", eval("lower(n)"));
  }

  @Test
  void substringIsZeroBasedLikeDruid() {
    assertEquals("He", eval("substring(s, 0, 2)"));
    assertEquals("ell", eval("substring(s, 1, 3)"));
    assertEquals("llo", eval("substring(s, 2, 100)"), "length past the end is cut");
    assertEquals("llo", eval("substring(s, 2, -1)"), "a negative length means to the end");
    assertEquals("", eval("substring(s, 2, 0)"));
    assertNull(eval("substring(s, 5, 1)"), "index at or past the end is null (SQL-compatible Druid)");
    assertNull(eval("substring(s, -1, 1)"));
    assertEquals("2", eval("substring(ns, 1, 1)"));
  }

  @Test
  void ifAndNvl() {
    assertEquals("big", eval("if(n > 5, 'big', 'small')"));
    assertEquals("small", eval("if(n > 10, 'big', 'small')"));
    assertEquals("small", eval("if(nil, 'big', 'small')"), "a null condition takes the else branch");
    assertEquals("Hello", eval("nvl(s, 'x')"));
    assertEquals("x", eval("nvl(nil, 'x')"));
    assertEquals("x", eval("nvl(missing, 'x')"));
    assertNull(eval("nvl(nil, nil)"));
    assertEquals("7x", eval("concat(nvl(nil, n), 'x')"));
  }

  @Test
  void unsupportedFunctionsAreRefusedByName() {
    assertTrue(error("timestamp_floor(__time, 'PT1H')").contains("function 'timestamp_floor' is not supported"));
    assertTrue(error("json_value(s, '$.a')").contains("'json_value'"));
    assertTrue(error("concat(s, strlen(s))").contains("'strlen'"));
  }

  @Test
  void unsupportedSyntaxIsRefusedByName() {
    assertTrue(error("n ^ 2").contains("'^'"));
    assertTrue(error("[1, 2]").contains("array"));
    assertTrue(error("map((x) -> x + 1, s)").contains("'map'"));
    assertTrue(error("n = 2").contains("'=='"));
  }

  @Test
  void wrongArityIsAnError() {
    assertTrue(error("substring(s, 1)").contains("function 'substring' takes 3 arguments, got 2"));
    assertTrue(error("lower(s, s)").contains("takes 1 argument, got 2"));
    assertTrue(error("concat()").contains("at least 1"));
    assertTrue(error("if(1, 2)").contains("'if'"));
    assertTrue(error("nvl(1)").contains("'nvl'"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {"n +|ends too early", "(n + 1|')' is missing", "n + 1)|unexpected ')'",
      "'abc|not closed", "\"abc|not closed", "n # 2|unexpected character '#'", "12abc|malformed number",
      "99999999999999999999|out of range", "concat(s,,s)|unexpected ','", "n n|unexpected 'n'",
      "'\\x'|unknown escape", " |empty"})
  void syntaxErrorsSayWhat(String expression, String message) {
    String error = error(expression);
    assertTrue(error.contains(message), error);
  }

  @Test
  void sizeAndNestingAreBounded() {
    assertTrue(error("1" + " + 1".repeat(ExprParser.MAX_LENGTH / 4)).contains("limit is 10000"));
    assertTrue(error("(".repeat(3000) + "1" + ")".repeat(3000)).contains("nests deeper"));
    assertTrue(error("-".repeat(5000) + "1").contains("nests deeper"));
    assertTrue(error("n" + " + n".repeat(1000)).contains("nests deeper"));
    assertTrue(error("lower(".repeat(1000) + "s" + ")".repeat(1000)).contains("nests deeper"));
    assertEquals(101L, eval("1" + " + 1".repeat(100)), "a chain of 100 operators is fine");
  }
}
