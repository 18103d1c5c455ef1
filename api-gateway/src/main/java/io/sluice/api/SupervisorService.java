package io.sluice.api;

import io.sluice.segment.spec.SupervisorSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the supervisor resource needs; {@link TemporalSupervisorService} is the real one, tests use fakes. */
public interface SupervisorService {
  /** Creates the supervisor, or hands an existing one the new spec. */
  void submit(SupervisorSpec spec) throws Exception;

  List<String> list() throws Exception;

  Optional<SupervisorSpec> spec(String id) throws Exception;

  /** Druid's status report, {@code {"id", "generationTime", "payload"}}; empty if unknown. */
  Optional<Map<String, Object>> status(String id) throws Exception;

  /**
   * Whether the supervisor is healthy, from its own state alone (no per-task lookups, so cheap enough for frequent
   * health probes); empty if unknown.
   */
  Optional<Boolean> healthy(String id) throws Exception;

  /**
   * {@code {"state", "detailedState", "healthy", "suspended"}} from the supervisor's own state (no per-task
   * lookups), for {@code GET /supervisor?state=true}; empty if unknown or not running.
   */
  Optional<Map<String, Object>> stateSummary(String id) throws Exception;

  /** False if there is no such supervisor. */
  boolean terminate(String id) throws Exception;

  /**
   * Suspends or resumes: stores the spec with {@code suspended} set, as Druid does, and tells the supervisor.
   * Empty if there is no such supervisor.
   * @throws IllegalStateException if it already is in that state (Druid answers 400)
   */
  Optional<SupervisorSpec> setSuspended(String id, boolean suspended) throws Exception;

  /** Every spec ever submitted for {@code id}, newest first, as {@code {"spec", "version"}}; terminated ones too. */
  List<Map<String, Object>> history(String id) throws Exception;

  /** Ids with any history, terminated supervisors included. */
  List<String> allIds() throws Exception;

  /**
   * Druid's {@code reset} ({@code request.offsets()} null) and {@code resetOffsets}. Empty if there is no such
   * supervisor.
   * @throws IllegalArgumentException if the supervisor refuses the request (Druid answers 400)
   */
  Optional<String> reset(String id, io.sluice.workflows.Contracts.ResetRequest request) throws Exception;

  /**
   * Druid's {@code taskGroups/handoff}: early handoff of these task groups. Empty if there is no such supervisor.
   * @throws IllegalArgumentException if a group does not exist (400)
   */
  Optional<String> handoff(String id, List<Integer> taskGroupIds) throws Exception;

  /**
   * Druid's {@code /stats}: {@code {taskGroupId: {taskId: {"movingAverages": {"buildSegments": …},
   * "totals": {"buildSegments": …}}}}}; empty if unknown.
   */
  Optional<Map<String, Object>> stats(String id) throws Exception;

  /** Druid's {@code /task/{taskId}/status}; empty if there is no such task. */
  Optional<Map<String, Object>> taskStatus(String taskId) throws Exception;

  /** Druid's {@code /task/{taskId}/reports}: {@code ingestionStatsAndErrors}; empty if there is no such task. */
  Optional<Map<String, Object>> taskReports(String taskId) throws Exception;
}
