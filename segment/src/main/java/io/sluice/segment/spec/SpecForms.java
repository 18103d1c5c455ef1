package io.sluice.segment.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The other shapes Druid accepts for a supervisor spec, rewritten on the JSON tree into the flat form that
 * {@link SupervisorSpec} binds, before binding, so all the normal validation applies. It remembers what it moved so
 * that an error found later names the field where the user wrote it.
 *
 * <ul>
 *   <li><b>Wrapped form</b>: {@code {"type":"kafka","spec":{"dataSchema":…,"ioConfig":…,"tuningConfig":…},
 *       "context":…,"suspended":…}}. The three parts move to the top level. Druid also writes top-level copies of
 *       them next to {@code spec}; a copy equal to the wrapped one is fine, a different one is an error naming
 *       {@code spec}. Errors inside the parts are reported under {@code spec.} ({@code spec.ioConfig.topic}).</li>
 *   <li><b>{@code ioConfig.type}</b>: Druid writes {@code "kafka"} there; it is accepted and dropped, anything else
 *       is an error.</li>
 *   <li><b>Legacy {@code dataSchema.parser}</b>: a {@code string} parser whose {@code parseSpec} has format
 *       {@code json}, {@code csv} or {@code tsv} becomes, as in Druid: {@code parseSpec.timestampSpec} →
 *       {@code dataSchema.timestampSpec}, {@code parseSpec.dimensionsSpec} → {@code dataSchema.dimensionsSpec}, the
 *       rest → {@code ioConfig.inputFormat} ({@code format} → {@code type}, {@code hasHeaderRow} →
 *       {@code findColumnsFromHeader}; {@code flattenSpec}, {@code featureSpec}, {@code keepNullColumns},
 *       {@code columns}, {@code listDelimiter}, {@code delimiter}, {@code skipHeaderRows} as they are). Errors in
 *       the moved parts name {@code dataSchema.parser.parseSpec.…}. A parser together with
 *       {@code ioConfig.inputFormat} is an error naming {@code dataSchema.parser}; so is a timestampSpec or
 *       dimensionsSpec given both in the parseSpec and in the dataSchema with different contents. Parser types and
 *       parseSpec formats that need schemas (Avro, Protobuf, Thrift) or other engines (regex, javascript,
 *       timeAndDims) are refused naming {@code dataSchema.parser.type} or {@code dataSchema.parser.parseSpec.format}.
 *       The parser's {@code encoding} must be UTF-8 (Druid's default).</li>
 * </ul>
 */
final class SpecForms {
  static final String SPEC = "spec";
  private static final List<String> PARTS = List.of("dataSchema", "ioConfig", "tuningConfig");

  private static final Set<String> SCHEMA_PARSERS = Set.of("avro_stream", "avro_hadoop", "protobuf", "thrift");
  private static final Set<String> SCHEMA_FORMATS = Set.of("avro", "protobuf", "thrift");
  private static final Set<String> OTHER_FORMATS = Set.of("javascript", "regex", "timeAndDims", "jsonLowercase");
  private static final Set<String> PARSER_KEYS = Set.of("type", "parseSpec", "encoding");
  private static final Set<String> COMMON_KEYS = Set.of("format", "timestampSpec", "dimensionsSpec");
  private static final Map<String, Set<String>> FORMAT_KEYS = Map.of(
      "json", Set.of("flattenSpec", "featureSpec", "keepNullColumns"),
      "csv", Set.of("columns", "listDelimiter", "hasHeaderRow", "skipHeaderRows"),
      "tsv", Set.of("columns", "listDelimiter", "delimiter", "hasHeaderRow", "skipHeaderRows"));
  private static final String PARSER = "dataSchema.parser";
  private static final String PARSE_SPEC = PARSER + ".parseSpec";

  /** Whether the spec came wrapped, so that error paths of its parts get {@code spec.} in front. */
  private boolean wrapped;
  /** Parts given only at the top level of a wrapped spec: their errors keep their flat path. */
  private final Set<String> flatOnly = new java.util.HashSet<>();
  /** Pairs {flat path, user path} of moved subtrees, most specific first. */
  private final List<String[]> moved = new ArrayList<>();

  private SpecForms() {}

  /**
   * Rewrites {@code root} in place into the flat form. Errors found here already name the user's field; errors
   * found later (when binding the result) are translated by {@link #toUser(SpecException)}.
   */
  static SpecForms flatten(ObjectNode root) {
    SpecForms forms = new SpecForms();
    forms.unwrap(root);
    try {
      dropIoConfigType(root);
      forms.mapLegacyParser(root);
    } catch (SpecException e) {
      throw forms.toUser(e);
    }
    return forms;
  }

  /** {@code e} with its path rewritten to where the user wrote the field. */
  SpecException toUser(SpecException e) {
    String path = e.field();
    if (path == null) return e;
    String user = userPath(path);
    return user.equals(path) ? e : new SpecException(user, e.getMessage());
  }

  String userPath(String path) {
    for (String[] pair : moved) {
      String flat = pair[0];
      if (path.equals(flat) || path.startsWith(flat + ".") || path.startsWith(flat + "[")) {
        path = pair[1] + path.substring(flat.length());
        break;
      }
    }
    if (wrapped) {
      for (String part : PARTS) {
        if (flatOnly.contains(part)) continue;
        if (path.equals(part) || path.startsWith(part + ".") || path.startsWith(part + "[")) return SPEC + "." + path;
      }
    }
    return path;
  }

  private void unwrap(ObjectNode root) {
    if (!root.has(SPEC)) return;
    JsonNode spec = root.remove(SPEC);
    if (spec.isNull()) return;
    if (!spec.isObject()) {
      throw new SpecException(SPEC, "must be an object holding dataSchema, ioConfig and tuningConfig");
    }
    for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!PARTS.contains(key)) throw new SpecException(SPEC + "." + key, "unknown field '" + key + "'");
    }
    for (String part : PARTS) {
      if (!spec.has(part)) {
        if (root.has(part)) flatOnly.add(part);
        continue;
      }
      JsonNode inner = spec.get(part);
      JsonNode outer = root.get(part);
      if (outer != null && !outer.isNull() && !outer.equals(inner)) {
        throw new SpecException(SPEC, "spec." + part + " and the top-level " + part + " differ; send the spec "
            + "either wrapped (in \"spec\") or flat, or make both copies equal");
      }
      root.set(part, inner);
    }
    wrapped = true;
  }

  private static void dropIoConfigType(ObjectNode root) {
    if (!(root.get("ioConfig") instanceof ObjectNode io) || !io.has("type")) return;
    JsonNode type = io.get("type");
    if (!type.isNull() && !"kafka".equals(type.asText(null))) {
      throw new SpecException("ioConfig.type", "must be \"kafka\", got " + type);
    }
    io.remove("type");
  }

  private void mapLegacyParser(ObjectNode root) {
    if (!(root.get("dataSchema") instanceof ObjectNode ds) || !ds.has("parser")) return;
    JsonNode parser = ds.remove("parser");
    if (parser.isNull()) return;
    if (!(parser instanceof ObjectNode p)) {
      throw new SpecException(PARSER, "must be an object like {\"type\":\"string\",\"parseSpec\":{…}}");
    }
    JsonNode io = root.get("ioConfig");
    if (io instanceof ObjectNode ioObject && ioObject.has("inputFormat") && !ioObject.get("inputFormat").isNull()) {
      throw new SpecException(PARSER, "cannot be used together with ioConfig.inputFormat (Druid refuses both too); "
          + "remove the legacy parser and keep ioConfig.inputFormat");
    }
    String type = text(p, "type", PARSER + ".type", "string");
    if (SCHEMA_PARSERS.contains(type)) {
      throw new SpecException(PARSER + ".type", "'" + type + "' parsers are not supported: Sluice cannot load "
          + "their schemas (Avro, Protobuf descriptors, Thrift classes) yet; use JSON, CSV or TSV data with "
          + "ioConfig.inputFormat or a 'string' parser");
    }
    if (!"string".equals(type)) {
      throw new SpecException(PARSER + ".type", "parser type '" + type + "' is not supported; use ioConfig."
          + "inputFormat, or a 'string' parser with a json, csv or tsv parseSpec");
    }
    for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!PARSER_KEYS.contains(key)) throw new SpecException(PARSER + "." + key, "unknown field '" + key + "'");
    }
    String encoding = text(p, "encoding", PARSER + ".encoding", "UTF-8");
    String enc = encoding.toUpperCase(Locale.ROOT);
    if (!enc.equals("UTF-8") && !enc.equals("UTF8")) {
      throw new SpecException(PARSER + ".encoding", "only UTF-8 is supported, got '" + encoding + "'");
    }
    JsonNode parseSpecNode = p.get("parseSpec");
    if (parseSpecNode == null || parseSpecNode.isNull()) {
      throw new SpecException(PARSE_SPEC, "is required (an object with format, timestampSpec and dimensionsSpec)");
    }
    if (!(parseSpecNode instanceof ObjectNode parseSpec)) throw new SpecException(PARSE_SPEC, "must be an object");
    String format = text(parseSpec, "format", PARSE_SPEC + ".format", null);
    if (format == null) throw new SpecException(PARSE_SPEC + ".format", "is required (json, csv or tsv)");
    if (SCHEMA_FORMATS.contains(format)) {
      throw new SpecException(PARSE_SPEC + ".format", "'" + format + "' parseSpecs are not supported: Sluice "
          + "cannot load their schemas yet; use json, csv or tsv");
    }
    if (OTHER_FORMATS.contains(format)) {
      throw new SpecException(PARSE_SPEC + ".format", "'" + format + "' parseSpecs are not supported yet; use "
          + "json, csv or tsv");
    }
    Set<String> allowed = FORMAT_KEYS.get(format);
    if (allowed == null) {
      throw new SpecException(PARSE_SPEC + ".format", "unknown parseSpec format '" + format
          + "'; use json, csv or tsv");
    }
    for (Iterator<String> it = parseSpec.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!COMMON_KEYS.contains(key) && !allowed.contains(key)) {
        throw new SpecException(PARSE_SPEC + "." + key, "is not a field of a '" + format + "' parseSpec");
      }
    }
    moveUp(ds, parseSpec, "timestampSpec");
    moveUp(ds, parseSpec, "dimensionsSpec");

    ObjectNode inputFormat = parseSpec.objectNode();
    inputFormat.put("type", format);
    for (Iterator<Map.Entry<String, JsonNode>> it = parseSpec.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (COMMON_KEYS.contains(e.getKey())) continue;
      inputFormat.set("hasHeaderRow".equals(e.getKey()) ? "findColumnsFromHeader" : e.getKey(), e.getValue());
    }
    moved.add(new String[] {"ioConfig.inputFormat.type", PARSE_SPEC + ".format"});
    moved.add(new String[] {"ioConfig.inputFormat.findColumnsFromHeader", PARSE_SPEC + ".hasHeaderRow"});
    moved.add(new String[] {"ioConfig.inputFormat", PARSE_SPEC});
    if (io instanceof ObjectNode ioObject) ioObject.set("inputFormat", inputFormat);
  }

  /** Moves {@code parseSpec.<key>} to {@code dataSchema.<key>}, refusing two different copies. */
  private void moveUp(ObjectNode ds, ObjectNode parseSpec, String key) {
    JsonNode fromParser = parseSpec.get(key);
    if (fromParser == null || fromParser.isNull()) return;
    JsonNode existing = ds.get(key);
    if (existing != null && !existing.isNull()) {
      if (!existing.equals(fromParser)) {
        throw new SpecException(PARSE_SPEC + "." + key, "differs from dataSchema." + key + "; give it once");
      }
      return;
    }
    ds.set(key, fromParser);
    moved.add(new String[] {"dataSchema." + key, PARSE_SPEC + "." + key});
  }

  private static String text(ObjectNode node, String key, String path, String dflt) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) return dflt;
    if (!v.isTextual()) throw new SpecException(path, "wrong type: expected a string");
    return v.asText();
  }
}
