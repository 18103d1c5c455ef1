package io.sluice.segment.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows one record yields, gathered without a list for the usual single row, and bounded: more than
 * {@link JsonRows#MAX_ROWS_PER_RECORD} rows in one record is a {@link ParseException}.
 */
final class RecordRows {
  private final String unit;
  private JsonRowParser.Row first;
  private List<JsonRowParser.Row> more;

  /** {@code unit}: what a row is called in the error, e.g. "lines" or "JSON objects". */
  RecordRows(String unit) {
    this.unit = unit;
  }

  void add(JsonRowParser.Row row) throws ParseException {
    if (first == null) {
      first = row;
      return;
    }
    if (more == null) {
      more = new ArrayList<>();
      more.add(first);
    }
    if (more.size() >= JsonRows.MAX_ROWS_PER_RECORD) {
      throw new ParseException("record holds more than " + JsonRows.MAX_ROWS_PER_RECORD + " " + unit);
    }
    more.add(row);
  }

  boolean isEmpty() {
    return first == null;
  }

  List<JsonRowParser.Row> rows() {
    if (first == null) return List.of();
    return more == null ? List.of(first) : more;
  }
}
