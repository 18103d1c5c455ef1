package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.segment.index.DimensionSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Druid's dimensionsSpec. {@code dimensions} holds plain names or typed entries
 * {@code {"type":"string|long|float|double","name":…,"multiValueHandling":…}}. Empty {@code dimensions} means
 * schemaless: every input field that is not excluded, not the timestamp and not a metric input becomes a string
 * dimension, in the order fields first appear. {@code includeAllDimensions} does both: the listed dimensions first,
 * then every other field as schemaless discovery finds it. {@code useSchemaDiscovery} discovers the same fields (the
 * listed ones keep their declared types) and types each discovered one by its values, as Druid's "auto" columns: only
 * longs (booleans are longs 1/0) → LONG, longs and doubles → DOUBLE, any string or only nulls → STRING, decided per
 * segment interval (the partitions of one interval share the types). Druid would store arrays and objects as ARRAY and COMPLEX&lt;json&gt; columns; Sluice writes neither, so
 * such a value is left out of its row and reported as a parse exception naming the field.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DimensionsSpec(
    @JsonProperty("dimensions") List<Object> dimensions,
    @JsonProperty("dimensionExclusions") List<String> dimensionExclusions,
    @JsonProperty("includeAllDimensions") Boolean includeAllDimensions,
    @JsonProperty("useSchemaDiscovery") Boolean useSchemaDiscovery) {

  /**
   * One declared dimension.
   *
   * @param multiValueHandling how a string dimension keeps a row's several values; never null (SORTED_ARRAY by
   *                           default); numeric dimensions ignore it, as Druid's numeric indexers never see lists
   * @param createBitmapIndex  Druid's {@code createBitmapIndex} (default true): whether a string column gets a bitmap
   *                           index; numeric columns never have one, in Druid as in Sluice
   */
  public record Dimension(String name, String type, DimensionSchema.MultiValueHandling multiValueHandling,
      boolean createBitmapIndex) {
    public Dimension {
      if (multiValueHandling == null) multiValueHandling = DimensionSchema.MultiValueHandling.SORTED_ARRAY;
    }

    public Dimension(String name, String type, DimensionSchema.MultiValueHandling multiValueHandling) {
      this(name, type, multiValueHandling, true);
    }

    public Dimension(String name, String type) {
      this(name, type, null);
    }

    /** The index's view of this dimension. */
    public DimensionSchema toDimensionSchema() {
      return new DimensionSchema(name, DimensionSchema.ValueType.fromName(type), multiValueHandling)
          .withBitmapIndex(createBitmapIndex);
    }
  }

  private static final Set<String> TYPES = Set.of("string", "long", "float", "double");
  private static final Set<String> TYPED_KEYS = Set.of("type", "name", "createBitmapIndex", "multiValueHandling");

  public DimensionsSpec {
    dimensions = dimensions == null ? List.of() : List.copyOf(dimensions);
    dimensionExclusions = dimensionExclusions == null ? List.of() : List.copyOf(dimensionExclusions);
    includeAllDimensions = includeAllDimensions == null ? Boolean.FALSE : includeAllDimensions;
    useSchemaDiscovery = useSchemaDiscovery == null ? Boolean.FALSE : useSchemaDiscovery;
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < dimensions.size(); i++) {
      String name = parse(dimensions.get(i), i).name();
      if (!seen.add(name)) throw new SpecException("dimensions[" + i + "]", "duplicate dimension '" + name + "'");
    }
  }

  @JsonIgnore
  public List<Dimension> dimensionList() {
    List<Dimension> out = new ArrayList<>(dimensions.size());
    for (int i = 0; i < dimensions.size(); i++) out.add(parse(dimensions.get(i), i));
    return out;
  }

  @JsonIgnore
  public boolean schemaless() {
    return dimensions.isEmpty();
  }

  /**
   * Whether input fields become dimensions as they appear: schemaless, {@code includeAllDimensions}, or
   * {@code useSchemaDiscovery} (which, as in Druid, discovers every field not listed even when some are).
   */
  @JsonIgnore
  public boolean discoversDimensions() {
    return schemaless() || includeAllDimensions || useSchemaDiscovery;
  }

  /** A discovered dimension as the index holds it: typed by its values with {@code useSchemaDiscovery}, else a string. */
  public DimensionSchema discoveredDimension(String name) {
    return useSchemaDiscovery ? DimensionSchema.typeAware(name) : DimensionSchema.discovered(name);
  }

  private static Dimension parse(Object o, int i) {
    String field = "dimensions[" + i + "]";
    if (o instanceof String s) {
      if (s.isBlank()) throw new SpecException(field, "dimension name must not be empty");
      return new Dimension(s, "string");
    }
    if (o instanceof Map<?, ?> m) {
      for (Object k : m.keySet()) {
        if (!TYPED_KEYS.contains(String.valueOf(k))) {
          throw new SpecException(field + "." + k, "unknown field");
        }
      }
      Object name = m.get("name");
      if (!(name instanceof String n) || n.isBlank()) throw new SpecException(field + ".name", "is required");
      Object type = m.get("type") == null ? "string" : m.get("type");
      if (!(type instanceof String t) || !TYPES.contains(t)) {
        throw new SpecException(field + ".type", "must be one of string, long, float, double; got " + type);
      }
      Object mv = m.get("multiValueHandling");
      DimensionSchema.MultiValueHandling handling = null;
      if (mv != null) {
        try {
          handling = DimensionSchema.MultiValueHandling.fromName(mv instanceof String h ? h : null);
        } catch (IllegalArgumentException e) {
          throw new SpecException(field + ".multiValueHandling",
              "must be one of SORTED_ARRAY, SORTED_SET, ARRAY; got " + mv);
        }
      }
      Object bitmap = m.get("createBitmapIndex");
      if (bitmap != null && !(bitmap instanceof Boolean)) {
        throw new SpecException(field + ".createBitmapIndex", "must be true or false; got " + bitmap);
      }
      return new Dimension(n, t, handling, bitmap == null || (Boolean) bitmap);
    }
    throw new SpecException(field, "must be a dimension name or an object with type and name");
  }
}
