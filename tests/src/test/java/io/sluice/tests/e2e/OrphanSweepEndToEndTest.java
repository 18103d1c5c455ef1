package io.sluice.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.dev.DevStack;
import io.sluice.dev.MetricEvents;
import io.sluice.dev.SupervisorApi;
import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.SupervisorWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On the real stack, with the supervisor's orphan sweep every 10 s and a grace of 20 s: a task terminated in
 * Temporal between its push and its commit (an operator's "Terminate" in the Web UI) leaves files its own cleanup
 * never deletes. The supervisor finds the task gone and starts its group again from the committed offsets, every
 * event lands once, and the sweep deletes the terminated task's files.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@RealStackTest.ApiSettings({"supervisor.orphanSweepPeriod=PT10S", "supervisor.orphanGracePeriod=PT20S"})
class OrphanSweepEndToEndTest extends RealStackTest {
  @Test
  void aTaskTerminatedBetweenPushAndCommitIsReplacedAndTheSweepDeletesItsFiles() throws Exception {
    String ds = "terminated";
    String topic = "terminated";
    MetricEvents.createTopic(stack.kafkaBootstrap(), topic, 1);
    Set<String> ids = IdEvents.produce(stack.kafkaBootstrap(), topic, "t", 2000);
    for (DevStack.Service s : stack.services()) {
      if (s.name().startsWith("worker-") && s.process().isAlive()) s.kill9();
    }
    // this worker halts the moment its first task has pushed its segments, before Temporal hears of the push
    DevStack.Service faulty = stack.startWorker(List.of("-Dsluice.fault.haltAfter=ReadAndPush"));
    ObjectNode spec = StreamFaultsEndToEndTest.spec(ds, topic);
    ((ObjectNode) spec.get("ioConfig")).put("completionTimeout", "PT40S");
    assertEquals(200, api.submit(spec.toString()).status());
    assertTrue(faulty.process().waitFor(2, TimeUnit.MINUTES), "the faulty worker halted after its first push");
    Set<String> orphans = Published.segmentFiles(stack, ds);
    assertFalse(orphans.isEmpty(), "the task pushed its segments");
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
    // fails the cancellation of a closed workflow, so the supervisor asks Temporal about the cancelled task.
    Published.awaitCommitted(api, ds, 2000, Duration.ofMinutes(3));
    IdEvents.assertExactlyOnce(ids, IdEvents.countsById(stack, ds, tmp.resolve(ds)));
    JsonNode status = api.status(ds).json().path("payload");
    assertTrue(status.path("recentErrors").toString().contains("task " + task + " failed: its workflow ended without a report"),
        status.path("recentErrors").toString());

    // nothing else deletes the terminated task's files: the sweep does, once they and the task are 20 s gone
    Set<String> files = Published.awaitOnlyCommittedFiles(stack, ds, tmp.resolve(ds + "-log"), Duration.ofSeconds(60));
    for (String orphan : orphans) assertFalse(files.contains(orphan), orphan);
    assertFalse(files.isEmpty());
    io.sluice.tests.replay.HistoryRecorder.record(stack.temporalTarget(), SupervisorWorkflow.workflowId(ds),
        "supervisor-terminated-task-and-sweep");
    assertEquals(200, api.terminate(ds).status());
  }
}
