package io.sluice.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.Contracts;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A task's cleanup deletes exactly its own pushed files, but those it handed to its commit. */
class CleanupPushedTest {
  final InMemoryBlobStore store = new InMemoryBlobStore();
  final CatalogLayout layout = new CatalogLayout("druid/segments");
  final CommitActivitiesImpl activities = new CommitActivitiesImpl(new CommitLog(store, layout), store);

  String push(String task, String random) throws Exception {
    String key = layout.segmentKey("ds", "2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00.000Z", "v1", 0,
        CatalogLayout.uniquePath(task, random));
    store.put(key, new byte[] {1});
    return key;
  }

  @Test
  void deletesOnlyTheTasksFilesThatNoCommitCanReference() throws Exception {
    String crashedAttempt = push("task_1", "aaa"); // pushed, then the worker died before the commit
    String committing = push("task_1", "bbb");     // the retry's files, handed to the commit
    String otherTask = push("task_10", "ccc");     // another task (its id starts the same)
    store.put("druid/segments/_sluice/commits/ds/notes.txt", new byte[] {2});

    assertEquals(1, activities.cleanupPushed(new Contracts.CleanupInput("ds", "task_1", List.of(committing))));
    assertFalse(store.get(crashedAttempt).isPresent(), "the dead attempt's file is gone");
    assertTrue(store.get(committing).isPresent(), "a file handed to the commit is kept, whatever its outcome");
    assertTrue(store.get(otherTask).isPresent(), "another task's file is not this task's to delete");
    assertEquals(0, activities.cleanupPushed(new Contracts.CleanupInput("ds", "task_1", List.of(committing))),
        "idempotent");

    // a task that failed before its commit: all its files go
    assertEquals(1, activities.cleanupPushed(new Contracts.CleanupInput("ds", "task_10", List.of())));
    assertFalse(store.get(otherTask).isPresent());
    assertEquals(0, activities.cleanupPushed(new Contracts.CleanupInput("other-ds", "task_1", List.of())));
    assertTrue(store.get("druid/segments/_sluice/commits/ds/notes.txt").isPresent());
  }

  @Test
  void pushedByMatchesTheUniquePathOnly() {
    String key = layout.segmentKey("ds", "s", "e", "v", 3, CatalogLayout.uniquePath("index_kafka_ds_1", "x-y"));
    assertTrue(CatalogLayout.pushedBy(key, "index_kafka_ds_1"));
    assertFalse(CatalogLayout.pushedBy(key, "index_kafka_ds"));
    assertFalse(CatalogLayout.pushedBy(key, "index_kafka_ds_10"));
    assertFalse(CatalogLayout.pushedBy(key.replace("index.zip", "descriptor.json"), "index_kafka_ds_1"));
  }
}
