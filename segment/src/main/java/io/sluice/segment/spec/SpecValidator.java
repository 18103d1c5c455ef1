package io.sluice.segment.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a spec and reports every error it can find, up to {@value #MAX_ERRORS}, not only the first. After each
 * error it repairs a copy of the spec (drops the offending field, or fills a placeholder for a missing required one)
 * and parses again; it stops early when an error cannot be repaired, so later errors may go unreported then.
 */
public final class SpecValidator {
  public static final int MAX_ERRORS = 20;

  /** Placeholders for required fields, so that validation can go on past their absence. */
  private static final Map<String, JsonNode> PLACEHOLDERS = Map.of(
      "dataSource", TextNode.valueOf("placeholder"),
      "topic", TextNode.valueOf("placeholder"),
      "bootstrap.servers", TextNode.valueOf("placeholder:9092"),
      "name", TextNode.valueOf("placeholder_name"),
      "fieldName", TextNode.valueOf("placeholder_field"),
      "inputFormat", SpecParser.mapper().createObjectNode().put("type", "json"),
      "consumerProperties", SpecParser.mapper().createObjectNode().put("bootstrap.servers", "placeholder:9092"));

  /** The outcome: the spec when there was no error, else the errors in the order found. */
  public record Result(SupervisorSpec spec, List<SpecException> errors) {
    public boolean valid() {
      return errors.isEmpty();
    }

    static Result of(SupervisorSpec spec) {
      return new Result(spec, List.of());
    }
  }

  private SpecValidator() {}

  public static Result validate(byte[] json) {
    JsonNode tree;
    try {
      if (json.length > SpecParser.MAX_SPEC_BYTES || json.length == 0) return Result.of(SpecParser.parse(json));
      tree = SpecParser.mapper().readTree(json);
      if (tree == null || !tree.isObject()) throw new SpecException("", "a supervisor spec must be a JSON object");
    } catch (SpecException e) {
      return new Result(null, List.of(e));
    } catch (java.io.IOException e) {
      try {
        SpecParser.parse(json); // produces the precise "not valid JSON … at line, column" error
      } catch (SpecException parseError) {
        return new Result(null, List.of(parseError));
      }
      return new Result(null, List.of(new SpecException("", "not valid JSON: " + e.getMessage())));
    }
    List<SpecException> errors = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    while (errors.size() < MAX_ERRORS) {
      try {
        SupervisorSpec spec = SpecParser.parse(SpecParser.mapper().writeValueAsString(tree)
            .getBytes(StandardCharsets.UTF_8));
        return errors.isEmpty() ? new Result(spec, List.of()) : new Result(null, errors);
      } catch (SpecException e) {
        if (!seen.add(e.field() + "\u0000" + e.getMessage())) break;
        errors.add(e);
        if (e.field() == null || e.field().isEmpty() || !repair(tree, e.field())) break;
      } catch (java.io.IOException e) {
        break;
      }
    }
    return new Result(null, errors);
  }

  /**
   * Removes the field at {@code path}, or, if it is missing, puts a placeholder there. Paths are dotted, and keys
   * may themselves contain dots ({@code consumerProperties.bootstrap.servers}): the longest matching key wins.
   */
  static boolean repair(JsonNode root, String path) {
    JsonNode node = root;
    String rest = path;
    while (true) {
      if (rest.startsWith("[")) {
        int close = rest.indexOf(']');
        if (close < 0 || !(node instanceof ArrayNode array)) return false;
        int index = Integer.parseInt(rest.substring(1, close));
        String after = strip(rest.substring(close + 1));
        if (index >= array.size()) return false;
        if (after.isEmpty()) {
          array.remove(index);
          return true;
        }
        node = array.get(index);
        rest = after;
        continue;
      }
      if (!(node instanceof ObjectNode object)) return false;
      String key = longestKey(object, rest);
      if (key == null) { // missing: a placeholder if the field is one we know how to stand in for
        JsonNode placeholder = PLACEHOLDERS.get(rest);
        if (placeholder == null) return false;
        object.set(rest, placeholder.deepCopy());
        return true;
      }
      String after = strip(rest.substring(key.length()));
      if (after.isEmpty()) {
        object.remove(key);
        return true;
      }
      node = object.get(key);
      rest = after;
    }
  }

  private static String strip(String s) {
    return s.startsWith(".") ? s.substring(1) : s;
  }

  private static String longestKey(ObjectNode object, String rest) {
    String best = null;
    for (var it = object.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      boolean matches = rest.equals(k) || rest.startsWith(k + ".") || rest.startsWith(k + "[");
      if (matches && (best == null || k.length() > best.length())) best = k;
    }
    return best;
  }
}
