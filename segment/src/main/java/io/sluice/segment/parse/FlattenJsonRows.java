package io.sluice.segment.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.segment.spec.InputFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Druid's {@code json} input format with a {@code flattenSpec}: each JSON object in the record becomes a row of
 * its discovered top-level scalar fields and arrays of scalars (when {@code useFieldDiscovery}, as Druid's root
 * discovery) followed by the explicit {@code root} and {@code path} fields, which override discovered ones of the same name. A path that matches nothing gives null.
 * Explicit values keep their JSON shape: arrays become {@link List}s and objects {@link Map}s. Nulls are kept only
 * with {@code keepNullColumns}.
 */
final class FlattenJsonRows implements RowParser {
  private final ObjectMapper mapper;
  private final boolean discover;
  private final String[] names;
  private final String[] rootExprs; // null where the field is a path
  private final JsonPath[] paths;
  private final TimestampParser timestamps;
  private final String timestampColumn;
  private final Long missingTimestamp;
  private final boolean keepNulls;
  private final boolean markNested;
  /** Root fields that explicit fields read from: extracted on purpose, so never reported as left out. */
  private final java.util.Set<String> flattenedRoots = new java.util.HashSet<>();

  /**
   * With {@code markNested} (schema discovery), a discovered root field holding an object or an array of containers
   * is put as {@link JsonRowParser#NESTED_OBJECT} / {@link JsonRowParser#NESTED_ARRAY}, so that it can be reported.
   */
  FlattenJsonRows(JsonFactory factory, InputFormat.FlattenSpec spec, TimestampParser timestamps,
      String timestampColumn, Long missingTimestamp, boolean keepNulls, boolean markNested) {
    this.markNested = markNested;
    this.mapper = new ObjectMapper(factory.copy()); // the mapper sets itself as the codec of its factory
    this.discover = spec.useFieldDiscovery();
    int n = spec.fields().size();
    this.names = new String[n];
    this.rootExprs = new String[n];
    this.paths = new JsonPath[n];
    for (int i = 0; i < n; i++) {
      InputFormat.FlattenField f = spec.fields().get(i);
      names[i] = f.name();
      if ("root".equals(f.type())) {
        rootExprs[i] = f.expr();
        flattenedRoots.add(f.expr());
      } else {
        paths[i] = JsonPath.compile(f.expr());
        if (!paths[i].steps().isEmpty() && paths[i].steps().get(0) instanceof String root) flattenedRoots.add(root);
      }
    }
    this.timestamps = timestamps;
    this.timestampColumn = timestampColumn;
    this.missingTimestamp = missingTimestamp;
    this.keepNulls = keepNulls;
  }

  @Override
  public List<JsonRowParser.Row> parse(byte[] record) throws ParseException {
    RowParsers.checkSize(record);
    List<JsonRowParser.Row> rows = new ArrayList<>(1);
    try (JsonParser p = mapper.getFactory().createParser(record)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t != JsonToken.START_OBJECT) throw new ParseException("record is not a JSON object");
        if (rows.size() >= JsonRows.MAX_ROWS_PER_RECORD) {
          throw new ParseException("record holds more than " + JsonRows.MAX_ROWS_PER_RECORD + " JSON objects");
        }
        JsonNode obj = mapper.readTree(p);
        Map<String, Object> fields = flatten(obj);
        rows.add(new JsonRowParser.Row(timestamps.fromRow(fields, timestampColumn, missingTimestamp), fields));
      }
    } catch (IOException | RuntimeException e) {
      throw new ParseException("not valid JSON: " + RowParsers.firstLine(e.getMessage()));
    }
    if (rows.isEmpty()) throw new ParseException("record holds no JSON object");
    return rows;
  }

  private Map<String, Object> flatten(JsonNode obj) {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (discover) {
      Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        if (v.isObject() || (v.isArray() && !isFlatArray(v))) { // as Druid's root discovery: scalars and flat lists
          if (markNested && !flattenedRoots.contains(e.getKey())) {
            fields.put(e.getKey(), v.isObject() ? JsonRowParser.NESTED_OBJECT : JsonRowParser.NESTED_ARRAY);
          }
          continue;
        }
        if (v.isNull() && !keepNulls) continue;
        fields.put(e.getKey(), value(v));
      }
    }
    for (int i = 0; i < names.length; i++) {
      JsonNode v = rootExprs[i] != null ? obj.get(rootExprs[i]) : paths[i].evaluate(obj);
      Object value = v == null ? null : value(v);
      if (value == null && !keepNulls) {
        fields.remove(names[i]);
      } else {
        fields.put(names[i], value);
      }
    }
    return fields;
  }

  /** Whether an array holds only scalars (and nulls): a multi-value field, which root discovery keeps. */
  private static boolean isFlatArray(JsonNode array) {
    for (JsonNode e : array) {
      if (e.isContainerNode()) return false;
    }
    return true;
  }

  /** A JSON value as a row value: String, Long (Double beyond a long), Double, Boolean, null, List or Map. */
  static Object value(JsonNode v) {
    switch (v.getNodeType()) {
      case STRING:
        return v.textValue();
      case NUMBER:
        if (v.isIntegralNumber()) return v.canConvertToLong() ? (Object) v.longValue() : (Object) v.doubleValue();
        return v.doubleValue();
      case BOOLEAN:
        return v.booleanValue();
      case ARRAY: {
        List<Object> list = new ArrayList<>(v.size());
        for (JsonNode e : v) list.add(value(e));
        return list;
      }
      case OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          map.put(e.getKey(), value(e.getValue()));
        }
        return map;
      }
      case BINARY:
      case POJO:
        return v.asText();
      default: // NULL, MISSING
        return null;
    }
  }
}
