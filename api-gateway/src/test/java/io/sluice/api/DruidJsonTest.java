package io.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sluice.segment.spec.SpecParser;
import io.sluice.segment.spec.SupervisorSpec;
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
  void withoutTheAutoscalerOnlyTheTaskCountShows() {
    SupervisorSpec spec = SpecParser.parse(SPEC.formatted(",\"taskCount\":2"));
    Map<String, Object> payload = (Map<String, Object>) DruidJson.statusReport(status(spec, 2, 0, List.of()),
        Map.of(), null).get("payload");
    assertEquals(2, payload.get("taskCount"));
    assertFalse(payload.containsKey("autoScaler"));
  }
}
