package io.sluice.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.workflows.CatalogLayout;
import org.junit.jupiter.api.Test;

class SegmentAllocatorTest {
  final InMemoryBlobStore store = new InMemoryBlobStore();
  final SegmentAllocator allocator = new SegmentAllocator(store, new CatalogLayout(""));

  @Test
  void appendsShareTheIntervalVersionAndGetDistinctPartitions() throws Exception {
    String s = "2026-01-01T00:00:00.000Z";
    String e = "2026-01-01T01:00:00.000Z";
    SegmentAllocator.Allocation a = allocator.allocate("ds", s, e, "seqA", "v1");
    SegmentAllocator.Allocation b = allocator.allocate("ds", s, e, "seqB", "v2");
    assertEquals(new SegmentAllocator.Allocation("v1", 0), a);
    assertEquals(new SegmentAllocator.Allocation("v1", 1), b, "appended partitions keep the interval's version");
    assertEquals(a, allocator.allocate("ds", s, e, "seqA", "v3"), "a retry or replica gets the same id back");
    assertEquals(new SegmentAllocator.Allocation("v9", 0),
        allocator.allocate("ds", e, "2026-01-01T02:00:00.000Z", "seqA", "v9"));
  }
}
