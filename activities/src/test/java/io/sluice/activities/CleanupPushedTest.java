package io.sluice.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.Contracts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A task's cleanup deletes exactly its own pushed files that no commit references. */
class CleanupPushedTest {
  final InMemoryBlobStore store = new InMemoryBlobStore();
  final CatalogLayout layout = new CatalogLayout("druid/segments");
  final CommitLog log = new CommitLog(store, layout);
  final CommitActivitiesImpl activities = new CommitActivitiesImpl(log, store);

  String push(String task, String random) throws Exception {
    String key = layout.segmentKey("ds", "2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00.000Z", "v1", 0,
        CatalogLayout.uniquePath(task, random));
    store.put(key, new byte[] {1});
    return key;
  }

  static Contracts.CommitInput commit(String task, String key, long start, long end) {
    return new Contracts.CommitInput("ds", "t", task, "seq-" + task, Map.of(0, start), Map.of(0, end),
        List.of(new Contracts.PushedSegment("id-" + task, key,
            Map.of("identifier", "id-" + task, "loadSpec", Map.of("type", "s3_zip", "key", key)), 10)),
        new Contracts.RowStats(end - start, 0, 0, 0, 0));
  }

  @Test
  void deletesOnlyTheTasksUnreferencedFiles() throws Exception {
    String crashedAttempt = push("task_1", "aaa"); // pushed, then the worker died before the commit
    String committed = push("task_1", "bbb");      // the retry's files, committed
    String otherTask = push("task_10", "ccc");     // another task (its id starts the same), not committed yet
    String earlier = push("task_0", "ddd");
    store.put("druid/segments/_sluice/commits/ds/notes.txt", new byte[] {2});
    log.append(commit("task_0", earlier, 0, 50));
    log.append(commit("task_1", committed, 50, 100));

    assertEquals(1, activities.cleanupPushed(new Contracts.CleanupInput("ds", "task_1", 0)));
    assertFalse(store.get(crashedAttempt).isPresent(), "the dead attempt's file is gone");
    assertTrue(store.get(committed).isPresent(), "a committed file is never deleted");
    assertTrue(store.get(otherTask).isPresent(), "another task's file is not this task's to delete");
    assertTrue(store.get(earlier).isPresent());
    assertEquals(0, activities.cleanupPushed(new Contracts.CleanupInput("ds", "task_1", 0)), "idempotent");

    // a failed task committed nothing: all its files go
    assertEquals(1, activities.cleanupPushed(new Contracts.CleanupInput("ds", "task_10", 0)));
    assertFalse(store.get(otherTask).isPresent());
    assertEquals(0, activities.cleanupPushed(new Contracts.CleanupInput("other-ds", "task_0", 0)));
  }

  @Test
  void commitsAreReadBackwardsOnlyAsFarAsAsked() throws Exception {
    log.append(commit("a", "k-a", 0, 50));
    log.append(commit("b", "k-b", 50, 100));
    List<CommitRecord> all = log.committedSince("ds", 0);
    assertEquals(List.of(2L, 1L), all.stream().map(CommitRecord::seq).toList(), "newest first");
    assertEquals(List.of(), log.committedSince("ds", System.currentTimeMillis() + 60_000));
    assertEquals(List.of(), log.committedSince("empty", 0));
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
