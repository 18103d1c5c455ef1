package io.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sluice.segment.spec.SpecParser;
import io.sluice.segment.spec.SupervisorSpec;
import io.sluice.workflows.StreamPartition;
import io.sluice.workflows.SupervisorState;
import io.sluice.workflows.SupervisorStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status report's autoscaler part. */
class DruidJsonTest {
  static final String SPEC = """
      {"type":"kafka","dataSchema":{"dataSource":"ds","granularitySpec":{"segmentGranularity":"HOUR"}},
       "ioConfig":{"topic":"t","inputFormat":{"type":"json"},"consumerProperties":{"bootstrap.servers":"k:9092"}
       %s}}""";

  static SupervisorStatus status(SupervisorSpec spec, int taskCount, int pending,
                                 List<SupervisorState.ScaleEvent> events) {
    return new SupervisorStatus("ds", "t", "RUNNING", "RUNNING", true, false, 4, 1, 3600, List.of(), List.of(),
        Map.of(), Map.of(), Map.of(), 0, 0, List.of(), 0, 0, 0, spec, taskCount, pending, events);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theStatusShowsTheTaskCountAndTheScaleActions() {
    SupervisorSpec spec = SpecParser.parse(SPEC.formatted(
        ",\"autoScalerConfig\":{\"enableTaskAutoScaler\":true,\"taskCountMin\":1,\"taskCountMax\":4}"));
    Map<String, Object> payload = (Map<String, Object>) DruidJson.statusReport(status(spec, 3, 2,
        List.of(new SupervisorState.ScaleEvent(0, 1, 3, "scale out from 1 to 3 tasks"))), Map.of(), null)
        .get("payload");
    assertEquals(3, payload.get("taskCount"));
    Map<String, Object> auto = (Map<String, Object>) payload.get("autoScaler");
    assertEquals(1, auto.get("taskCountMin"));
    assertEquals(4, auto.get("taskCountMax"));
    assertEquals(2, auto.get("pendingTaskCount"));
    assertEquals(List.of(Map.of("timestamp", "1970-01-01T00:00:00Z", "fromTaskCount", 1, "toTaskCount", 3,
        "message", "scale out from 1 to 3 tasks")), auto.get("scaleActions"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aTopicPatternsStatusKeysOffsetsByTopicColonPartitionAndShowsThePatternAsTheStream() {
    SupervisorSpec spec = SpecParser.parse(SPEC.formatted("").replace("\"topic\":\"t\"",
        "\"topicPattern\":\"m-.*\""));
    StreamPartition a0 = StreamPartition.of("m-a", 0);
    StreamPartition a1 = StreamPartition.of("m-a", 1);
    StreamPartition b0 = StreamPartition.of("m-b", 0);
    SupervisorStatus.TaskView task = new SupervisorStatus.TaskView("task-1", Map.of(a1, 5L, b0, 7L), 0, 100,
        "index_kafka", 0);
    SupervisorStatus s = new SupervisorStatus("ds", "m-.*", "RUNNING", "RUNNING", true, false, 3, 1, 3600,
        List.of(task), List.of(), Map.of(a0, 10L, a1, 20L, b0, 30L), Map.of(a0, 10L, a1, 5L, b0, 7L), Map.of(), 0, 0,
        List.of(), 1, 22, 1, spec, 1, 0, List.of());
    Map<String, Object> payload = (Map<String, Object>) DruidJson.statusReport(s, Map.of(), null).get("payload");
    assertEquals("m-.*", payload.get("stream"));
    assertEquals(List.of("m-a:0", "m-a:1", "m-b:0"),
        List.copyOf(((Map<String, Long>) payload.get("latestOffsets")).keySet()), "in topic, then partition order");
    assertEquals(Map.of("m-a:0", 10L, "m-a:1", 5L, "m-b:0", 7L), payload.get("committedOffsets"));
    assertEquals(Map.of("m-a:0", 0L, "m-a:1", 15L, "m-b:0", 23L), payload.get("minimumLag"));
    Map<String, Object> t = ((List<Map<String, Object>>) payload.get("activeTasks")).get(0);
    assertEquals(Map.of("m-a:1", 5L, "m-b:0", 7L), t.get("startingOffsets"));
    assertEquals(Map.of("m-a:1", 15L, "m-b:0", 23L), t.get("lag"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aTaskThatReadPastTheLastFetchedEndShowsNoNegativeLag() {
    SupervisorSpec spec = SpecParser.parse(SPEC.formatted(""));
    StreamPartition p0 = StreamPartition.of(0);
    StreamPartition p1 = StreamPartition.of(1);
    SupervisorStatus s = new SupervisorStatus("ds", "t", "RUNNING", "RUNNING", true, false, 2, 1, 3600,
        List.of(), List.of(), Map.of(p0, 300L, p1, 100L), Map.of(p0, 450L, p1, 40L), Map.of(), 0, 0,
        List.of(), 1, 22, 1, spec, 1, 0, List.of());
    Map<String, Object> payload = (Map<String, Object>) DruidJson.statusReport(s, Map.of(), null).get("payload");
    assertEquals(Map.of("0", 450L, "1", 100L), payload.get("latestOffsets"), "the end is at least what was read");
    assertEquals(Map.of("0", 0L, "1", 60L), payload.get("minimumLag"));
    assertEquals(60L, ((Number) payload.get("aggregateLag")).longValue());
  }

  @Test
  @SuppressWarnings("unchecked")
  void withoutTheAutoscalerOnlyTheTaskCountShows() {
    SupervisorSpec spec = SpecParser.parse(SPEC.formatted(",\"taskCount\":2"));
    Map<String, Object> payload = (Map<String, Object>) DruidJson.statusReport(status(spec, 2, 0, List.of()),
        Map.of(), null).get("payload");
    assertEquals(2, payload.get("taskCount"));
    assertFalse(payload.containsKey("autoScaler"));
  }
}
