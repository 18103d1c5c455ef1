package io.sluice.api;

import io.sluice.workflows.StreamPartition;
import io.sluice.activities.BlobStore;
import io.sluice.segment.spec.SupervisorSpec;
import io.sluice.workflows.Contracts;
import io.sluice.workflows.IndexingTaskWorkflow;
import io.sluice.workflows.SluiceOptions;
import io.sluice.workflows.SupervisorStatus;
import io.sluice.workflows.SupervisorWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervisors as Temporal workflows, specs in the catalog. Reaches Temporal only through {@link WorkflowClient}.
 */
public final class TemporalSupervisorService implements SupervisorService {
  private static final Logger log = LoggerFactory.getLogger(TemporalSupervisorService.class);

  private final WorkflowClient client;
  private final SpecCatalog catalog;
  private final Contracts.SupervisorConfig config;

  public TemporalSupervisorService(WorkflowClient client, SpecCatalog catalog, Contracts.SupervisorConfig config) {
    this.client = client;
    this.catalog = catalog;
    this.config = config;
  }

  @Override
  public void submit(SupervisorSpec spec) throws Exception {
    catalog.save(spec, System.currentTimeMillis());
    if (isRunning(SupervisorWorkflow.workflowId(spec.id()))) {
      client.newWorkflowStub(SupervisorWorkflow.class, SupervisorWorkflow.workflowId(spec.id())).updateSpec(spec);
      log.info("supervisor {}: spec updated", spec.id());
    } else {
      start(spec);
    }
  }

  /** Starts the workflow for a stored spec. Its committed offsets come from the commit log. */
  void start(SupervisorSpec spec) {
    SupervisorWorkflow wf = client.newWorkflowStub(SupervisorWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(SupervisorWorkflow.workflowId(spec.id()))
        .setTaskQueue(SluiceOptions.CONTROL_QUEUE)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setMemo(Map.of("dataSource", spec.id(), "topic", spec.ioConfig().stream()))
        .setStaticSummary("Kafka supervisor for dataSource " + spec.id()
            + (spec.ioConfig().multiTopic() ? " (topicPattern " : " (topic ") + spec.ioConfig().stream() + ")")
        .build());
    WorkflowClient.start(wf::run, new Contracts.SupervisorInput(spec, config, null));
    log.info("supervisor {}: started", spec.id());
  }

  /** Re-creates the workflow of every stored supervisor that has none running (a Temporal that lost its state). */
  public void recover() throws Exception {
    for (String id : catalog.activeIds()) {
      if (!isRunning(SupervisorWorkflow.workflowId(id))) {
        Optional<SupervisorSpec> spec = catalog.current(id);
        if (spec.isPresent()) {
          log.info("supervisor {}: in the catalog but not running; re-creating it", id);
          start(spec.get());
        }
      }
    }
  }

  @Override
  public List<String> list() throws Exception {
    return catalog.activeIds();
  }

  @Override
  public Optional<SupervisorSpec> spec(String id) throws Exception {
    return catalog.current(id);
  }

  @Override
  public Optional<Map<String, Object>> status(String id) throws Exception {
    Optional<Live> live = live(id);
    return live.isEmpty() ? Optional.empty() : Optional.of(DruidJson.statusReport(live.get().status(),
        currentOffsets(live.get().status()), streamSnapshot(id, live.get().described())));
  }

  @Override
  public Optional<Map<String, Object>> stateSummary(String id) throws Exception {
    return supervisorStatus(id).map(s -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("state", s.state());
      m.put("detailedState", s.detailedState());
      m.put("healthy", s.healthy());
      m.put("suspended", s.suspended());
      return m;
    });
  }

  @Override
  public Optional<Boolean> healthy(String id) throws Exception {
    return supervisorStatus(id).map(SupervisorStatus::healthy);
  }

  /** A running supervisor: its own status, by query, and its workflow's description. */
  private record Live(SupervisorStatus status, DescribeWorkflowExecutionResponse described) {}

  /** The supervisor's own status, by query; empty if there is no such supervisor running. */
  private Optional<SupervisorStatus> supervisorStatus(String id) throws Exception {
    return live(id).map(Live::status);
  }

  /**
   * The supervisor, if it is in the catalog and its workflow runs. One status call reads the catalog's two small
   * objects, describes the workflow once (whether it runs, and its watcher's heartbeat) and queries it once.
   */
  private Optional<Live> live(String id) throws Exception {
    if (!catalog.isActive(id)) return Optional.empty();
    String wfId = SupervisorWorkflow.workflowId(id);
    Optional<DescribeWorkflowExecutionResponse> described = describeRunning(wfId);
    if (described.isEmpty()) return Optional.empty();
    try {
      return Optional.of(new Live(client.newWorkflowStub(SupervisorWorkflow.class, wfId).status(), described.get()));
    } catch (io.temporal.client.WorkflowException | StatusRuntimeException e) {
      // a query needs a live worker: say so promptly instead of hanging the caller
      throw new jakarta.ws.rs.ServiceUnavailableException("supervisor " + id + " did not answer its status query;"
          + " is a Sluice worker running and connected to Temporal? (" + rootMessage(e) + ")");
    }
  }

  /**
   * The stream watcher's latest answer, from its heartbeat: fresher than the supervisor's own copy, which it only
   * takes when the watcher returns. Null if there is none.
   */
  private Contracts.StreamSnapshot streamSnapshot(String id, DescribeWorkflowExecutionResponse described) {
    try {
      return heartbeat(described.getPendingActivitiesList(), "WatchStream", Contracts.StreamSnapshot.class);
    } catch (RuntimeException e) {
      log.debug("supervisor {}: no stream watcher heartbeat: {}", id, e.toString());
    }
    return null;
  }

  /** The latest heartbeat details of the pending activity of this type, decoded; null if there are none. */
  private <T> T heartbeat(List<PendingActivityInfo> pending, String activityType, Class<T> type) {
    for (PendingActivityInfo a : pending) {
      if (a.hasHeartbeatDetails() && a.getActivityType().getName().equals(activityType)) {
        return client.getOptions().getDataConverter().fromPayloads(0, Optional.of(a.getHeartbeatDetails()), type,
            type);
      }
    }
    return null;
  }

  /** Each active task's offsets, from its reading activity's latest heartbeat. */
  private Map<String, Contracts.ReadProgress> currentOffsets(SupervisorStatus s) {
    Map<String, Contracts.ReadProgress> out = new LinkedHashMap<>();
    List<SupervisorStatus.TaskView> tasks = new ArrayList<>(s.activeTasks());
    tasks.addAll(s.publishingTasks());
    for (SupervisorStatus.TaskView t : tasks) {
      try {
        Contracts.ReadProgress p = heartbeat(describe(t.id()).getPendingActivitiesList(), "ReadAndPush",
            Contracts.ReadProgress.class);
        if (p == null) { // reading has ended: the task holds its end offsets
          p = client.newWorkflowStub(IndexingTaskWorkflow.class, t.id()).readResult();
        }
        if (p != null) out.put(t.id(), p);
      } catch (RuntimeException e) {
        log.debug("no progress for task {}: {}", t.id(), e.toString());
      }
    }
    return out;
  }

  @Override
  public boolean terminate(String id) throws Exception {
    if (catalog.current(id).isEmpty()) return false;
    catalog.tombstone(id, System.currentTimeMillis());
    String wfId = SupervisorWorkflow.workflowId(id);
    if (isRunning(wfId)) client.newWorkflowStub(SupervisorWorkflow.class, wfId).terminate();
    return true;
  }

  @Override
  public Optional<SupervisorSpec> setSuspended(String id, boolean suspended) throws Exception {
    Optional<SupervisorSpec> current = catalog.current(id);
    if (current.isEmpty()) return Optional.empty();
    if (current.get().suspended() == suspended) {
      throw new IllegalStateException("[" + id + "] is already " + (suspended ? "suspended" : "running"));
    }
    SupervisorSpec updated = current.get().withSuspended(suspended);
    catalog.save(updated, System.currentTimeMillis());
    String wfId = SupervisorWorkflow.workflowId(id);
    if (isRunning(wfId)) {
      SupervisorWorkflow wf = client.newWorkflowStub(SupervisorWorkflow.class, wfId);
      if (suspended) {
        wf.suspend();
      } else {
        wf.resume();
      }
    } else {
      start(updated);
    }
    return Optional.of(updated);
  }

  @Override
  public List<Map<String, Object>> history(String id) throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map.Entry<Long, SupervisorSpec> e : catalog.history(id)) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("spec", e.getValue());
      entry.put("version", iso(e.getKey()));
      out.add(entry);
    }
    return out;
  }

  @Override
  public List<String> allIds() throws Exception {
    return catalog.allIds();
  }

  @Override
  public Optional<String> reset(String id, Contracts.ResetRequest request) throws Exception {
    return update(id, wf -> wf.reset(request));
  }

  @Override
  public Optional<String> handoff(String id, List<Integer> taskGroupIds) throws Exception {
    return update(id, wf -> wf.handoffTaskGroups(taskGroupIds));
  }

  /**
   * Sends an update to a running supervisor. A request its validator refuses becomes an IllegalArgumentException
   * with the supervisor's reason; a supervisor that is stored but not running (Temporal lost it and the gateway
   * has not re-created it yet) is a 503.
   */
  private Optional<String> update(String id, java.util.function.Function<SupervisorWorkflow, String> call)
      throws Exception {
    if (catalog.current(id).isEmpty()) return Optional.empty();
    String wfId = SupervisorWorkflow.workflowId(id);
    if (!isRunning(wfId)) {
      throw new jakarta.ws.rs.ServiceUnavailableException("supervisor " + id + " is not running right now");
    }
    try {
      return Optional.of(call.apply(client.newWorkflowStub(SupervisorWorkflow.class, wfId)));
    } catch (io.temporal.client.WorkflowUpdateException e) {
      throw new IllegalArgumentException(rootMessage(e), e);
    }
  }

  @Override
  public Optional<Map<String, Object>> stats(String id) throws Exception {
    Optional<SupervisorStatus> s = supervisorStatus(id);
    if (s.isEmpty()) return Optional.empty();
    Map<String, Contracts.ReadProgress> progress = currentOffsets(s.get());
    Map<String, Object> out = new TreeMap<>();
    List<SupervisorStatus.TaskView> tasks = new ArrayList<>(s.get().activeTasks());
    tasks.addAll(s.get().publishingTasks());
    for (SupervisorStatus.TaskView t : tasks) {
      Contracts.ReadProgress p = progress.get(t.id());
      @SuppressWarnings("unchecked")
      Map<String, Object> group = (Map<String, Object>) out.computeIfAbsent(String.valueOf(t.group()),
          k -> new LinkedHashMap<String, Object>());
      group.put(t.id(), DruidJson.rowStats(p == null ? null : p.rowStats(), p == null ? null : p.movingAverages()));
    }
    return Optional.of(out);
  }

  @Override
  public Optional<Map<String, Object>> taskStatus(String taskId) throws Exception {
    Optional<TaskLookup> t = task(taskId);
    return t.map(l -> DruidJson.taskStatus(taskId, l.info(), l.report()));
  }

  @Override
  public Optional<Map<String, Object>> taskReports(String taskId) throws Exception {
    Optional<TaskLookup> t = task(taskId);
    if (t.isEmpty()) return Optional.empty();
    Contracts.ReadProgress live = heartbeat(t.get().pending(), "ReadAndPush", Contracts.ReadProgress.class);
    List<Contracts.ParseError> parseErrors = List.of();
    try {
      IndexingTaskWorkflow wf = client.newWorkflowStub(IndexingTaskWorkflow.class, taskId);
      parseErrors = wf.parseExceptions();
      if (live == null && t.get().report() == null) live = wf.readResult();
    } catch (RuntimeException e) {
      log.debug("task {}: no parse exceptions by query: {}", taskId, e.toString());
    }
    return Optional.of(DruidJson.taskReports(taskId, t.get().info(), t.get().report(), live, parseErrors));
  }

  /** A task workflow as the task endpoints see it: its description, pending activities, and result if ended. */
  private record TaskLookup(io.temporal.api.workflow.v1.WorkflowExecutionInfo info, List<PendingActivityInfo> pending,
                            Contracts.TaskReport report) {}

  private Optional<TaskLookup> task(String taskId) {
    DescribeWorkflowExecutionResponse d;
    try {
      d = describe(taskId);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) return Optional.empty();
      throw e;
    }
    if (!d.getWorkflowExecutionInfo().getType().getName().equals("IndexingTaskWorkflow")) return Optional.empty();
    Contracts.TaskReport report = null;
    if (d.getWorkflowExecutionInfo().getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
      report = client.newUntypedWorkflowStub(taskId).getResult(Contracts.TaskReport.class);
    }
    return Optional.of(new TaskLookup(d.getWorkflowExecutionInfo(), d.getPendingActivitiesList(), report));
  }

  private DescribeWorkflowExecutionResponse describe(String workflowId) {
    return client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId).build())
            .build());
  }

  boolean isRunning(String workflowId) {
    return describeRunning(workflowId).isPresent();
  }

  /** The workflow's description if it is running; empty if it has ended or never existed. */
  private Optional<DescribeWorkflowExecutionResponse> describeRunning(String workflowId) {
    try {
      DescribeWorkflowExecutionResponse d = describe(workflowId);
      return d.getWorkflowExecutionInfo().getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
          ? Optional.of(d) : Optional.empty();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) return Optional.empty();
      throw e;
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null) c = c.getCause();
    return c.getMessage();
  }

  static String iso(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  /** Offsets keyed as Druid shows them: {@code "3"}, or {@code "topic:3"} for a topicPattern; in partition order. */
  static Map<String, Long> stringKeys(Map<StreamPartition, Long> m) {
    Map<String, Long> out = new LinkedHashMap<>();
    if (m != null) new TreeMap<>(m).forEach((k, v) -> out.put(k.toString(), v));
    return out;
  }
}
