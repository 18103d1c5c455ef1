package io.sluice.segment.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Druid's {@code json} input format with root field discovery and no explicit fields: every JSON object in the
 * record (one, or several separated by whitespace) is a row of its top-level scalar fields and arrays of scalars
 * (multi-value fields, as Lists), in JSON order. Nested objects, and arrays holding objects or arrays, are not
 * discovered (Sluice has no nested columns); nulls are kept only with
 * {@code keepNullColumns}. A record with anything else, or with one bad object, is a {@link ParseException}.
 *
 * <p>A record that is one flat object goes through {@link FlatJson}, which reads it straight from the bytes; every
 * other record, and every record when a {@code featureSpec} changes the grammar, goes through Jackson's streaming
 * parser. Both give the same rows.
 */
final class JsonRows implements RowParser {
  /** Rows one record may hold, a bound on memory. */
  static final int MAX_ROWS_PER_RECORD = 100_000;

  private final JsonFactory factory;
  private final TimestampParser timestamps;
  private final String timestampColumn;
  private final Long missingTimestamp;
  private final boolean keepNulls;
  private final boolean markNested;
  private final FlatJson flat; // null when features change the grammar
  private int lastSize = 8;

  JsonRows(JsonFactory factory, TimestampParser timestamps, String timestampColumn, Long missingTimestamp,
      boolean keepNulls) {
    this(factory, timestamps, timestampColumn, missingTimestamp, keepNulls, false);
  }

  JsonRows(JsonFactory factory, TimestampParser timestamps, String timestampColumn, Long missingTimestamp,
      boolean keepNulls, boolean markNested) {
    this.markNested = markNested;
    this.factory = factory;
    this.timestamps = timestamps;
    this.timestampColumn = timestampColumn;
    this.missingTimestamp = missingTimestamp;
    this.keepNulls = keepNulls;
    this.flat = factory == JsonRowParser.FACTORY ? new FlatJson() : null;
  }

  @Override
  public List<JsonRowParser.Row> parse(byte[] record) throws ParseException {
    RowParsers.checkSize(record);
    if (flat != null) {
      Map<String, Object> fields = newFields();
      int end = flat.read(record, 0, fields, keepNulls);
      if (end == record.length) { // one flat object: the common case
        lastSize = fields.size();
        return List.of(new JsonRowParser.Row(timestamps.fromRow(fields, timestampColumn, missingTimestamp), fields));
      }
    }
    return parseWithJackson(record);
  }

  private Map<String, Object> newFields() {
    // sized from the previous row so that a typical row never rehashes
    return new LinkedHashMap<>(Math.max(16, lastSize * 4 / 3 + 2));
  }

  private List<JsonRowParser.Row> parseWithJackson(byte[] record) throws ParseException {
    RecordRows rows = new RecordRows("JSON objects");
    try (JsonParser p = factory.createParser(record)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t != JsonToken.START_OBJECT) throw new ParseException("record is not a JSON object");
        Map<String, Object> fields = newFields();
        JsonRowParser.readFields(p, fields, keepNulls, markNested);
        lastSize = fields.size();
        JsonRowParser.Row row =
            new JsonRowParser.Row(timestamps.fromRow(fields, timestampColumn, missingTimestamp), fields);
        rows.add(row);
      }
    } catch (IOException | RuntimeException e) {
      throw new ParseException("not valid JSON: " + RowParsers.firstLine(e.getMessage()));
    }
    if (rows.isEmpty()) throw new ParseException("record holds no JSON object");
    return rows.rows();
  }
}
