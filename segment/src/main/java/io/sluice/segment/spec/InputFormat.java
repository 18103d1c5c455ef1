package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import io.sluice.segment.parse.JsonPath;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ioConfig.inputFormat}: Druid's {@code json}, {@code csv}, {@code tsv} and {@code delimited} input formats.
 *
 * <p>One record holds the fields of every type; each field that does not belong to the declared type is an error
 * naming it, so {@code {"type":"json","columns":[…]}} is refused rather than silently ignored.
 *
 * <ul>
 *   <li>{@code json}: {@code flattenSpec} ({@code useFieldDiscovery}, default true; {@code fields} of type
 *       {@code root} or {@code path} — {@code jq} and {@code tree} are refused; path expressions are the JSONPath
 *       subset {@link JsonPath} documents), {@code featureSpec} (Jackson {@link JsonParser.Feature} names to
 *       booleans), {@code keepNullColumns} (default false).
 *   <li>{@code csv}: {@code columns} (required: a stream has no header), {@code listDelimiter} (default
 *       ctrl-A), {@code findColumnsFromHeader} (must not be true for a stream, as in Druid),
 *       {@code skipHeaderRows} (default 0, applied to each Kafka record, as Druid does).
 *   <li>{@code tsv} and {@code delimited}: as {@code csv}, plus {@code delimiter} (default a tab).
 * </ul>
 *
 * <p>Defaults of the new fields are filled in for {@code csv}, {@code tsv} and {@code delimited} and inside a
 * {@code flattenSpec}; a plain {@code {"type":"json"}} stays as it is so stored specs normalize unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InputFormat(
    @JsonProperty("type") String type,
    @JsonProperty("flattenSpec") FlattenSpec flattenSpec,
    @JsonProperty("featureSpec") Map<String, Boolean> featureSpec,
    @JsonProperty("keepNullColumns") Boolean keepNullColumns,
    @JsonProperty("columns") List<String> columns,
    @JsonProperty("listDelimiter") String listDelimiter,
    @JsonProperty("delimiter") String delimiter,
    @JsonProperty("findColumnsFromHeader") Boolean findColumnsFromHeader,
    @JsonProperty("skipHeaderRows") Integer skipHeaderRows) {

  public static final String JSON = "json";
  public static final String CSV = "csv";
  public static final String TSV = "tsv";
  public static final String DELIMITED = "delimited";
  /** Druid's default list delimiter (ctrl-A). */
  public static final String DEFAULT_LIST_DELIMITER = "\u0001";
  /** Columns per CSV/TSV format, a bound on what one spec can make a parser allocate. */
  public static final int MAX_COLUMNS = 10_000;

  public InputFormat {
    Checks.required(type, "type");
    switch (type) {
      case JSON -> {
        refuse(columns, "columns", type);
        refuse(listDelimiter, "listDelimiter", type);
        refuse(delimiter, "delimiter", type);
        refuse(findColumnsFromHeader, "findColumnsFromHeader", type);
        refuse(skipHeaderRows, "skipHeaderRows", type);
        if (featureSpec != null) featureSpec = checkFeatures(featureSpec);
      }
      case CSV, TSV, DELIMITED -> {
        refuse(flattenSpec, "flattenSpec", type);
        refuse(featureSpec, "featureSpec", type);
        refuse(keepNullColumns, "keepNullColumns", type);
        if (CSV.equals(type)) refuse(delimiter, "delimiter", type);
        if (Boolean.TRUE.equals(findColumnsFromHeader)) {
          throw new SpecException("findColumnsFromHeader", "is not supported for streaming ingestion (a Kafka record "
              + "has no header row, as in Druid); list the columns in \"columns\"");
        }
        findColumnsFromHeader = false;
        Checks.required(columns, "columns");
        columns = checkColumns(columns, CSV.equals(type) ? "," : delimiter == null ? "\t" : delimiter);
        listDelimiter = listDelimiter == null ? DEFAULT_LIST_DELIMITER : listDelimiter;
        if (listDelimiter.isEmpty()) throw new SpecException("listDelimiter", "must not be empty");
        if (!CSV.equals(type)) {
          delimiter = delimiter == null ? "\t" : delimiter;
          if (delimiter.isEmpty()) throw new SpecException("delimiter", "must not be empty");
          if (delimiter.indexOf('\n') >= 0 || delimiter.indexOf('\r') >= 0) {
            throw new SpecException("delimiter", "must not contain a line break");
          }
          if (delimiter.equals(listDelimiter)) {
            throw new SpecException("listDelimiter", "must differ from delimiter");
          }
        } else if (",".equals(listDelimiter)) {
          throw new SpecException("listDelimiter", "must differ from the CSV delimiter ','");
        }
        int skip = skipHeaderRows == null ? 0 : skipHeaderRows;
        if (skip < 0) throw new SpecException("skipHeaderRows", "must be >= 0, got " + skip);
        skipHeaderRows = skip;
      }
      default -> throw new SpecException("type", "input format '" + type
          + "' is not supported; use one of json, csv, tsv, delimited");
    }
  }

  private static void refuse(Object value, String field, String type) {
    if (value != null) throw new SpecException(field, "is not a field of the '" + type + "' input format");
  }

  private static List<String> checkColumns(List<String> columns, String delimiter) {
    if (columns.isEmpty()) throw new SpecException("columns", "must list at least one column");
    if (columns.size() > MAX_COLUMNS) {
      throw new SpecException("columns", "has " + columns.size() + " columns; the limit is " + MAX_COLUMNS);
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < columns.size(); i++) {
      String c = columns.get(i);
      if (c == null || c.isEmpty()) throw new SpecException("columns[" + i + "]", "must not be empty");
      if (!seen.add(c)) throw new SpecException("columns[" + i + "]", "duplicate column '" + c + "'");
      if (!delimiter.isEmpty() && c.contains(delimiter)) {
        throw new SpecException("columns[" + i + "]", "column '" + c + "' contains the delimiter");
      }
    }
    return List.copyOf(columns);
  }

  private static Map<String, Boolean> checkFeatures(Map<String, Boolean> features) {
    Map<String, Boolean> out = new LinkedHashMap<>();
    for (Map.Entry<String, Boolean> e : features.entrySet()) {
      String field = "featureSpec." + e.getKey();
      try {
        JsonParser.Feature.valueOf(e.getKey());
      } catch (IllegalArgumentException ex) {
        throw new SpecException(field, "unknown JSON parser feature; use a Jackson JsonParser.Feature name such as "
            + "ALLOW_COMMENTS, ALLOW_SINGLE_QUOTES, ALLOW_UNQUOTED_FIELD_NAMES, ALLOW_NUMERIC_LEADING_ZEROS, "
            + "ALLOW_NON_NUMERIC_NUMBERS, ALLOW_UNQUOTED_CONTROL_CHARS, "
            + "ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER");
      }
      if (e.getValue() == null) throw new SpecException(field, "must be true or false");
      out.put(e.getKey(), e.getValue());
    }
    return Collections.unmodifiableMap(out);
  }

  /** {@code keepNullColumns} with Druid's default (false). */
  @JsonIgnore
  public boolean keepNulls() {
    return Boolean.TRUE.equals(keepNullColumns);
  }

  /** The field delimiter: ',' for csv, {@link #delimiter()} otherwise (null for json). */
  @JsonIgnore
  public String fieldDelimiter() {
    if (CSV.equals(type)) return ",";
    return delimiter;
  }

  /** {@code ioConfig.inputFormat.flattenSpec}: Druid's JSONPathSpec. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FlattenSpec(
      @JsonProperty("useFieldDiscovery") Boolean useFieldDiscovery,
      @JsonProperty("fields") List<FlattenField> fields) {

    /** Fields per flattenSpec, a bound on per-row work. */
    public static final int MAX_FIELDS = 10_000;

    public FlattenSpec {
      useFieldDiscovery = useFieldDiscovery == null || useFieldDiscovery;
      fields = fields == null ? List.of() : fields;
      if (fields.size() > MAX_FIELDS) {
        throw new SpecException("fields", "has " + fields.size() + " fields; the limit is " + MAX_FIELDS);
      }
      Set<String> names = new HashSet<>();
      List<FlattenField> copy = new ArrayList<>(fields.size());
      for (int i = 0; i < fields.size(); i++) {
        FlattenField f = fields.get(i);
        if (f == null) throw new SpecException("fields[" + i + "]", "must not be null");
        if (!names.add(f.name())) {
          throw new SpecException("fields[" + i + "].name", "duplicate field name '" + f.name() + "'");
        }
        copy.add(f);
      }
      fields = Collections.unmodifiableList(copy);
    }
  }

  /**
   * One {@code flattenSpec.fields[i]}: {@code root} (a top-level field; {@code expr} defaults to {@code name}) or
   * {@code path} (a JSONPath expression in {@code expr}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FlattenField(
      @JsonProperty("type") String type,
      @JsonProperty("name") String name,
      @JsonProperty("expr") String expr,
      @JsonProperty("nodes") Object nodes) {

    public FlattenField {
      Checks.required(type, "type");
      switch (type) {
        case "root", "path" -> { }
        case "jq" -> throw new SpecException("type", "'jq' flatten fields are not supported; use a 'path' field "
            + "with a JSONPath expression ($.a.b, $.a[0], $['a b'])");
        case "tree" -> throw new SpecException("type", "'tree' flatten fields are not supported; use a 'path' "
            + "field with a JSONPath expression ($.a.b)");
        default -> throw new SpecException("type", "unknown flatten field type '" + type + "'; use root or path");
      }
      if (nodes != null) throw new SpecException("nodes", "is only a field of 'tree' flatten fields");
      Checks.required(name, "name");
      if ("root".equals(type)) {
        expr = expr == null ? name : expr;
        if (expr.isEmpty()) throw new SpecException("expr", "must not be empty");
      } else {
        Checks.required(expr, "expr");
        try {
          JsonPath.compile(expr);
        } catch (IllegalArgumentException e) {
          throw new SpecException("expr", e.getMessage());
        }
      }
    }
  }
}
