package io.sluice.segment.parse;

import java.util.List;

/**
 * Turns one Kafka record into zero or more rows (several JSON objects, or several CSV lines, in one record). Made by
 * {@link RowParsers#create}. A failure is a {@link ParseException} with a short reason and no row of that record is
 * kept, as in Druid; no other exception escapes, and work and memory are bounded by the record size
 * ({@link RowParsers#MAX_RECORD_BYTES}). Instances are not thread-safe: use one per reading task.
 */
public interface RowParser {
  /** The rows of one record, in order; an empty list when it holds none (blank lines, header rows only). */
  List<JsonRowParser.Row> parse(byte[] record) throws ParseException;
}
