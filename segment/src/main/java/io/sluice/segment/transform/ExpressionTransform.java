package io.sluice.segment.transform;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.sluice.segment.spec.SpecException;

/**
 * One entry of {@code transformSpec.transforms}: {@code {"type":"expression","name":…,"expression":…}}. The field
 * {@code name} of each row is set to the value of {@code expression} (see {@link ExprParser} for the language),
 * replacing an input field of that name. A transform named {@code __time} replaces the row's timestamp instead; its
 * value must be a number of epoch millis (or a string holding one), otherwise the row is unparseable. (Replacing
 * the timestampSpec column, say {@code timestamp}, only replaces that field: the row's time is already parsed.)
 * A transform may share a metric's name.
 * The expression is parsed here, so a spec with a bad expression is refused naming {@code expression}.
 */
@JsonPropertyOrder({"type", "name", "expression"})
public record ExpressionTransform(
    @JsonProperty("type") String type,
    @JsonProperty("name") String name,
    @JsonProperty("expression") String expression) {

  public ExpressionTransform {
    if (type == null) throw new SpecException("type", "is required; use \"expression\"");
    if (!type.equals("expression")) {
      throw new SpecException("type", "transform type '" + type + "' is not supported; use \"expression\"");
    }
    if (name == null || name.isBlank()) throw new SpecException("name", "is required");
    if (expression == null) throw new SpecException("expression", "is required");
    parse(expression);
  }

  /** The parsed expression. */
  public Expr parsed() {
    return parse(expression);
  }

  private static Expr parse(String expression) {
    try {
      return ExprParser.parse(expression);
    } catch (ExprParser.ExprException e) {
      throw new SpecException("expression", e.getMessage());
    }
  }
}
