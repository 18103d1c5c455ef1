package io.sluice.segment.parse;

import com.fasterxml.jackson.core.io.NumberInput;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The fast path of plain JSON parsing: a flat object of ASCII names and values with no escapes, nesting or anything
 * unusual, read straight from the bytes. Whatever it does not recognize, including every error, it leaves to
 * Jackson by returning {@link #FALL_BACK}, so results are those of the Jackson path by construction: it only
 * accepts inputs Jackson accepts and yields the same values (Long for integers of up to 18 digits, Double for
 * decimals through Jackson's own parser, interned field names). Safe to share between threads.
 *
 * <pre>
 * object := ws '{' ws ( member ( ws ',' ws member )* )? ws '}'
 * member := string ws ':' ws value
 * value  := string | integer (at most 18 digits) | decimal | true | false | null
 * string := '"' (ASCII 0x20-0x7e except '"' and '\')* '"'
 * ws     := (' ' | '\t' | '\n' | '\r')*
 * </pre>
 */
final class FlatJson {
  static final int FALL_BACK = -1;
  private static final int MAX_DECIMAL_CHARS = 64;
  private static final int CACHE_SIZE = 512; // a power of two

  /** Field names already seen; entries are immutable, so racy reads see a whole entry or none. */
  private final Name[] names = new Name[CACHE_SIZE];

  private record Name(byte[] bytes, String string) {}

  /**
   * Reads the object at {@code pos} into {@code fields} (nulls only if {@code keepNulls}); returns the position after
   * its closing brace and any whitespace, or {@link #FALL_BACK} (with {@code fields} in an undefined state).
   */
  int read(byte[] b, int pos, Map<String, Object> fields, boolean keepNulls) {
    int n = b.length;
    pos = ws(b, pos);
    if (pos >= n || b[pos] != '{') return FALL_BACK;
    pos = ws(b, pos + 1);
    if (pos < n && b[pos] == '}') return ws(b, pos + 1);
    while (true) {
      if (pos >= n || b[pos] != '"') return FALL_BACK;
      int start = ++pos;
      int hash = 0;
      while (pos < n) {
        byte c = b[pos];
        if (c == '"') break;
        if (c < 0x20 || c == '\\' || c == 0x7f) return FALL_BACK; // also non-ASCII: negative bytes
        hash = 31 * hash + c;
        pos++;
      }
      if (pos >= n) return FALL_BACK;
      String name = name(b, start, pos, hash);
      pos = ws(b, pos + 1);
      if (pos >= n || b[pos] != ':') return FALL_BACK;
      pos = ws(b, pos + 1);
      if (pos >= n) return FALL_BACK;
      byte c = b[pos];
      if (c == '"') {
        int s = ++pos;
        while (pos < n) {
          byte d = b[pos];
          if (d == '"') break;
          if (d < 0x20 || d == '\\') return FALL_BACK; // also non-ASCII
          pos++;
        }
        if (pos >= n) return FALL_BACK;
        String value = new String(b, s, pos - s, StandardCharsets.ISO_8859_1);
        // hashed here, on the parsing thread: the index looks the value up in its dictionary on the adding thread,
        // the busier one, and a String keeps its hash
        value.hashCode();
        fields.put(name, value);
        pos++;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        int s = pos;
        if (c == '-') pos++;
        int digitsStart = pos;
        while (pos < n && b[pos] >= '0' && b[pos] <= '9') pos++;
        int digits = pos - digitsStart;
        if (digits == 0 || (digits > 1 && b[digitsStart] == '0')) return FALL_BACK;
        boolean decimal = false;
        if (pos < n && b[pos] == '.') {
          decimal = true;
          int f = ++pos;
          while (pos < n && b[pos] >= '0' && b[pos] <= '9') pos++;
          if (pos == f) return FALL_BACK;
        }
        if (pos < n && (b[pos] == 'e' || b[pos] == 'E')) {
          decimal = true;
          pos++;
          if (pos < n && (b[pos] == '+' || b[pos] == '-')) pos++;
          int e = pos;
          while (pos < n && b[pos] >= '0' && b[pos] <= '9') pos++;
          if (pos == e) return FALL_BACK;
        }
        if (decimal) {
          if (pos - s > MAX_DECIMAL_CHARS) return FALL_BACK;
          try {
            fields.put(name, NumberInput.parseDouble(new String(b, s, pos - s, StandardCharsets.ISO_8859_1), true));
          } catch (NumberFormatException e) {
            return FALL_BACK;
          }
        } else {
          if (digits > 18) return FALL_BACK;
          long v = 0;
          for (int i = digitsStart; i < pos; i++) v = v * 10 + (b[i] - '0');
          fields.put(name, c == '-' ? -v : v);
        }
      } else if (c == 't' && matches(b, pos, "true")) {
        fields.put(name, Boolean.TRUE);
        pos += 4;
      } else if (c == 'f' && matches(b, pos, "false")) {
        fields.put(name, Boolean.FALSE);
        pos += 5;
      } else if (c == 'n' && matches(b, pos, "null")) {
        if (keepNulls) {
          fields.put(name, null);
        } else {
          fields.remove(name);
        }
        pos += 4;
      } else {
        return FALL_BACK; // nested values, and everything else
      }
      pos = ws(b, pos);
      if (pos >= n) return FALL_BACK;
      if (b[pos] == ',') {
        pos = ws(b, pos + 1);
      } else if (b[pos] == '}') {
        return ws(b, pos + 1);
      } else {
        return FALL_BACK;
      }
    }
  }

  private static boolean matches(byte[] b, int pos, String literal) {
    int len = literal.length();
    if (pos + len > b.length) return false;
    for (int i = 0; i < len; i++) if (b[pos + i] != literal.charAt(i)) return false;
    return true;
  }

  static int ws(byte[] b, int pos) {
    while (pos < b.length) {
      byte c = b[pos];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
      pos++;
    }
    return pos;
  }

  private String name(byte[] b, int from, int to, int hash) {
    int slot = (hash ^ (hash >>> 16)) & (CACHE_SIZE - 1);
    Name cached = names[slot];
    if (cached != null && Arrays.equals(cached.bytes, 0, cached.bytes.length, b, from, to)) return cached.string;
    String s = new String(b, from, to - from, StandardCharsets.ISO_8859_1).intern(); // Jackson interns names too
    if (to - from <= 256) names[slot] = new Name(Arrays.copyOfRange(b, from, to), s);
    return s;
  }
}
