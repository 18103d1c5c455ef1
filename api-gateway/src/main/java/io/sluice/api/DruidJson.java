package io.sluice.api;

import io.sluice.workflows.StreamPartition;
import io.sluice.segment.spec.AutoScalerConfig;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.RunLoopPolicy;
import io.sluice.workflows.SupervisorState;
import io.sluice.workflows.SupervisorStatus;
import com.google.protobuf.util.Timestamps;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders Sluice's state in the JSON shapes Druid's Overlord API returns. */
final class DruidJson {
  private DruidJson() {}

  /**
   * {@code GET /supervisor/{id}/status}: Druid's KafkaSupervisorReportPayload. Sluice adds
   * {@code committedOffsets}, {@code publishedSegments} and {@code committedEvents} (from its commit log), and
   * {@code taskCount} (the task count in force: Druid writes the autoscaler's choice into the spec's
   * {@code ioConfig.taskCount}; Sluice keeps the submitted spec as it was) with, when the autoscaler runs,
   * {@code autoScaler}: its bounds, a scale action under way ({@code pendingTaskCount}) and its recent
   * {@code scaleActions}.
   */
  static Map<String, Object> statusReport(SupervisorStatus s, Map<String, Contracts.ReadProgress> progress,
                                          Contracts.StreamSnapshot watcher) {
    Map<StreamPartition, Long> current = new HashMap<>(s.committedOffsets());
    for (Contracts.ReadProgress p : progress.values()) {
      p.currentOffsets().forEach((k, v) -> current.merge(k, v, Math::max));
    }
    Map<StreamPartition, Long> latest = s.latestOffsets();
    long latestAt = s.offsetsLastUpdatedMillis();
    if (watcher != null && watcher.offsets() != null && watcher.fetchedAtMillis() > latestAt) {
      latest = RunLoopPolicy.merge(latest, watcher.offsets().latest());
      latestAt = watcher.fetchedAtMillis();
    }
    // the stream's end is at least what has been read: a task may have read past the last fetch of the end offsets
    // (fetched every 30 s by the watcher), and a lag below zero would only confuse
    Map<StreamPartition, Long> atLeastRead = new java.util.TreeMap<>(latest);
    for (Map.Entry<StreamPartition, Long> e : atLeastRead.entrySet()) {
      Long read = current.get(e.getKey());
      if (read != null && read > e.getValue()) e.setValue(read);
    }
    latest = atLeastRead;
    Map<StreamPartition, Long> lag = RunLoopPolicy.lag(latest, current);
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("dataSource", s.dataSource());
    payload.put("stream", s.topic());
    payload.put("partitions", s.partitions());
    payload.put("replicas", s.replicas());
    payload.put("durationSeconds", s.durationSeconds());
    payload.put("activeTasks", tasks(s.activeTasks(), progress, latest));
    payload.put("publishingTasks", tasks(s.publishingTasks(), progress, latest));
    payload.put("latestOffsets", TemporalSupervisorService.stringKeys(latest));
    payload.put("minimumLag", TemporalSupervisorService.stringKeys(lag));
    payload.put("aggregateLag", RunLoopPolicy.aggregateLag(lag));
    payload.put("offsetsLastUpdated", latestAt == 0 ? null : TemporalSupervisorService.iso(latestAt));
    payload.put("suspended", s.suspended());
    payload.put("healthy", s.healthy());
    payload.put("state", s.state());
    payload.put("detailedState", s.detailedState());
    List<Map<String, Object>> errors = new ArrayList<>();
    for (SupervisorState.ErrorEvent e : s.recentErrors()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("timestamp", TemporalSupervisorService.iso(e.timestampMillis()));
      m.put("exceptionClass", e.exceptionClass());
      m.put("message", e.message());
      m.put("streamException", e.streamException());
      errors.add(m);
    }
    payload.put("recentErrors", errors);
    payload.put("committedOffsets", TemporalSupervisorService.stringKeys(s.committedOffsets()));
    payload.put("publishedSegments", s.publishedSegments());
    payload.put("committedEvents", s.committedEvents());
    payload.put("taskCount", s.taskCount());
    AutoScalerConfig ac = s.spec() == null ? null : s.spec().ioConfig().autoScalerConfig();
    if (AutoScalerConfig.enabled(ac)) {
      Map<String, Object> auto = new LinkedHashMap<>();
      auto.put("taskCountMin", ac.taskCountMin());
      auto.put("taskCountMax", ac.taskCountMax());
      auto.put("pendingTaskCount", s.pendingTaskCount() == 0 ? null : s.pendingTaskCount());
      List<Map<String, Object>> actions = new ArrayList<>();
      for (SupervisorState.ScaleEvent e : s.scaleEvents() == null ? List.<SupervisorState.ScaleEvent>of()
          : s.scaleEvents()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timestamp", TemporalSupervisorService.iso(e.timestampMillis()));
        m.put("fromTaskCount", e.fromTaskCount());
        m.put("toTaskCount", e.toTaskCount());
        m.put("message", e.description());
        actions.add(m);
      }
      auto.put("scaleActions", actions);
      payload.put("autoScaler", auto);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("id", s.dataSource());
    report.put("generationTime", Instant.now().toString());
    report.put("payload", payload);
    return report;
  }

  private static List<Map<String, Object>> tasks(List<SupervisorStatus.TaskView> views,
                                                 Map<String, Contracts.ReadProgress> progress,
                                                 Map<StreamPartition, Long> latest) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (SupervisorStatus.TaskView t : views) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", t.id());
      m.put("startingOffsets", TemporalSupervisorService.stringKeys(t.startingOffsets()));
      m.put("startTime", TemporalSupervisorService.iso(t.startTimeMillis()));
      m.put("remainingSeconds", t.remainingSeconds());
      m.put("type", t.type());
      Contracts.ReadProgress p = progress.get(t.id());
      Map<StreamPartition, Long> current = p == null ? t.startingOffsets() : p.currentOffsets();
      m.put("currentOffsets", TemporalSupervisorService.stringKeys(current));
      Map<StreamPartition, Long> lag = new HashMap<>();
      for (StreamPartition partition : current.keySet()) {
        Long l = latest.get(partition);
        if (l != null) lag.put(partition, l - current.get(partition));
      }
      m.put("lag", TemporalSupervisorService.stringKeys(lag));
      if (p != null) m.put("rowStats", p.rowStats());
      out.add(m);
    }
    return out;
  }

  /**
   * One task's row stats as Druid's {@code /stats} and live reports show them:
   * {@code {"movingAverages": {"buildSegments": {"1m": …, "5m": …, "15m": …}}, "totals": {"buildSegments": …}}}.
   */
  static Map<String, Object> rowStats(Contracts.RowStats totals, Map<String, Map<String, Double>> averages) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("movingAverages", Map.of("buildSegments", averages == null ? Map.of() : averages));
    out.put("totals", Map.of("buildSegments", totals == null ? Contracts.RowStats.zero() : totals));
    return out;
  }

  /** Druid's task status code for a task workflow: RUNNING, SUCCESS or FAILED. */
  static String statusCode(WorkflowExecutionInfo info, Contracts.TaskReport report) {
    if (info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) return "RUNNING";
    return report != null && Contracts.TaskReport.SUCCESS.equals(report.status()) ? "SUCCESS" : "FAILED";
  }

  /** {@code GET /task/{id}/status}: Druid's TaskStatusResponse. */
  static Map<String, Object> taskStatus(String taskId, WorkflowExecutionInfo info, Contracts.TaskReport report) {
    String code = statusCode(info, report);
    long start = Timestamps.toMillis(info.getStartTime());
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("id", taskId);
    status.put("type", "index_kafka");
    status.put("createdTime", TemporalSupervisorService.iso(start));
    status.put("queueInsertionTime", TemporalSupervisorService.iso(start));
    status.put("statusCode", code);
    status.put("status", code);
    status.put("runnerStatusCode", code.equals("RUNNING") ? "RUNNING" : "NONE");
    status.put("duration", info.hasCloseTime() ? Timestamps.toMillis(info.getCloseTime()) - start : -1);
    status.put("dataSource", memo(info, "dataSource"));
    status.put("groupId", memo(info, "dataSource") == null ? null : "index_kafka_" + memo(info, "dataSource"));
    status.put("errorMsg", errorMessage(info, report));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("task", taskId);
    out.put("status", status);
    return out;
  }

  /** {@code GET /task/{id}/reports}: {@code ingestionStatsAndErrors} with row stats and saved parse errors. */
  static Map<String, Object> taskReports(String taskId, WorkflowExecutionInfo info, Contracts.TaskReport report,
                                         Contracts.ReadProgress live, List<Contracts.ParseError> parseErrors) {
    String code = statusCode(info, report);
    Contracts.RowStats totals = report != null && report.rowStats() != null ? report.rowStats()
        : live == null ? null : live.rowStats();
    Map<String, Object> rowStats = code.equals("RUNNING")
        ? rowStats(totals, live == null ? null : live.movingAverages())
        : Map.of("buildSegments", totals == null ? Contracts.RowStats.zero() : totals);
    List<Map<String, Object>> unparseable = new ArrayList<>();
    for (Contracts.ParseError e : parseErrors == null ? List.<Contracts.ParseError>of() : parseErrors) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("partition", e.partition());
      m.put("offset", e.offset());
      m.put("input", e.excerpt());
      m.put("details", List.of(e.reason()));
      m.put("wholeRecord", e.wholeRecord());
      unparseable.add(m);
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("ingestionState", code.equals("RUNNING") ? (live == null ? "NOT_STARTED" : "BUILD_SEGMENTS")
        : "COMPLETED");
    payload.put("unparseableEvents", Map.of("buildSegments", unparseable));
    payload.put("rowStats", rowStats);
    payload.put("errorMsg", errorMessage(info, report));
    payload.put("segmentAvailabilityConfirmed", false);
    payload.put("segmentAvailabilityWaitTimeMs", 0);
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("type", "ingestionStatsAndErrors");
    stats.put("taskId", taskId);
    stats.put("payload", payload);
    return Map.of("ingestionStatsAndErrors", stats);
  }

  private static String errorMessage(WorkflowExecutionInfo info, Contracts.TaskReport report) {
    if (report != null) return report.errorMessage();
    return switch (info.getStatus()) {
      case WORKFLOW_EXECUTION_STATUS_RUNNING -> null;
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> "the task was cancelled";
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> "the task was terminated";
      case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> "the task timed out";
      default -> "the task failed";
    };
  }

  private static String memo(WorkflowExecutionInfo info, String key) {
    io.temporal.api.common.v1.Payload p = info.getMemo().getFieldsMap().get(key);
    return p == null ? null : p.getData().toStringUtf8().replace("\"", "");
  }
}
