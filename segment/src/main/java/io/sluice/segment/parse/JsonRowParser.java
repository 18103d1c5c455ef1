package io.sluice.segment.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns one JSON record into a row: the top-level fields of one JSON object (Druid's {@code json} input format
 * with field discovery on the root). Nested objects and arrays are skipped. Strings, numbers, booleans and nulls
 * are kept. Anything that is not one JSON object is a {@link ParseException}. Parsing is bounded: nesting depth,
 * string and number lengths are capped, so hostile input cannot hang it or take unbounded memory.
 */
public final class JsonRowParser {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(100).maxNumberLength(1000).maxStringLength(10 << 20).build())
      .build();

  private final String timestampColumn;
  private final TimestampParser timestamps;
  private final Long missingTimestamp;

  public JsonRowParser(String timestampColumn, String timestampFormat, Long missingTimestamp) {
    this.timestampColumn = timestampColumn;
    this.timestamps = new TimestampParser(timestampFormat);
    this.missingTimestamp = missingTimestamp;
  }

  /** A parsed record: its timestamp in epoch millis and its top-level fields. */
  public record Row(long timestamp, Map<String, Object> fields) {}

  public Row parse(byte[] bytes) throws ParseException {
    if (bytes == null || bytes.length == 0) throw new ParseException("empty record");
    Map<String, Object> fields = new LinkedHashMap<>(); // JSON order: schemaless dimensions keep it
    try (JsonParser p = FACTORY.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new ParseException("record is not a JSON object");
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (v) {
          case VALUE_STRING -> fields.put(name, p.getText());
          case VALUE_NUMBER_INT -> {
            // not a ?: — that would widen the long to a double
            JsonParser.NumberType type = p.getNumberType();
            if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
              fields.put(name, p.getLongValue());
            } else {
              fields.put(name, p.getDoubleValue()); // beyond a long: keep its magnitude
            }
          }
          case VALUE_NUMBER_FLOAT -> fields.put(name, p.getDoubleValue());
          case VALUE_TRUE -> fields.put(name, Boolean.TRUE);
          case VALUE_FALSE -> fields.put(name, Boolean.FALSE);
          case VALUE_NULL -> fields.put(name, null);
          case START_OBJECT, START_ARRAY -> p.skipChildren();
          default -> throw new ParseException("unexpected token " + v);
        }
      }
      if (t != JsonToken.END_OBJECT) throw new ParseException("truncated JSON object");
      if (p.nextToken() != null) throw new ParseException("trailing data after the JSON object");
    } catch (IOException | RuntimeException e) {
      throw new ParseException("not valid JSON: " + firstLine(e.getMessage()));
    }
    Object ts = fields.get(timestampColumn);
    long timestamp;
    if (ts == null) {
      if (missingTimestamp == null) throw new ParseException("timestamp column '" + timestampColumn + "' is missing");
      timestamp = missingTimestamp;
    } else {
      try {
        timestamp = timestamps.parse(ts);
      } catch (ArithmeticException e) {
        throw new ParseException("timestamp " + ts + " is out of range");
      }
    }
    return new Row(timestamp, fields);
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
