package io.sluice.workflows;

import io.sluice.segment.spec.SpecParser;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;

/**
 * Measures how many history events the supervisor adds per hour at steady state (one task group, the default
 * {@code period} PT30S, {@code taskDuration} PT1H), under time skipping with the fake task and activities of
 * {@link SupervisorWorkflowTest}. Not a test. Issue 5's budget is about 150 events per hour per task group.
 *
 * <pre>
 * mvn -B -q -o -pl workflows test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/wf-cp.txt \
 *     -Dmdep.includeScope=test
 * java -cp workflows/target/test-classes:workflows/target/classes:$(cat /tmp/wf-cp.txt) io.sluice.workflows.HistoryRate
 * </pre>
 */
public final class HistoryRate {
  private HistoryRate() {}

  public static void main(String[] args) {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker w = env.newWorker(SluiceOptions.CONTROL_QUEUE);
      w.registerWorkflowImplementationTypes(SluiceOptions.workflowOptions(), SupervisorWorkflowImpl.class,
          SupervisorWorkflowTest.FakeTask.class);
      w.registerActivitiesImplementations(new SupervisorWorkflowTest.FakeStream(),
          new SupervisorWorkflowTest.FakeCommits());
      env.start();
      SupervisorWorkflow wf = env.getWorkflowClient().newWorkflowStub(SupervisorWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId("supervisor:ds").setTaskQueue(SluiceOptions.CONTROL_QUEUE).build());
      WorkflowClient.start(wf::run, new Contracts.SupervisorInput(SpecParser.parse(SupervisorWorkflowTest.SPEC),
          Contracts.SupervisorConfig.defaults(), null));
      env.sleep(Duration.ofMinutes(10));
      long before = env.getWorkflowClient().fetchHistory("supervisor:ds").getEvents().size();
      env.sleep(Duration.ofHours(2));
      long after = env.getWorkflowClient().fetchHistory("supervisor:ds").getEvents().size();
      System.out.printf("supervisor history: %.1f events/hour (1 task group, period PT30S, taskDuration PT1H)%n",
          (after - before) / 2.0);
    }
  }
}
