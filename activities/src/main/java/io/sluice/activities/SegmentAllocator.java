package io.sluice.activities;

import io.sluice.workflows.CatalogLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Druid's segment allocation (its pending-segments table), kept in deep storage with conditional creates.
 * An interval's version is claimed once and shared by every segment appended to it, as Druid's appending tasks do.
 * Partition numbers within (interval, version) are claimed per sequence name, so a retried or replicated task
 * gets the same number back and two different tasks never share one.
 */
public final class SegmentAllocator {
  public record Allocation(String version, int partitionNum) {}

  private final BlobStore store;
  private final CatalogLayout layout;

  public SegmentAllocator(BlobStore store, CatalogLayout layout) {
    this.store = store;
    this.layout = layout;
  }

  public Allocation allocate(String dataSource, String start, String end, String sequenceName, String newVersion)
      throws IOException {
    String versionKey = layout.intervalVersionKey(dataSource, start, end);
    store.createIfAbsent(versionKey, newVersion.getBytes(StandardCharsets.UTF_8));
    String version = new String(store.get(versionKey).orElseThrow(
        () -> new IOException("interval version " + versionKey + " vanished")), StandardCharsets.UTF_8);
    String prefix = layout.allocationPrefix(dataSource, start, end, version);
    int next = 0;
    for (String k : store.list(prefix, null)) {
      try {
        int n = Integer.parseInt(k.substring(prefix.length()));
        Optional<byte[]> owner = store.get(k);
        if (owner.isPresent() && sequenceName.equals(new String(owner.get(), StandardCharsets.UTF_8))) {
          return new Allocation(version, n);
        }
        next = Math.max(next, n + 1);
      } catch (NumberFormatException ignored) {
        // not an allocation key
      }
    }
    byte[] owner = sequenceName.getBytes(StandardCharsets.UTF_8);
    for (int n = next; ; n++) {
      if (store.createIfAbsent(prefix + n, owner)) return new Allocation(version, n);
      Optional<byte[]> existing = store.get(prefix + n);
      if (existing.isPresent() && sequenceName.equals(new String(existing.get(), StandardCharsets.UTF_8))) {
        return new Allocation(version, n);
      }
    }
  }
}
