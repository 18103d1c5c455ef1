package io.sluice.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.workflows.CatalogLayout;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WorkerRegistryTest {
  @Test
  void liveWorkersAreThoseThatRefreshedRecentlyAndAWorkerThatStopsLeaves() throws Exception {
    InMemoryBlobStore store = new InMemoryBlobStore();
    CatalogLayout layout = new CatalogLayout("druid/segments");
    AtomicLong now = new AtomicLong(1_000_000);
    WorkerRegistry a = new WorkerRegistry(store, layout, now::get);
    WorkerRegistry b = new WorkerRegistry(store, layout, now::get);
    a.register("1234@host-a", "sluice-read@1234@host-a");
    now.addAndGet(WorkerRegistry.LIVE_MILLIS); // a's registration is now as old as a live one may be
    b.register("99@host/b", "sluice-read@99@host/b");
    store.put(layout.workersPrefix() + "junk.json", "not json".getBytes());
    WorkerRegistry reader = new WorkerRegistry(store, layout, now::get);
    assertEquals(List.of("sluice-read@1234@host-a", "sluice-read@99@host/b"), reader.liveReadQueues());
    now.incrementAndGet(); // a missed its refreshes (killed): gone
    assertEquals(List.of("sluice-read@99@host/b"), reader.liveReadQueues());
    b.close(); // stopped cleanly: gone at once
    assertEquals(List.of(), reader.liveReadQueues());
    a.close();
  }
}
