package io.sluice.tests.replay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.workflows.Contracts;
import io.sluice.workflows.IndexingTaskWorkflowImpl;
import io.sluice.workflows.SluiceOptions;
import io.sluice.workflows.SupervisorWorkflowImpl;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Replays every recorded history (tests/src/test/resources/histories, recorded from real end-to-end runs) against
 * the current workflow code, so a change that would break running workflows fails the build.
 */
class WorkflowReplayTest {
  static List<WorkflowExecutionHistory> histories(String prefix) throws IOException, URISyntaxException {
    Path dir = Path.of(WorkflowReplayTest.class.getResource("/histories").toURI());
    List<WorkflowExecutionHistory> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList()) {
        out.add(WorkflowExecutionHistory.fromJson(Files.readString(f)));
      }
    }
    return out;
  }

  static Worker worker(TestWorkflowEnvironment env, Class<?>... types) {
    Worker w = env.newWorker(SluiceOptions.CONTROL_QUEUE);
    w.registerWorkflowImplementationTypes(SluiceOptions.workflowOptions(), types);
    return w;
  }

  @Test
  void everyRecordedHistoryReplaysAgainstTheCurrentCode() throws Exception {
    Path dir = Path.of(WorkflowReplayTest.class.getResource("/histories").toURI());
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.sorted().toList();
    }
    assertTrue(files.size() >= 4, "recorded histories are missing: " + files.size());
    List<String> failed = new ArrayList<>();
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker w = worker(env, SupervisorWorkflowImpl.class, IndexingTaskWorkflowImpl.class);
      for (Path f : files) { // one at a time, so that a failure names its file
        try {
          WorkflowReplayer.replayWorkflowExecution(WorkflowExecutionHistory.fromJson(Files.readString(f)), w);
        } catch (Exception e) {
          failed.add(f.getFileName() + ": " + e);
        }
      }
    }
    assertTrue(failed.isEmpty(), () -> "replay failed: " + failed);
  }

  /** A supervisor that asks Kafka for offsets before reading the commit log: the same shape, other commands. */
  public static class ReorderedSupervisor extends SupervisorWorkflowImpl {
    @io.temporal.workflow.WorkflowInit
    public ReorderedSupervisor(Contracts.SupervisorInput input) {
      super(input);
    }

    @Override
    public void run(Contracts.SupervisorInput input) {
      io.temporal.workflow.Workflow.sleep(java.time.Duration.ofMillis(1)); // a timer the history does not have
      super.run(input);
    }
  }

  @Test
  void aChangedSupervisorFailsReplay() throws Exception {
    List<WorkflowExecutionHistory> supervisors = histories("supervisor-");
    assertFalse(supervisors.isEmpty());
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker w = worker(env, ReorderedSupervisor.class, IndexingTaskWorkflowImpl.class);
      assertThrows(Exception.class, () -> WorkflowReplayer.replayWorkflowExecution(supervisors.get(0), w));
    }
  }
}
