package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.segment.transform.ExpressionTransform;
import io.sluice.segment.transform.Filter;
import io.sluice.segment.transform.RowTransformer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Druid's {@code dataSchema.transformSpec}: {@code transforms} add or replace fields of each input row (see
 * {@link ExpressionTransform}), then {@code filter} decides whether the row is ingested (see {@link Filter}); rows
 * it rejects count as thrown away. Both are optional; the default does nothing. Transform names must be unique.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransformSpec(
    @JsonProperty("filter") Filter filter,
    @JsonProperty("transforms") List<ExpressionTransform> transforms) {

  /** No filter, no transforms. */
  public static final TransformSpec NONE = new TransformSpec(null, null);

  public TransformSpec {
    transforms = transforms == null ? List.of() : transforms;
    Set<String> names = new HashSet<>();
    for (int i = 0; i < transforms.size(); i++) {
      ExpressionTransform t = transforms.get(i);
      if (t == null) throw new SpecException("transforms[" + i + "]", "must not be null");
      if (!names.add(t.name())) {
        throw new SpecException("transforms[" + i + "].name", "duplicate transform name '" + t.name() + "'");
      }
    }
    transforms = List.copyOf(transforms);
  }

  /** The compiled transformer; {@link RowTransformer#NONE} when there is nothing to do. Build it once per task. */
  public RowTransformer transformer() {
    if (filter == null && transforms.isEmpty()) return RowTransformer.NONE;
    return new RowTransformer(transforms, filter);
  }
}
