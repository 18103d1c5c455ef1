package io.sluice.segment.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * Parses a supervisor spec strictly: unknown or misspelled fields, wrong types and invalid values are errors that
 * name the JSON path of the field ({@code ioConfig.consumerProperties.bootstrap.servers}). Druid itself ignores
 * unknown fields; Sluice does not, so a typo never becomes a silent default.
 *
 * <p>Besides the flat form it accepts Druid's wrapped form ({@code "spec":{…}}) and the legacy
 * {@code dataSchema.parser}: {@link SpecForms} rewrites them on the JSON tree into the flat form before binding, and
 * error paths name the field where the user wrote it ({@code spec.ioConfig.topic},
 * {@code dataSchema.parser.parseSpec.columns}). {@link #toJson} always writes the flat form.
 */
public final class SpecParser {
  /** Specs larger than this are refused before parsing. */
  public static final int MAX_SPEC_BYTES = 1 << 20;

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // 1.5 for an integer is an error, not 1
      .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  private SpecParser() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static SupervisorSpec parse(String json) {
    return parse(json.getBytes(StandardCharsets.UTF_8));
  }

  public static SupervisorSpec parse(byte[] json) {
    if (json.length > MAX_SPEC_BYTES) {
      throw new SpecException("", "spec is " + json.length + " bytes; the limit is " + MAX_SPEC_BYTES);
    }
    if (json.length == 0) throw new SpecException("", "request body is empty; send a supervisor spec as JSON");
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw notJson(e);
    } catch (java.io.IOException e) {
      throw new SpecException("", "cannot read spec: " + e.getMessage());
    }
    if (tree == null || tree.isMissingNode()) {
      throw new SpecException("", "request body is empty; send a supervisor spec as JSON");
    }
    if (!(tree instanceof ObjectNode root)) throw new SpecException("", "a supervisor spec must be a JSON object");
    SpecForms forms = SpecForms.flatten(root);
    try {
      return bind(root);
    } catch (SpecException e) {
      throw forms.toUser(e);
    }
  }

  /** Binds a tree already in the flat form. */
  private static SupervisorSpec bind(JsonNode tree) {
    try {
      return MAPPER.treeToValue(tree, SupervisorSpec.class);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      String parent = path(e);
      if (cause instanceof SpecException se) throw se.under(parent);
      throw new SpecException(parent, cause == null ? e.getOriginalMessage() : cause.getMessage());
    } catch (UnrecognizedPropertyException e) {
      throw new SpecException(path(e), "unknown field '" + e.getPropertyName() + "'");
    } catch (InvalidFormatException e) {
      throw new SpecException(path(e), "cannot read '" + e.getValue() + "' as " + simple(e.getTargetType()));
    } catch (MismatchedInputException e) {
      throw new SpecException(path(e), "wrong type: expected " + simple(e.getTargetType()));
    } catch (JsonMappingException e) {
      throw new SpecException(path(e), e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw notJson(e);
    }
  }

  private static SpecException notJson(JsonProcessingException e) {
    return new SpecException("", "not valid JSON: " + e.getOriginalMessage()
        + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
        + ", column " + e.getLocation().getColumnNr()));
  }

  /** Serializes a spec in its normalized form (every default filled in). */
  public static String toJson(SupervisorSpec spec) {
    try {
      return MAPPER.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String simple(Class<?> type) {
    if (type == null) return "the declared type";
    if (type == Integer.class || type == Long.class || type == int.class || type == long.class) return "an integer";
    if (type == Boolean.class || type == boolean.class) return "a boolean";
    if (type == String.class) return "a string";
    if (java.util.Map.class.isAssignableFrom(type)) return "an object";
    if (java.util.List.class.isAssignableFrom(type)) return "an array";
    if (type.isRecord()) return "an object";
    return type.getSimpleName();
  }

  /** The JSON path of a mapping error, like {@code dataSchema.metricsSpec[2].fieldName}. */
  static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) sb.append('.');
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  static { // bounded parsing of untrusted specs
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(64).maxStringLength(MAX_SPEC_BYTES).maxNumberLength(100).build());
    MAPPER.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }
}
