package io.sluice.segment.transform;

import java.util.List;
import java.util.Locale;

/**
 * A parsed expression of Sluice's subset of Druid's expression language (see {@link ExprParser} for the grammar).
 * Evaluation follows Druid's SQL-compatible null handling and never throws: values are null, {@link Long},
 * {@link Double} or {@link String}.
 */
public sealed interface Expr {

  /** Where field references get their values. {@code __time} is the row's timestamp in epoch millis. */
  @FunctionalInterface
  interface Bindings {
    Object get(String name);
  }

  Object eval(Bindings row);

  /** The fields the expression reads, in first-reference order (Druid's required bindings). */
  default java.util.Set<String> fields() {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    collectFields(this, out);
    return out;
  }

  private static void collectFields(Expr e, java.util.Set<String> out) {
    if (e instanceof Field f) {
      out.add(f.name());
    } else if (e instanceof Unary u) {
      collectFields(u.arg(), out);
    } else if (e instanceof Binary b) {
      collectFields(b.left(), out);
      collectFields(b.right(), out);
    } else if (e instanceof Call c) {
      for (Expr arg : c.args()) collectFields(arg, out);
    }
  }

  /** A number, a string or null. */
  record Literal(Object value) implements Expr {
    @Override
    public Object eval(Bindings row) {
      return value;
    }
  }

  /** A field of the input row; a missing field is null (so is a multi-value field of 0 or 2+ values). */
  record Field(String name) implements Expr {
    @Override
    public Object eval(Bindings row) {
      return Values.normalize(row.get(name));
    }
  }

  /** {@code -x} (null stays null; a numeric string is negated as a number) or {@code !x} (1 or 0; null stays null). */
  record Unary(char op, Expr arg) implements Expr {
    @Override
    public Object eval(Bindings row) {
      Object v = arg.eval(row);
      if (op == '!') {
        Boolean b = Values.truth(v);
        return b == null ? null : b ? 0L : 1L;
      }
      Number n = Values.asNumber(v);
      if (n == null) return null;
      return n instanceof Long l ? (Object) (-l) : (Object) (-n.doubleValue());
    }
  }

  enum BinaryOp {
    ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%"),
    LT("<"), LE("<="), GT(">"), GE(">="), EQ("=="), NE("!="),
    AND("&&"), OR("||");

    final String symbol;

    BinaryOp(String symbol) {
      this.symbol = symbol;
    }

    boolean comparison() {
      return ordinal() >= LT.ordinal() && ordinal() <= NE.ordinal();
    }
  }

  /**
   * A binary operator. Any null operand gives null, except for {@code &&} and {@code ||}, which use three-valued logic
   * ({@code null && 0} is 0, {@code null || 1} is 1). Arithmetic on two longs is long arithmetic (integer division
   * and remainder by zero give null); otherwise both operands are read as doubles, and a string that is not a number
   * reads as null. {@code +} on two strings concatenates them. Comparisons of two strings compare them as strings,
   * otherwise as numbers; they give 1 or 0.
   */
  record Binary(BinaryOp op, Expr left, Expr right) implements Expr {
    @Override
    public Object eval(Bindings row) {
      Object l = left.eval(row);
      if (op == BinaryOp.AND || op == BinaryOp.OR) return logic(l, row);
      Object r = right.eval(row);
      if (l == null || r == null) return null;
      if (op.comparison()) return compare(l, r);
      if (op == BinaryOp.ADD && l instanceof String a && r instanceof String b) return a + b;
      if (l instanceof Long a && r instanceof Long b) return longs(a, b);
      Double a = Values.asDouble(l);
      Double b = Values.asDouble(r);
      if (a == null || b == null) return null;
      return switch (op) {
        case ADD -> a + b;
        case SUB -> a - b;
        case MUL -> a * b;
        case DIV -> a / b;
        default -> a % b;
      };
    }

    private Object logic(Object l, Bindings row) {
      Boolean a = Values.truth(l);
      boolean and = op == BinaryOp.AND;
      if (a != null && a != and) return and ? 0L : 1L; // false && x, true || x
      Boolean b = Values.truth(right.eval(row));
      if (b != null && b != and) return and ? 0L : 1L;
      if (a == null || b == null) return null;
      return and ? 1L : 0L;
    }

    private Object longs(long a, long b) {
      return switch (op) {
        case ADD -> a + b;
        case SUB -> a - b;
        case MUL -> a * b;
        case DIV -> b == 0 ? null : (Object) (a / b);
        default -> b == 0 ? null : (Object) (a % b);
      };
    }

    private Object compare(Object l, Object r) {
      int c;
      if (l instanceof String a && r instanceof String b) {
        c = a.compareTo(b);
      } else if (l instanceof Long a && r instanceof Long b) {
        c = Long.compare(a, b);
      } else {
        Double a = Values.asDouble(l);
        Double b = Values.asDouble(r);
        if (a == null || b == null) return null;
        double x = a;
        double y = b;
        return Values.ofBoolean(switch (op) {
          case LT -> x < y;
          case LE -> x <= y;
          case GT -> x > y;
          case GE -> x >= y;
          case EQ -> x == y;
          default -> x != y;
        });
      }
      return Values.ofBoolean(switch (op) {
        case LT -> c < 0;
        case LE -> c <= 0;
        case GT -> c > 0;
        case GE -> c >= 0;
        case EQ -> c == 0;
        default -> c != 0;
      });
    }
  }

  /** The supported functions, with their arity ({@code max} -1: any number). */
  enum Function {
    CONCAT(1, -1), LOWER(1, 1), UPPER(1, 1), SUBSTRING(3, 3), IF(3, 3), NVL(2, 2);

    final int min;
    final int max;

    Function(int min, int max) {
      this.min = min;
      this.max = max;
    }

    String sqlName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A function call. {@code concat(a, …)}: the arguments as strings, joined; null if any is null.
   * {@code lower(s)}, {@code upper(s)}: null stays null. {@code substring(s, index, length)}: 0-based like Druid's
   * (not SQL's 1-based SUBSTRING); a negative length means "to the end"; an index outside the string, or a null
   * argument, gives null. {@code if(c, a, b)}: a when c is true, else b (only the chosen branch is evaluated).
   * {@code nvl(a, b)}: a unless it is null, else b.
   */
  record Call(Function function, List<Expr> args) implements Expr {
    public Call {
      args = List.copyOf(args);
    }

    @Override
    public Object eval(Bindings row) {
      switch (function) {
        case CONCAT -> {
          StringBuilder sb = new StringBuilder();
          for (Expr arg : args) {
            String s = Values.asString(arg.eval(row));
            if (s == null) return null;
            sb.append(s);
          }
          return sb.toString();
        }
        case LOWER, UPPER -> {
          String s = Values.asString(args.get(0).eval(row));
          if (s == null) return null;
          return function == Function.LOWER ? s.toLowerCase(Locale.ROOT) : s.toUpperCase(Locale.ROOT);
        }
        case SUBSTRING -> {
          String s = Values.asString(args.get(0).eval(row));
          Number index = Values.asNumber(args.get(1).eval(row));
          Number length = Values.asNumber(args.get(2).eval(row));
          if (s == null || index == null || length == null) return null;
          long i = index.longValue();
          long n = length.longValue();
          if (i < 0 || i >= s.length()) return null;
          return n < 0 ? s.substring((int) i) : s.substring((int) i, (int) Math.min(i + n, s.length()));
        }
        case IF -> {
          return Boolean.TRUE.equals(Values.truth(args.get(0).eval(row)))
              ? args.get(1).eval(row) : args.get(2).eval(row);
        }
        default -> {
          Object v = args.get(0).eval(row);
          return v != null ? v : args.get(1).eval(row);
        }
      }
    }
  }
}
