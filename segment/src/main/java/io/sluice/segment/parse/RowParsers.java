package io.sluice.segment.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.sluice.segment.spec.InputFormat;
import java.util.Map;

/** Makes the {@link RowParser} of an {@code ioConfig.inputFormat}. */
public final class RowParsers {
  /** Records larger than this are a {@link ParseException}, before any parsing. */
  public static final int MAX_RECORD_BYTES = 10 << 20;

  private RowParsers() {}

  /**
   * The parser of {@code format}: rows take their timestamp from {@code timestampColumn} in
   * {@code timestampFormat} (see {@link TimestampParser}), or {@code missingTimestampMillis} when the column is
   * absent or null (null: such a row is a {@link ParseException}).
   */
  public static RowParser create(InputFormat format, String timestampColumn, String timestampFormat,
      Long missingTimestampMillis) {
    return create(format, timestampColumn, timestampFormat, missingTimestampMillis, false);
  }

  /**
   * As {@link #create(InputFormat, String, String, Long)}; with {@code markNested} (schema discovery) the {@code json}
   * format (its root field discovery, with or without a flattenSpec) puts {@link JsonRowParser#NESTED_OBJECT} / {@link JsonRowParser#NESTED_ARRAY} where
   * it skips a nested value, so that the field can be reported.
   */
  public static RowParser create(InputFormat format, String timestampColumn, String timestampFormat,
      Long missingTimestampMillis, boolean markNested) {
    TimestampParser timestamps = new TimestampParser(timestampFormat);
    switch (format.type()) {
      case InputFormat.JSON: {
        JsonFactory factory = JsonRowParser.FACTORY;
        Map<String, Boolean> features = format.featureSpec();
        if (features != null && !features.isEmpty()) {
          factory = factory.copy();
          for (Map.Entry<String, Boolean> e : features.entrySet()) {
            factory.configure(JsonParser.Feature.valueOf(e.getKey()), e.getValue());
          }
        }
        InputFormat.FlattenSpec flatten = format.flattenSpec();
        if (flatten == null || (flatten.useFieldDiscovery() && flatten.fields().isEmpty())) {
          return new JsonRows(factory, timestamps, timestampColumn, missingTimestampMillis, format.keepNulls(),
              markNested);
        }
        return new FlattenJsonRows(factory, flatten, timestamps, timestampColumn, missingTimestampMillis,
            format.keepNulls(), markNested);
      }
      case InputFormat.CSV:
        return new DelimitedRows(true, ",", format.listDelimiter(), format.columns(), format.skipHeaderRows(),
            timestamps, timestampColumn, missingTimestampMillis);
      case InputFormat.TSV:
      case InputFormat.DELIMITED:
        return new DelimitedRows(false, format.delimiter(), format.listDelimiter(), format.columns(),
            format.skipHeaderRows(), timestamps, timestampColumn, missingTimestampMillis);
      default:
        throw new IllegalArgumentException("unsupported input format " + format.type());
    }
  }

  static void checkSize(byte[] record) throws ParseException {
    if (record == null || record.length == 0) throw new ParseException("empty record");
    if (record.length > MAX_RECORD_BYTES) {
      throw new ParseException("record is " + record.length + " bytes; the limit is " + MAX_RECORD_BYTES);
    }
  }

  static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
