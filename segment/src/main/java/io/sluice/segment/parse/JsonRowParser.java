package io.sluice.segment.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one JSON record into a row: the top-level fields of one JSON object (Druid's {@code json} input format
 * with field discovery on the root). Strings, numbers, booleans and nulls are kept, and so are arrays of them, as a
 * {@code List} (a multi-value field, as Druid's root discovery keeps "flat lists"); nested objects, and arrays that
 * hold objects or arrays, are skipped. Anything that is not one JSON object is a {@link ParseException}. Parsing is bounded: nesting depth,
 * string and number lengths are capped, so hostile input cannot hang it or take unbounded memory.
 *
 * <p>{@link RowParsers#create} is the general entry point (every input format, several objects per record,
 * {@code keepNullColumns}); this class stays for callers that want exactly one object per record with nulls kept.
 */
public final class JsonRowParser {
  /** Nesting depth of a JSON record, a bound on parser memory. */
  public static final int MAX_NESTING_DEPTH = 100;

  static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_NESTING_DEPTH).maxNumberLength(1000).maxStringLength(RowParsers.MAX_RECORD_BYTES)
          .maxDocumentLength(RowParsers.MAX_RECORD_BYTES).build())
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER) // same correctly rounded doubles, several times faster
      .build();

  private final String timestampColumn;
  private final TimestampParser timestamps;
  private final Long missingTimestamp;
  private final FlatJson flat = new FlatJson();

  public JsonRowParser(String timestampColumn, String timestampFormat, Long missingTimestamp) {
    this.timestampColumn = timestampColumn;
    this.timestamps = new TimestampParser(timestampFormat);
    this.missingTimestamp = missingTimestamp;
  }

  /** A parsed record: its timestamp in epoch millis and its top-level fields. */
  public record Row(long timestamp, Map<String, Object> fields) {}

  public Row parse(byte[] bytes) throws ParseException {
    RowParsers.checkSize(bytes);
    Map<String, Object> fields = new LinkedHashMap<>(); // JSON order: schemaless dimensions keep it
    if (flat.read(bytes, 0, fields, true) == bytes.length) {
      return new Row(timestamps.fromRow(fields, timestampColumn, missingTimestamp), fields);
    }
    fields.clear();
    try (JsonParser p = FACTORY.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new ParseException("record is not a JSON object");
      readFields(p, fields, true);
      if (p.nextToken() != null) throw new ParseException("trailing data after the JSON object");
    } catch (IOException | RuntimeException e) {
      throw new ParseException("not valid JSON: " + RowParsers.firstLine(e.getMessage()));
    }
    return new Row(timestamps.fromRow(fields, timestampColumn, missingTimestamp), fields);
  }

  /**
   * Reads the fields of the object whose START_OBJECT {@code p} has just returned, up to and including its
   * END_OBJECT: scalars and flat arrays go into {@code fields} (nulls only if {@code keepNulls}), other nested values
   * are skipped.
   */
  static void readFields(JsonParser p, Map<String, Object> fields, boolean keepNulls)
      throws IOException, ParseException {
    readFields(p, fields, keepNulls, false);
  }

  /**
   * A nested object's place in a row read with {@code markNested}: the field is there, its value is not kept.
   * Schema discovery reports such a field rather than leave it out silently.
   */
  public static final Map<String, Object> NESTED_OBJECT = java.util.Collections.unmodifiableMap(new LinkedHashMap<>());
  /** An array holding objects or arrays, in a row read with {@code markNested}; see {@link #NESTED_OBJECT}. */
  public static final List<Object> NESTED_ARRAY = List.of(NESTED_OBJECT);

  /** Whether {@code v} stands for a nested value that was not kept. */
  public static boolean isNestedMarker(Object v) {
    return v == NESTED_OBJECT || v == NESTED_ARRAY;
  }

  /**
   * As {@link #readFields(JsonParser, Map, boolean)}; with {@code markNested} a nested object is put as
   * {@link #NESTED_OBJECT} and an array of objects or arrays as {@link #NESTED_ARRAY} instead of being skipped.
   */
  static void readFields(JsonParser p, Map<String, Object> fields, boolean keepNulls, boolean markNested)
      throws IOException, ParseException {
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      if (v == null) throw new ParseException("truncated JSON object");
      switch (v) {
        case VALUE_STRING -> fields.put(name, p.getText());
        case VALUE_NUMBER_INT -> fields.put(name, integral(p));
        case VALUE_NUMBER_FLOAT -> fields.put(name, p.getDoubleValue());
        case VALUE_TRUE -> fields.put(name, Boolean.TRUE);
        case VALUE_FALSE -> fields.put(name, Boolean.FALSE);
        case VALUE_NULL -> {
          if (keepNulls) {
            fields.put(name, null);
          } else {
            fields.remove(name); // a later null hides an earlier duplicate, as it would when kept
          }
        }
        case START_ARRAY -> {
          List<Object> list = flatArray(p);
          if (list != null) {
            fields.put(name, list);
          } else if (markNested) {
            fields.put(name, NESTED_ARRAY);
          }
        }
        case START_OBJECT -> {
          p.skipChildren();
          if (markNested) fields.put(name, NESTED_OBJECT);
        }
        default -> throw new ParseException("unexpected token " + v);
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT) throw new ParseException("truncated JSON object");
  }

  /**
   * Reads the array whose START_ARRAY {@code p} has just returned, up to and including its END_ARRAY: its elements
   * (String, Long, Double, Boolean or null) when all are scalars, else null.
   */
  private static List<Object> flatArray(JsonParser p) throws IOException, ParseException {
    List<Object> list = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) throw new ParseException("truncated JSON array");
      switch (t) {
        case VALUE_STRING -> list.add(p.getText());
        case VALUE_NUMBER_INT -> list.add(integral(p));
        case VALUE_NUMBER_FLOAT -> list.add(p.getDoubleValue());
        case VALUE_TRUE -> list.add(Boolean.TRUE);
        case VALUE_FALSE -> list.add(Boolean.FALSE);
        case VALUE_NULL -> list.add(null);
        case START_OBJECT, START_ARRAY -> {
          p.skipChildren();
          return skipRest(p);
        }
        default -> throw new ParseException("unexpected token " + t);
      }
    }
    return list;
  }

  /** Skips to the END_ARRAY of the array being read; returns null. */
  private static List<Object> skipRest(JsonParser p) throws IOException, ParseException {
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) throw new ParseException("truncated JSON array");
      p.skipChildren();
    }
    return null;
  }

  /** An integer as a Long, or as a Double beyond a long (keeping its magnitude), never a widened long. */
  static Object integral(JsonParser p) throws IOException {
    JsonParser.NumberType type = p.getNumberType();
    if (type == JsonParser.NumberType.INT) return (long) p.getIntValue();
    if (type == JsonParser.NumberType.LONG) return p.getLongValue();
    return p.getDoubleValue();
  }
}
