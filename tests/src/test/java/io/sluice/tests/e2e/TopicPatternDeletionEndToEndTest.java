package io.sluice.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.tests.replay.HistoryRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One of the topics a {@code topicPattern} matches is deleted while the supervisor runs. As Druid drops partitions
 * its stream no longer reports: the other topic goes on being read exactly once, the supervisor stays healthy
 * without a crash loop, and the status stops showing the deleted topic's partitions. What was committed of the
 * deleted topic stays committed (and in the commit log).
 */
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class TopicPatternDeletionEndToEndTest extends RealStackTest {

  @Test
  void aDeletedMatchingTopicIsDroppedAndTheOthersGoOnExactlyOnce() throws Exception {
    String ds = "deleted-topic";
    String bootstrap = stack.kafkaBootstrap();
    Set<String> ids = TopicPatternEndToEndTest.twoTopicsUnderOnePattern(ds, "del");
    // B's records committed, so they must stay; then B goes away while tasks read it (or are about to)
    StreamFaultsEndToEndTest.awaitStatus(ds, Duration.ofSeconds(60), "del-b committed",
        s -> s.get("partitions").asInt() == 3 && s.get("committedOffsets").has("del-b:0")
            && s.get("committedOffsets").get("del-b:0").asLong() == 300);
    try (Admin admin = IdEvents.admin(bootstrap)) {
      admin.deleteTopics(Set.of("del-b")).all().get();
    }
    ids.addAll(IdEvents.produce(bootstrap, "del-a", "a2", 300));

    // while the supervisor notices: every state it shows, so a crash loop or an unhealthy spell shows up
    List<String> states = new ArrayList<>();
    JsonNode dropped = StreamFaultsEndToEndTest.awaitStatus(ds, Duration.ofSeconds(45), "del-b dropped", s -> {
      String st = s.get("detailedState").asText();
      if (states.isEmpty() || !states.get(states.size() - 1).equals(st)) states.add(st);
      return s.get("partitions").asInt() == 2 && !s.get("latestOffsets").has("del-b:0");
    });
    ids.addAll(IdEvents.produce(bootstrap, "del-a", "a3", 300));

    Map<String, Long> end = new TreeMap<>();
    IdEvents.endOffsets(bootstrap, "del-a").forEach((p, o) -> end.put("del-a:" + p, o));
    end.put("del-b:0", 300L); // committed before the deletion; the commit log keeps it
    long total = end.values().stream().mapToLong(Long::longValue).sum();
    assertEquals(ids.size(), total);
    JsonNode status = Published.awaitCommitted(api, ds, total, Duration.ofSeconds(60));
    states.add(status.get("detailedState").asText());
    assertEquals(2, status.get("partitions").asInt(), status.toString());
    assertFalse(status.get("latestOffsets").has("del-b:0"), status.toString());
    assertFalse(status.get("minimumLag").has("del-b:0"), status.toString());
    for (JsonNode t : status.get("activeTasks")) {
      assertFalse(t.get("startingOffsets").has("del-b:0"), "a task started on the deleted topic: " + status);
    }
    Map<String, Long> committed = new TreeMap<>();
    status.get("committedOffsets").properties().forEach(e -> committed.put(e.getKey(), e.getValue().asLong()));
    assertEquals(end, committed);
    assertEquals("RUNNING", status.get("detailedState").asText(), status.toString());
    assertTrue(status.get("healthy").asBoolean(), status.toString());
    assertTrue(states.stream().allMatch("RUNNING"::equals),
        "no unhealthy state while the deleted topic is dropped: " + states + "; " + dropped);

    IdEvents.assertExactlyOnce(ids, IdEvents.countsById(stack, ds, tmp.resolve(ds)));
    HistoryRecorder.record(stack.temporalTarget(), "supervisor:" + ds, "supervisor-" + ds);
    assertEquals(200, api.terminate(ds).status());
  }
}
