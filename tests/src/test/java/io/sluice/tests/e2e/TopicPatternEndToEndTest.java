package io.sluice.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.dev.MetricEvents;
import io.sluice.tests.replay.HistoryRecorder;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ioConfig.topicPattern} against the real stack: one supervisor reads every topic whose whole name matches,
 * including one created while it runs, and nothing of a topic that does not match (even one that contains a match).
 * Ends, as the other fault tests, by reading every committed segment back: distinct ids and the total {@code count}
 * both equal the events produced to the matching topics.
 */
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class TopicPatternEndToEndTest extends RealStackTest {

  @Test
  void everyMatchingTopicIsReadExactlyOnceIncludingOneCreatedLaterAndNoOtherTopic() throws Exception {
    String ds = "multi-topic";
    String bootstrap = stack.kafkaBootstrap();
    Set<String> ids = twoTopicsUnderOnePattern(ds, "multi");
    JsonNode first = StreamFaultsEndToEndTest.awaitStatus(ds, Duration.ofSeconds(60), "tasks reading both topics",
        s -> s.get("activeTasks").size() == 2 && s.get("partitions").asInt() == 3);
    assertEquals("multi-.*", first.get("stream").asText(), first.toString());

    // mid-stream: a third matching topic, a topic that only contains a match, and more data in the first two
    MetricEvents.createTopic(bootstrap, "multi-c", 1);
    MetricEvents.createTopic(bootstrap, "xmulti-d", 1);
    ids.addAll(IdEvents.produce(bootstrap, "multi-c", "c1", 400));
    Set<String> other = IdEvents.produce(bootstrap, "xmulti-d", "d1", 200);
    ids.addAll(IdEvents.produce(bootstrap, "multi-a", "a2", 300));
    ids.addAll(IdEvents.produce(bootstrap, "multi-b", "b2", 100));

    Map<String, Long> end = new TreeMap<>();
    for (String topic : new String[] {"multi-a", "multi-b", "multi-c"}) {
      IdEvents.endOffsets(bootstrap, topic).forEach((p, o) -> end.put(topic + ":" + p, o));
    }
    long total = end.values().stream().mapToLong(Long::longValue).sum();
    assertEquals(ids.size(), total);
    JsonNode status = Published.awaitCommitted(api, ds, total, Duration.ofSeconds(90));
    assertEquals(4, status.get("partitions").asInt(), status.toString());
    Map<String, Long> committed = new TreeMap<>();
    status.get("committedOffsets").properties().forEach(e -> committed.put(e.getKey(), e.getValue().asLong()));
    assertEquals(end, committed, "offsets keyed topic:partition, as Druid's multi-topic supervisor shows them");

    Map<String, Long> counts = IdEvents.countsById(stack, ds, tmp.resolve(ds));
    Set<String> leaked = new TreeSet<>(other);
    leaked.retainAll(counts.keySet());
    assertTrue(leaked.isEmpty(), "nothing of the topic that does not match: " + leaked);
    IdEvents.assertExactlyOnce(ids, counts);
    HistoryRecorder.record(stack.temporalTarget(), "supervisor:" + ds, "supervisor-" + ds);
    assertEquals(200, api.terminate(ds).status());
  }

  /**
   * Topics {@code <prefix>-a} (2 partitions, ids a1-…, 600 events) and {@code <prefix>-b} (1, ids b1-…, 300), and a
   * supervisor {@code ds} reading {@code <prefix>-.*} with 2 tasks of 10 s; returns the ids produced.
   */
  static Set<String> twoTopicsUnderOnePattern(String ds, String prefix) throws Exception {
    String bootstrap = stack.kafkaBootstrap();
    MetricEvents.createTopic(bootstrap, prefix + "-a", 2);
    MetricEvents.createTopic(bootstrap, prefix + "-b", 1);
    Set<String> ids = new LinkedHashSet<>();
    ids.addAll(IdEvents.produce(bootstrap, prefix + "-a", "a1", 600));
    ids.addAll(IdEvents.produce(bootstrap, prefix + "-b", "b1", 300));
    ObjectNode spec = StreamFaultsEndToEndTest.spec(ds, "unused");
    ObjectNode io = (ObjectNode) spec.get("ioConfig");
    io.remove("topic");
    io.put("topicPattern", prefix + "-.*");
    io.put("taskCount", 2);
    io.put("taskDuration", "PT10S");
    assertEquals(200, api.submit(spec.toString()).status());
    return ids;
  }
}
