package io.sluice.segment.spec;

/**
 * A supervisor spec that is not valid. {@link #field()} is the JSON path of the offending field relative to the
 * object that threw (for example {@code topic}); {@link SpecParser} prefixes it with the path of the enclosing objects,
 * so a user sees {@code ioConfig.topic}.
 */
public final class SpecException extends RuntimeException {
  private final String field;

  public SpecException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }

  /** The field path prefixed with {@code parent} (an empty parent leaves it as it is). */
  public SpecException under(String parent) {
    if (parent == null || parent.isEmpty()) return this;
    String path = field == null || field.isEmpty() ? parent : parent + (field.startsWith("[") ? "" : ".") + field;
    return new SpecException(path, getMessage());
  }

  @Override
  public String toString() {
    return field + ": " + getMessage();
  }
}
