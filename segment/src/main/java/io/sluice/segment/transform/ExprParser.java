package io.sluice.segment.transform;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses Sluice's subset of Druid's expression language. Anything outside the subset is refused with an
 * {@link ExprException} naming it.
 *
 * <pre>
 * expr     := operand (('&amp;&amp;' | '||') operand)*          -- one level, left to right, as in Druid
 * operand  := sum (('&lt;' | '&lt;=' | '&gt;' | '&gt;=' | '==' | '!=') sum)*
 * sum      := product (('+' | '-') product)*
 * product  := unary (('*' | '/' | '%') unary)*
 * unary    := ('-' | '!') unary | primary
 * primary  := NUMBER | STRING | 'null' | IDENTIFIER | QUOTED_IDENTIFIER | FUNCTION '(' (expr (',' expr)*)? ')'
 *           | '(' expr ')'
 * NUMBER   := digits ('.' digits?)? exponent? | '.' digits exponent? | 'NaN' | 'Infinity'   (no '.', no exponent: a long)
 * STRING   := single-quoted, with the escapes \' \" \\ \/ \b \f \n \r \t \\uXXXX
 * IDENTIFIER := [_$a-zA-Z][_$a-zA-Z0-9]*                  -- a field of the input row; __time is the timestamp
 * QUOTED_IDENTIFIER := double-quoted, same escapes        -- for field names like "user-agent"
 * FUNCTION := concat | lower | upper | substring | if | nvl  (case-insensitive)
 * </pre>
 *
 * Not supported (each refused by name): other functions ({@code timestamp_floor}, {@code json_value}, …), the
 * power operator {@code ^}, array literals, lambdas. Input is bounded: at most {@link #MAX_LENGTH} characters and
 * {@link #MAX_DEPTH} levels of nesting, so a hostile spec cannot exhaust the stack.
 */
public final class ExprParser {
  public static final int MAX_LENGTH = 10_000;
  public static final int MAX_DEPTH = 128;

  /** An expression outside the supported subset, or not an expression at all. */
  public static final class ExprException extends RuntimeException {
    public ExprException(String message) {
      super(message);
    }
  }

  private enum Kind { NUMBER, STRING, IDENT, QUOTED, OP, EOF }

  private record Token(Kind kind, String text, Object value, int pos) {}

  private final String src;
  private final List<Token> tokens = new ArrayList<>();
  private final Map<Expr, Integer> depths = new IdentityHashMap<>();
  private int next;
  private int nesting;

  private ExprParser(String src) {
    this.src = src;
  }

  public static Expr parse(String expression) {
    if (expression == null || expression.isBlank()) throw new ExprException("expression is empty");
    if (expression.length() > MAX_LENGTH) {
      throw new ExprException("expression is " + expression.length() + " characters; the limit is " + MAX_LENGTH);
    }
    ExprParser p = new ExprParser(expression);
    p.tokenize();
    Expr e = p.expr();
    Token t = p.peek();
    if (t.kind != Kind.EOF) throw p.unexpected(t);
    return e;
  }

  // ---- parsing

  private Expr expr() {
    if (++nesting > MAX_DEPTH) throw new ExprException("expression nests deeper than " + MAX_DEPTH + " levels");
    Expr left = operand();
    while (true) {
      Expr.BinaryOp op = isOp("&&") ? Expr.BinaryOp.AND : isOp("||") ? Expr.BinaryOp.OR : null;
      if (op == null) break;
      next++;
      left = node(new Expr.Binary(op, left, operand()));
    }
    nesting--;
    return left;
  }

  private Expr operand() {
    Expr left = sum();
    while (true) {
      Expr.BinaryOp op = null;
      for (Expr.BinaryOp o : Expr.BinaryOp.values()) {
        if (o.comparison() && isOp(o.symbol)) op = o;
      }
      if (op == null) break;
      next++;
      left = node(new Expr.Binary(op, left, sum()));
    }
    return left;
  }

  private Expr sum() {
    Expr left = product();
    while (isOp("+") || isOp("-")) {
      Expr.BinaryOp op = isOp("+") ? Expr.BinaryOp.ADD : Expr.BinaryOp.SUB;
      next++;
      left = node(new Expr.Binary(op, left, product()));
    }
    return left;
  }

  private Expr product() {
    Expr left = unary();
    while (isOp("*") || isOp("/") || isOp("%")) {
      Expr.BinaryOp op = isOp("*") ? Expr.BinaryOp.MUL : isOp("/") ? Expr.BinaryOp.DIV : Expr.BinaryOp.MOD;
      next++;
      left = node(new Expr.Binary(op, left, unary()));
    }
    if (isOp("^")) throw new ExprException("operator '^' (power) is not supported" + at(peek()));
    return left;
  }

  private Expr unary() {
    if (isOp("-") || isOp("!")) {
      char op = peek().text.charAt(0);
      next++;
      if (++nesting > MAX_DEPTH) throw new ExprException("expression nests deeper than " + MAX_DEPTH + " levels");
      Expr arg = unary();
      nesting--;
      if (op == '-' && arg instanceof Expr.Literal lit && lit.value() instanceof Number n) { // a negative literal
        return node(new Expr.Literal(n instanceof Long l ? (Object) (-l) : (Object) (-n.doubleValue())));
      }
      return node(new Expr.Unary(op, arg));
    }
    return primary();
  }

  private Expr primary() {
    Token t = peek();
    switch (t.kind) {
      case NUMBER, STRING -> {
        next++;
        return node(new Expr.Literal(t.value));
      }
      case QUOTED -> {
        next++;
        return node(new Expr.Field((String) t.value));
      }
      case IDENT -> {
        next++;
        if (isOp("(")) return call(t);
        return switch (t.text) {
          case "null" -> node(new Expr.Literal(null));
          case "NaN" -> node(new Expr.Literal(Double.NaN));
          case "Infinity" -> node(new Expr.Literal(Double.POSITIVE_INFINITY));
          default -> node(new Expr.Field(t.text));
        };
      }
      case OP -> {
        if (t.text.equals("(")) {
          next++;
          Expr e = expr();
          expect(")");
          return e;
        }
        if (t.text.equals("[")) throw new ExprException("array literals are not supported" + at(t));
        if (t.text.equals("->")) throw new ExprException("lambda expressions are not supported" + at(t));
        if (t.text.equals("^")) throw new ExprException("operator '^' (power) is not supported" + at(t));
        throw unexpected(t);
      }
      default -> throw new ExprException("expression ends too early: an operand is missing");
    }
  }

  private Expr call(Token name) {
    Expr.Function fn = null;
    for (Expr.Function f : Expr.Function.values()) {
      if (f.sqlName().equals(name.text.toLowerCase(Locale.ROOT))) fn = f;
    }
    if (fn == null) {
      throw new ExprException("function '" + name.text + "' is not supported" + at(name)
          + "; the supported functions are concat, if, lower, nvl, substring, upper");
    }
    next++; // '('
    if (++nesting > MAX_DEPTH) throw new ExprException("expression nests deeper than " + MAX_DEPTH + " levels");
    List<Expr> args = new ArrayList<>();
    if (!isOp(")")) {
      args.add(expr());
      while (isOp(",")) {
        next++;
        args.add(expr());
      }
    }
    if (isOp("->")) throw new ExprException("lambda expressions are not supported" + at(peek()));
    expect(")");
    nesting--;
    if (args.size() < fn.min || (fn.max >= 0 && args.size() > fn.max)) {
      String want = fn.max < 0 ? "at least " + fn.min : String.valueOf(fn.min);
      throw new ExprException("function '" + fn.sqlName() + "' takes " + want + " argument"
          + (fn.min == 1 && fn.max == 1 ? "" : "s") + ", got " + args.size() + at(name));
    }
    return node(new Expr.Call(fn, args));
  }

  /** Records a node's depth and refuses trees deeper than {@link #MAX_DEPTH}. */
  private Expr node(Expr e) {
    int d = 1;
    if (e instanceof Expr.Binary b) d += Math.max(depths.getOrDefault(b.left(), 1), depths.getOrDefault(b.right(), 1));
    if (e instanceof Expr.Unary u) d += depths.getOrDefault(u.arg(), 1);
    if (e instanceof Expr.Call c) {
      int max = 0;
      for (Expr a : c.args()) max = Math.max(max, depths.getOrDefault(a, 1));
      d += max;
    }
    if (d > MAX_DEPTH) throw new ExprException("expression nests deeper than " + MAX_DEPTH + " levels");
    depths.put(e, d);
    return e;
  }

  private Token peek() {
    return tokens.get(next);
  }

  private boolean isOp(String op) {
    Token t = tokens.get(next);
    return t.kind == Kind.OP && t.text.equals(op);
  }

  private void expect(String op) {
    Token t = peek();
    if (t.kind == Kind.EOF) throw new ExprException("expression ends too early: '" + op + "' is missing");
    if (!isOp(op)) throw new ExprException("expected '" + op + "' but found '" + t.text + "'" + at(t));
    next++;
  }

  private ExprException unexpected(Token t) {
    if (t.kind == Kind.EOF) return new ExprException("expression ends too early");
    return new ExprException("unexpected '" + t.text + "'" + at(t));
  }

  private static String at(Token t) {
    return " at character " + (t.pos + 1);
  }

  // ---- tokens

  private void tokenize() {
    int i = 0;
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c >= '0' && c <= '9' || c == '.' && i + 1 < n && isDigit(src.charAt(i + 1))) {
        i = number(i);
      } else if (c == '\'' || c == '"') {
        i = quoted(i, c);
      } else if (c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
        int start = i;
        while (i < n && isIdentPart(src.charAt(i))) i++;
        String id = src.substring(start, i);
        tokens.add(new Token(Kind.IDENT, id, id, start));
      } else {
        String two = i + 1 < n ? src.substring(i, i + 2) : "";
        String op = switch (two) {
          case "<=", ">=", "==", "!=", "&&", "||", "->" -> two;
          default -> switch (c) {
            case '+', '-', '*', '/', '%', '<', '>', '!', '(', ')', ',', '^', '[', ']' -> String.valueOf(c);
            case '=' -> throw new ExprException("unexpected '=' at character " + (i + 1) + "; use '==' to compare");
            default -> throw new ExprException("unexpected character '" + c + "' at character " + (i + 1));
          };
        };
        tokens.add(new Token(Kind.OP, op, null, i));
        i += op.length();
      }
    }
    tokens.add(new Token(Kind.EOF, "", null, n));
  }

  private int number(int start) {
    int i = start;
    int n = src.length();
    boolean integral = true;
    while (i < n && isDigit(src.charAt(i))) i++;
    if (i < n && src.charAt(i) == '.') {
      integral = false;
      i++;
      while (i < n && isDigit(src.charAt(i))) i++;
    }
    if (i < n && (src.charAt(i) == 'e' || src.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < n && (src.charAt(j) == '+' || src.charAt(j) == '-')) j++;
      if (j < n && isDigit(src.charAt(j))) {
        integral = false;
        i = j;
        while (i < n && isDigit(src.charAt(i))) i++;
      }
    }
    if (i < n && isIdentPart(src.charAt(i))) {
      throw new ExprException("malformed number '" + src.substring(start, i + 1) + "' at character " + (start + 1));
    }
    String text = src.substring(start, i);
    Object value;
    try {
      value = integral ? (Object) Long.parseLong(text) : (Object) Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new ExprException("number '" + text + "' at character " + (start + 1) + " is out of range");
    }
    tokens.add(new Token(Kind.NUMBER, text, value, start));
    return i;
  }

  private int quoted(int start, char quote) {
    StringBuilder sb = new StringBuilder();
    int i = start + 1;
    int n = src.length();
    while (true) {
      if (i >= n) {
        throw new ExprException((quote == '\'' ? "string" : "quoted identifier") + " starting at character "
            + (start + 1) + " is not closed");
      }
      char c = src.charAt(i);
      if (c == quote) break;
      if (c == '\\') {
        if (i + 1 >= n) throw new ExprException("dangling '\\' at character " + (i + 1));
        char e = src.charAt(i + 1);
        switch (e) {
          case '\'', '"', '\\', '/' -> sb.append(e);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (i + 6 > n || !src.substring(i + 2, i + 6).matches("[0-9a-fA-F]{4}")) {
              throw new ExprException("bad \\u escape at character " + (i + 1));
            }
            sb.append((char) Integer.parseInt(src.substring(i + 2, i + 6), 16));
            i += 4;
          }
          default -> throw new ExprException("unknown escape '\\" + e + "' at character " + (i + 1));
        }
        i += 2;
      } else {
        sb.append(c);
        i++;
      }
    }
    String s = sb.toString();
    tokens.add(new Token(quote == '\'' ? Kind.STRING : Kind.QUOTED, src.substring(start, i + 1), s, start));
    return i + 1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentPart(char c) {
    return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c);
  }
}
