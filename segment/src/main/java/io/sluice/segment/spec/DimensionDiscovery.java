package io.sluice.segment.spec;

import io.sluice.segment.index.DimensionSchema;
import io.sluice.segment.index.IncrementalIndex;
import io.sluice.segment.parse.JsonRowParser;
import io.sluice.segment.index.IndexSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Druid's dimension discovery (schemaless, {@code includeAllDimensions} or {@code useSchemaDiscovery}), for one
 * reading task: every input field that is not excluded (see {@link SpecView#schemalessExclusions}) becomes a string
 * dimension (with {@code useSchemaDiscovery}, one typed by its values), in the order fields
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
      added.add(dataSchema.dimensionsSpec().discoveredDimension(name));
    }
    return added == null ? List.of() : added;
  }

  /**
   * A row's fields ready for an index, and why some were left out (null if none was).
   *
   * @param fields the fields to add
   * @param error  with {@code useSchemaDiscovery}: the first field left out because it holds an array or an object,
   *               which Druid stores in column types Sluice does not write; the row is ingested without such fields
   *               and counts as processed with an error
   */
  public record Fields(Map<String, Object> fields, String error) {}

  /**
   * {@code fields} without the parser's marks of nested values it skipped ({@link JsonRowParser#NESTED_OBJECT},
   * {@link JsonRowParser#NESTED_ARRAY}; only with {@code useSchemaDiscovery}), as the row was before schema
   * discovery: transforms and filters see such a field as missing. The error names the first one that would have
   * been a discovered dimension; a mark on an excluded or listed field goes silently.
   */
  public Fields unmarked(Map<String, Object> fields) {
    if (!dataSchema.dimensionsSpec().useSchemaDiscovery()) return new Fields(fields, null);
    Map<String, Object> kept = null;
    String error = null;
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (!JsonRowParser.isNestedMarker(e.getValue())) continue;
      if (kept == null) kept = new LinkedHashMap<>(fields);
      if (error == null && !excluded.contains(e.getKey())) {
        error = IncrementalIndex.unsupportedDiscoveredValue(e.getKey(), e.getValue());
      }
      kept.remove(e.getKey());
    }
    return kept == null ? new Fields(fields, null) : new Fields(kept, error);
  }

  /**
   * {@code fields} (a row after its transforms) without the values a type-aware discovered dimension cannot hold:
   * arrays and objects in fields that are not listed or excluded (only with {@code useSchemaDiscovery}; otherwise,
   * and when there are none, {@code fields} itself). Call before {@link #discover}, so that a field that only ever
   * holds such values does not become a column of nulls.
   */
  public Fields storable(Map<String, Object> fields) {
    if (!dataSchema.dimensionsSpec().useSchemaDiscovery()) return new Fields(fields, null);
    Map<String, Object> kept = null;
    String error = null;
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (excluded.contains(e.getKey())) continue;
      String why = IncrementalIndex.unsupportedDiscoveredValue(e.getKey(), e.getValue());
      if (why == null) continue;
      if (kept == null) kept = new LinkedHashMap<>(fields);
      if (error == null) error = why;
      kept.remove(e.getKey());
    }
    return kept == null ? new Fields(fields, null) : new Fields(kept, error);
  }

  /** The schema of a new index: the listed dimensions, then those discovered so far. */
  public IndexSchema indexSchema() {
    return SpecView.indexSchema(dataSchema, discovered);
  }
}
