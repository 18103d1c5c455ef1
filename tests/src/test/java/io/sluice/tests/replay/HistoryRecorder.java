package io.sluice.tests.replay;

import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Saves real workflow histories from an end-to-end run, for the replay tests. Off unless the build is run with
 * {@code -Dsluice.recordHistories=<folder>}; the files then go to that folder, to be checked in under
 * {@code tests/src/test/resources/histories/} after review.
 */
public final class HistoryRecorder {
  private HistoryRecorder() {}

  public static boolean enabled() {
    String dir = System.getProperty("sluice.recordHistories", "");
    return !dir.isBlank();
  }

  public static void record(String temporalTarget, String workflowId, String fileName) throws IOException {
    if (!enabled()) return;
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(temporalTarget).build());
    try {
      String json = WorkflowClient.newInstance(service).fetchHistory(workflowId).toJson(true);
      Path dir = Path.of(System.getProperty("sluice.recordHistories"));
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(fileName + ".json"), json);
    } finally {
      service.shutdownNow();
    }
  }
}
