package io.sluice.segment.spec;

import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.IndexSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Druid's dimension discovery (schemaless, or {@code includeAllDimensions}), for one reading task: every input field
 * that is not excluded (see {@link SpecView#schemalessExclusions}) becomes a string dimension, in the order fields
 * first appear, after the listed dimensions. Druid's {@code MapInputRowParser.findDimensions} plus its incremental
 * index, which appends a dimension the first time a row names it. Not thread-safe.
 */
public final class DimensionDiscovery {
  private final DataSchema dataSchema;
  private final Set<String> excluded;
  private final Set<String> seen = new HashSet<>();
  private final List<String> discovered = new ArrayList<>();

  public DimensionDiscovery(DataSchema dataSchema) {
    this.dataSchema = dataSchema;
    this.excluded = SpecView.schemalessExclusions(dataSchema);
  }

  /**
   * The dimensions a row's fields add, in field order (none when the spec discovers nothing); each is to be added to
   * every open index with {@code IncrementalIndex.addDimension}.
   */
  public List<DimensionSchema> discover(Map<String, ?> fields) {
    if (!dataSchema.dimensionsSpec().discoversDimensions()) return List.of();
    List<DimensionSchema> added = null;
    for (String name : fields.keySet()) {
      if (seen.contains(name) || excluded.contains(name)) continue;
      seen.add(name);
      discovered.add(name);
      if (added == null) added = new ArrayList<>(2);
      added.add(DimensionSchema.discovered(name));
    }
    return added == null ? List.of() : added;
  }

  /** The schema of a new index: the listed dimensions, then those discovered so far. */
  public IndexSchema indexSchema() {
    return SpecView.indexSchema(dataSchema, discovered);
  }
}
