package io.sluice.api;

import io.sluice.activities.BlobStore;
import io.sluice.segment.spec.SpecParser;
import io.sluice.segment.spec.SupervisorSpec;
import io.sluice.workflows.CatalogLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * Supervisor specs in deep storage (Druid keeps them in its metadata store): the current spec, every submitted
 * version as history, and a tombstone once terminated.
 */
public final class SpecCatalog {
  private final BlobStore store;
  private final CatalogLayout layout;

  public SpecCatalog(BlobStore store, CatalogLayout layout) {
    this.store = store;
    this.layout = layout;
  }

  public void save(SupervisorSpec spec, long nowMillis) throws IOException {
    byte[] json = SpecParser.toJson(spec).getBytes(StandardCharsets.UTF_8);
    store.put(layout.specHistoryKey(spec.id(), nowMillis), json);
    store.put(layout.specKey(spec.id()), json);
    store.delete(layout.tombstoneKey(spec.id()));
  }

  public Optional<SupervisorSpec> current(String id) throws IOException {
    return activeSpecBytes(id).map(SpecParser::parse);
  }

  /** Whether the supervisor has a spec and is not terminated: {@link #current} without parsing the spec. */
  public boolean isActive(String id) throws IOException {
    return activeSpecBytes(id).isPresent();
  }

  /** The stored spec's bytes; empty if there is none or the supervisor is terminated. */
  private Optional<byte[]> activeSpecBytes(String id) throws IOException {
    return isTerminated(id) ? Optional.empty() : store.get(layout.specKey(id));
  }

  public boolean isTerminated(String id) throws IOException {
    return store.get(layout.tombstoneKey(id)).isPresent();
  }

  public void tombstone(String id, long nowMillis) throws IOException {
    store.put(layout.tombstoneKey(id), ("{\"terminatedAt\":" + nowMillis + "}").getBytes(StandardCharsets.UTF_8));
  }

  /** Every stored version of a supervisor's spec, newest first, with its submission time. */
  public List<Map.Entry<Long, SupervisorSpec>> history(String id) throws IOException {
    String prefix = layout.specHistoryPrefix(id);
    List<Map.Entry<Long, SupervisorSpec>> out = new ArrayList<>();
    for (String key : store.list(prefix, null)) {
      String name = key.substring(prefix.length());
      if (!name.endsWith(".json")) continue;
      long millis = Long.parseLong(name.substring(0, name.length() - ".json".length()));
      store.get(key).ifPresent(bytes -> out.add(Map.entry(millis, SpecParser.parse(bytes))));
    }
    out.sort((a, b) -> Long.compare(b.getKey(), a.getKey()));
    return out;
  }

  /** Ids with a stored spec, terminated or not. */
  public List<String> allIds() throws IOException {
    List<String> out = new ArrayList<>();
    filesById().forEach((id, files) -> {
      if (files.contains("spec.json")) out.add(id);
    });
    return out;
  }

  /** Ids of supervisors that have a spec and no tombstone. */
  public List<String> activeIds() throws IOException {
    List<String> out = new ArrayList<>();
    filesById().forEach((id, files) -> {
      if (files.contains("spec.json") && !files.contains("tombstone.json")) out.add(id);
    });
    return out;
  }

  /** One listing of the catalog: each supervisor id, in order, with the files directly under its folder. */
  private Map<String, Set<String>> filesById() throws IOException {
    String prefix = layout.supervisorsPrefix();
    Map<String, Set<String>> out = new TreeMap<>();
    for (String key : store.list(prefix, null)) {
      String rest = key.substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash > 0) {
        out.computeIfAbsent(rest.substring(0, slash), id -> new HashSet<>()).add(rest.substring(slash + 1));
      }
    }
    return out;
  }
}
