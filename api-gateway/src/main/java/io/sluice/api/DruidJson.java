package io.sluice.api;

import io.sluice.workflows.Contracts;
import io.sluice.workflows.RunLoopPolicy;
import io.sluice.workflows.SupervisorState;
import io.sluice.workflows.SupervisorStatus;
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
   * {@code committedOffsets}, {@code publishedSegments} and {@code committedEvents} (from its commit log).
   */
  static Map<String, Object> statusReport(SupervisorStatus s, Map<String, Contracts.ReadProgress> progress) {
    Map<Integer, Long> current = new HashMap<>(s.committedOffsets());
    for (Contracts.ReadProgress p : progress.values()) {
      p.currentOffsets().forEach((k, v) -> current.merge(k, v, Math::max));
    }
    Map<Integer, Long> lag = RunLoopPolicy.lag(s.latestOffsets(), current);
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("dataSource", s.dataSource());
    payload.put("stream", s.topic());
    payload.put("partitions", s.partitions());
    payload.put("replicas", s.replicas());
    payload.put("durationSeconds", s.durationSeconds());
    payload.put("activeTasks", tasks(s.activeTasks(), progress, s.latestOffsets()));
    payload.put("publishingTasks", tasks(s.publishingTasks(), progress, s.latestOffsets()));
    payload.put("latestOffsets", TemporalSupervisorService.stringKeys(s.latestOffsets()));
    payload.put("minimumLag", TemporalSupervisorService.stringKeys(lag));
    payload.put("aggregateLag", RunLoopPolicy.aggregateLag(lag));
    payload.put("offsetsLastUpdated", s.offsetsLastUpdatedMillis() == 0 ? null
        : TemporalSupervisorService.iso(s.offsetsLastUpdatedMillis()));
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
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("id", s.dataSource());
    report.put("generationTime", Instant.now().toString());
    report.put("payload", payload);
    return report;
  }

  private static List<Map<String, Object>> tasks(List<SupervisorStatus.TaskView> views,
                                                 Map<String, Contracts.ReadProgress> progress,
                                                 Map<Integer, Long> latest) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (SupervisorStatus.TaskView t : views) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", t.id());
      m.put("startingOffsets", TemporalSupervisorService.stringKeys(t.startingOffsets()));
      m.put("startTime", TemporalSupervisorService.iso(t.startTimeMillis()));
      m.put("remainingSeconds", t.remainingSeconds());
      m.put("type", t.type());
      Contracts.ReadProgress p = progress.get(t.id());
      Map<Integer, Long> current = p == null ? t.startingOffsets() : p.currentOffsets();
      m.put("currentOffsets", TemporalSupervisorService.stringKeys(current));
      Map<Integer, Long> lag = new HashMap<>();
      for (Integer partition : current.keySet()) {
        Long l = latest.get(partition);
        if (l != null) lag.put(partition, l - current.get(partition));
      }
      m.put("lag", TemporalSupervisorService.stringKeys(lag));
      if (p != null) m.put("rowStats", p.rowStats());
      out.add(m);
    }
    return out;
  }
}
