package io.sluice.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.dev.SupervisorApi;
import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.SupervisorWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On the real stack, with the supervisor's orphan sweep every 10 s and a grace of 20 s (3 minutes, the least, for
 * how long a task must have been closed): a task terminated in
 * Temporal between its push and its commit (an operator's "Terminate" in the Web UI) leaves files its own cleanup
 * never deletes. The supervisor finds the task gone and starts its group again from the committed offsets, every
 * event lands once, and the sweep deletes the terminated task's files.
 */
@Timeout(value = 9, unit = TimeUnit.MINUTES)
@RealStackTest.ApiSettings({"supervisor.orphanSweepPeriod=PT10S", "supervisor.orphanGracePeriod=PT20S"})
class OrphanSweepEndToEndTest extends RealStackTest {
  @Test
  void aTaskTerminatedBetweenPushAndCommitIsReplacedAndTheSweepDeletesItsFiles() throws Exception {
    String ds = "terminated";
    String topic = "terminated";
    Set<String> ids = createTopicWithIds(topic, 1, "t", 2000);
    ObjectNode spec = StreamFaultsEndToEndTest.spec(ds, topic);
    ((ObjectNode) spec.get("ioConfig")).put("completionTimeout", "PT40S");
    Set<String> orphans = submitAndHaltAfterPush(ds, spec);
    Set<String> tasks = new TreeSet<>();
    for (String key : orphans) tasks.add(CatalogLayout.pushingTask(key));
    assertEquals(1, tasks.size(), tasks.toString());
    String task = tasks.iterator().next();

    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(stack.temporalTarget()).build());
    try {
      WorkflowClient.newInstance(service).newUntypedWorkflowStub(task).terminate("an operator, in the Web UI");
    } finally {
      service.shutdown();
    }
    stack.startWorker();

    // the supervisor finds the task gone and starts its group again from the committed offsets (none). Here that is
    // after completionTimeout: the Temporal test server neither tells a parent that its child was terminated nor
    // answers the cancellation of a closed workflow, so the supervisor asks Temporal about the cancelled task.
    Published.awaitCommitted(api, ds, 2000, Duration.ofMinutes(3));
    IdEvents.assertExactlyOnce(ids, IdEvents.countsById(stack, ds, tmp.resolve(ds)));
    JsonNode status = api.status(ds).json().path("payload");
    String errors = status.path("recentErrors").toString();
    assertTrue(errors.contains("task " + task + " failed: its workflow ended without a report"), errors);

    // nothing else deletes the terminated task's files: the sweep does, once they are 20 s old and the task has
    // been closed for the grace, and at least 3 minutes (a commit attempt of it could land until then)
    Set<String> files = Published.awaitOnlyCommittedFiles(stack, ds, tmp.resolve(ds + "-log"), Duration.ofMinutes(4));
    for (String orphan : orphans) assertFalse(files.contains(orphan), orphan);
    assertFalse(files.isEmpty());
    io.sluice.tests.replay.HistoryRecorder.record(stack.temporalTarget(), SupervisorWorkflow.workflowId(ds),
        "supervisor-terminated-task-and-sweep");
    assertEquals(200, api.terminate(ds).status());
  }
}
