package io.sluice.segment.parse;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Druid's {@code csv}, {@code tsv} and {@code delimited} input formats. The record is UTF-8 text (invalid UTF-8 is a
 * {@link ParseException}); each line is a row, its values zipped with {@code columns} in order (a short line leaves
 * the last columns out, extra values are dropped, as Druid's {@code zipMapPartial} does). The first
 * {@code skipHeaderRows} lines of each record are skipped (Druid treats each Kafka record as its own input), and
 * empty lines yield no row. Lines end with LF, CRLF or CR.
 *
 * <p>CSV follows RFC 4180: a value that starts with a double quote runs to the matching quote, {@code ""} inside it
 * is one quote, and it may hold commas and line breaks; a quote inside an unquoted value is kept as it is; text
 * between a closing quote and the next comma is an error. TSV and delimited values are split on the delimiter
 * with no quoting, as Druid's delimited parser does. A value that contains {@code listDelimiter} becomes a
 * {@code List<String>} (Druid's multi-value function); every other value stays a String, and the index parses
 * numbers for numeric columns.
 */
final class DelimitedRows implements RowParser {
  private final boolean csv;
  private final String delimiter;
  private final char delimiterChar; // the delimiter when it is one char, else 0
  private final String listDelimiter;
  private final String[] columns;
  private final int skipHeaderRows;
  private final TimestampParser timestamps;
  private final String timestampColumn;
  private final Long missingTimestamp;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  /** Values per multi-value list, a bound on memory. */
  static final int MAX_LIST_VALUES = 100_000;

  private final List<String> values = new ArrayList<>(); // of the current line, at most columns.length
  private int count; // values on the current line, including the ones beyond the columns
  private StringBuilder quoted = new StringBuilder();

  DelimitedRows(boolean csv, String delimiter, String listDelimiter, List<String> columns, int skipHeaderRows,
      TimestampParser timestamps, String timestampColumn, Long missingTimestamp) {
    this.csv = csv;
    this.delimiter = delimiter;
    this.delimiterChar = delimiter.length() == 1 ? delimiter.charAt(0) : 0;
    this.listDelimiter = listDelimiter;
    this.columns = columns.toArray(new String[0]);
    this.skipHeaderRows = skipHeaderRows;
    this.timestamps = timestamps;
    this.timestampColumn = timestampColumn;
    this.missingTimestamp = missingTimestamp;
  }

  @Override
  public List<JsonRowParser.Row> parse(byte[] record) throws ParseException {
    RowParsers.checkSize(record);
    String text = decode(record);
    if (quoted.capacity() > 1 << 20) quoted = new StringBuilder(); // do not keep a huge record's buffer
    int n = text.length();
    int pos = 0;
    int line = 0;
    RecordRows rows = new RecordRows("lines");
    while (pos < n) {
      values.clear();
      count = 0;
      int start = pos;
      pos = csv ? csvLine(text, pos) : delimitedLine(text, pos);
      line++;
      if (line <= skipHeaderRows) continue;
      if (count == 1 && values.get(0).isEmpty() && !(csv && text.charAt(start) == '"')) continue; // blank
      Map<String, Object> fields = new LinkedHashMap<>(Math.max(16, columns.length * 4 / 3 + 2));
      int k = Math.min(columns.length, values.size());
      for (int i = 0; i < k; i++) fields.put(columns[i], multiValue(values.get(i)));
      JsonRowParser.Row row;
      try {
        row = new JsonRowParser.Row(timestamps.fromRow(fields, timestampColumn, missingTimestamp), fields);
      } catch (ParseException e) {
        throw new ParseException("line " + line + ": " + e.getMessage());
      }
      rows.add(row);
    }
    return rows.rows();
  }

  /** Keeps a value of the current line, unless it is beyond the columns (then it is only counted). */
  private void add(String s, int from, int to) {
    if (count++ < columns.length) values.add(s.substring(from, to));
  }

  private Object multiValue(String v) throws ParseException {
    if (v.indexOf(listDelimiter) < 0) return v;
    List<String> list = new ArrayList<>();
    int from = 0;
    int at;
    while ((at = v.indexOf(listDelimiter, from)) >= 0) {
      if (list.size() >= MAX_LIST_VALUES - 1) { // room for the last value, after the loop
        throw new ParseException("a value holds more than " + MAX_LIST_VALUES + " list values");
      }
      list.add(v.substring(from, at));
      from = at + listDelimiter.length();
    }
    list.add(v.substring(from));
    return list;
  }

  /** Splits the line at {@code pos} on the delimiter into {@link #values}; returns the start of the next line. */
  private int delimitedLine(String s, int pos) {
    int n = s.length();
    int end = pos;
    while (end < n) {
      char c = s.charAt(end);
      if (c == '\n' || c == '\r') break;
      end++;
    }
    int from = pos;
    if (delimiterChar != 0) {
      for (int i = pos; i < end; i++) {
        if (s.charAt(i) == delimiterChar) {
          add(s, from, i);
          from = i + 1;
        }
      }
    } else {
      int len = delimiter.length();
      int i = pos;
      while (i + len <= end) { // never past the line end: no rescanning of later lines
        if (s.startsWith(delimiter, i)) {
          add(s, from, i);
          i += len;
          from = i;
        } else {
          i++;
        }
      }
    }
    add(s, from, end);
    return nextLine(s, end);
  }

  /** The start of the line after the line break at {@code end} (LF, CRLF or CR), or the end of the text. */
  private static int nextLine(String s, int end) {
    int n = s.length();
    if (end < n && s.charAt(end) == '\r') {
      end++;
      if (end < n && s.charAt(end) == '\n') end++;
      return end;
    }
    return end < n && s.charAt(end) == '\n' ? end + 1 : end;
  }

  /** Reads one RFC 4180 record at {@code pos} into {@link #values}; returns the start of the next one. */
  private int csvLine(String s, int pos) throws ParseException {
    int n = s.length();
    int i = pos;
    while (true) {
      if (i < n && s.charAt(i) == '"') {
        quoted.setLength(0);
        i++;
        int from = i;
        while (true) {
          if (i >= n) throw new ParseException("unterminated quoted value");
          char c = s.charAt(i);
          if (c == '"') {
            quoted.append(s, from, i);
            if (i + 1 < n && s.charAt(i + 1) == '"') {
              quoted.append('"');
              i += 2;
              from = i;
            } else {
              i++;
              break;
            }
          } else {
            i++;
          }
        }
        if (count++ < columns.length) values.add(quoted.toString());
        if (i >= n) return n;
        char c = s.charAt(i);
        if (c == ',') {
          i++;
          continue;
        }
        if (c == '\n' || c == '\r') return nextLine(s, i);
        throw new ParseException("unexpected character after a closing quote at offset " + i);
      }
      int from = i;
      while (i < n) {
        char c = s.charAt(i);
        if (c == ',' || c == '\n' || c == '\r') break;
        i++;
      }
      add(s, from, i);
      if (i >= n) return n;
      if (s.charAt(i) == ',') {
        i++;
        continue;
      }
      return nextLine(s, i);
    }
  }

  private String decode(byte[] record) throws ParseException {
    for (byte b : record) {
      if (b < 0) {
        try {
          CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(record));
          return chars.toString();
        } catch (CharacterCodingException e) {
          throw new ParseException("record is not valid UTF-8 text");
        }
      }
    }
    return new String(record, StandardCharsets.ISO_8859_1); // ASCII: no decoding needed
  }
}
