package io.sluice.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.segment.spec.SpecParser;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state crosses continue-as-new as a Temporal payload: the autoscaler's part must come through whole. */
class SupervisorStateTest {
  @Test
  void theAutoscalersStateSurvivesContinueAsNew() {
    SupervisorState s = SupervisorState.initial(SupervisorWorkflowTest.spec(SupervisorWorkflowTest.AUTOSCALER));
    assertEquals(1, s.taskCount, "taskCountMin");
    s.taskCount = 3;
    s.pendingTaskCount = 2;
    s.supervisorStartedMillis = 1000;
    s.lagSamples = List.of(5L, 7L);
    s.lastLagSampleMillis = 2000;
    s.lastScaleActionMillis = 3000;
    s.scaleEvents = List.of(new SupervisorState.ScaleEvent(3000, 1, 3, "scale out from 1 to 3 tasks"));
    var converter = DefaultDataConverter.newDefaultInstance();
    SupervisorState back = converter.fromPayload(converter.toPayload(s).orElseThrow(), SupervisorState.class,
        SupervisorState.class);
    assertEquals(3, back.taskCount());
    assertEquals(2, back.pendingTaskCount);
    assertEquals(1000, back.supervisorStartedMillis);
    assertEquals(List.of(5L, 7L), back.lagSamples);
    assertEquals(2000, back.lastLagSampleMillis);
    assertEquals(3000, back.lastScaleActionMillis);
    assertEquals(s.scaleEvents, back.scaleEvents);
  }

  @Test
  void aStateRecordedBeforeTheAutoscalerReadsItsTaskCountFromTheSpec() {
    SupervisorState s = SupervisorState.initial(SpecParser.parse(SupervisorWorkflowTest.SPEC
        .replace("\"period\":\"PT30S\"", "\"period\":\"PT30S\",\"taskCount\":4")));
    s.taskCount = 0; // as deserialized from a history recorded before the field existed
    assertEquals(4, s.taskCount());
  }
}
