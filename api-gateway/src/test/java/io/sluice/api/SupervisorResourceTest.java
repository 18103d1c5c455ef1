package io.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.sluice.segment.spec.SupervisorSpec;
import io.sluice.workflows.Contracts;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The HTTP contract of the supervisor API, with a fake service behind it. */
@ExtendWith(DropwizardExtensionsSupport.class)
class SupervisorResourceTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static final class FakeService implements SupervisorService {
    final Map<String, SupervisorSpec> specs = new LinkedHashMap<>();
    final List<String> terminated = new ArrayList<>();

    @Override
    public void submit(SupervisorSpec spec) {
      submits++;
      specs.put(spec.id(), spec);
      history.computeIfAbsent(spec.id(), k -> new ArrayList<>()).add(spec);
    }

    @Override
    public List<String> list() {
      return new ArrayList<>(specs.keySet());
    }

    @Override
    public Optional<SupervisorSpec> spec(String id) {
      return Optional.ofNullable(specs.get(id));
    }

    final Map<String, List<SupervisorSpec>> history = new LinkedHashMap<>();
    boolean healthy = true;

    @Override
    public Optional<Map<String, Object>> status(String id) {
      return specs.containsKey(id) ? Optional.of(Map.of("id", id, "payload", Map.of("state", "RUNNING",
          "healthy", healthy))) : Optional.empty();
    }

    @Override
    public Optional<Map<String, Object>> stateSummary(String id) {
      return specs.containsKey(id) ? Optional.of(Map.of("state", "RUNNING", "detailedState", "RUNNING",
          "healthy", healthy, "suspended", specs.get(id).suspended())) : Optional.empty();
    }

    int submits;

    @Override
    public Optional<Boolean> healthy(String id) {
      return specs.containsKey(id) ? Optional.of(healthy) : Optional.empty();
    }

    @Override
    public Optional<SupervisorSpec> setSuspended(String id, boolean suspended) {
      SupervisorSpec s = specs.get(id);
      if (s == null) return Optional.empty();
      if (s.suspended() == suspended) throw new IllegalStateException("[" + id + "] is already "
          + (suspended ? "suspended" : "running"));
      submit(s.withSuspended(suspended));
      return Optional.of(specs.get(id));
    }

    @Override
    public List<Map<String, Object>> history(String id) {
      List<Map<String, Object>> out = new ArrayList<>();
      List<SupervisorSpec> versions = history.getOrDefault(id, List.of());
      for (int i = versions.size() - 1; i >= 0; i--) out.add(Map.of("spec", versions.get(i), "version", "v" + i));
      return out;
    }

    @Override
    public List<String> allIds() {
      return new ArrayList<>(history.keySet());
    }

    @Override
    public boolean terminate(String id) {
      if (specs.remove(id) == null) return false;
      terminated.add(id);
      return true;
    }

    final List<Object> operations = new ArrayList<>();

    @Override
    public Optional<String> reset(String id, Contracts.ResetRequest request) {
      if (!specs.containsKey(id)) return Optional.empty();
      if (request.stream() != null && !request.stream().equals(specs.get(id).ioConfig().topic())) {
        throw new IllegalArgumentException("stream '" + request.stream() + "' is not this supervisor's topic");
      }
      operations.add(request);
      return Optional.of(id);
    }

    @Override
    public Optional<String> handoff(String id, List<Integer> taskGroupIds) {
      if (!specs.containsKey(id)) return Optional.empty();
      if (taskGroupIds.contains(9)) throw new IllegalArgumentException("task group 9 does not exist");
      operations.add(taskGroupIds);
      return Optional.of(id);
    }

    @Override
    public Optional<Map<String, Object>> stats(String id) {
      return specs.containsKey(id) ? Optional.of(Map.of("0", Map.of("task_a", DruidJson.rowStats(
          new Contracts.RowStats(10, 2000, 1, 2, 3), Map.of("1m", Map.of("processed", 0.5)))))) : Optional.empty();
    }

    @Override
    public Optional<Map<String, Object>> taskStatus(String taskId) {
      return taskId.equals("task_a") ? Optional.of(Map.of("task", taskId, "status", Map.of("statusCode", "SUCCESS")))
          : Optional.empty();
    }

    @Override
    public Optional<Map<String, Object>> taskReports(String taskId) {
      return taskId.equals("task_a") ? Optional.of(Map.of("ingestionStatsAndErrors", Map.of("taskId", taskId)))
          : Optional.empty();
    }
  }

  static final FakeService service = new FakeService();
  static final ResourceExtension resources = ResourceExtension.builder()
      .addResource(new SupervisorResource(service))
      .addResource(new TaskResource(service))
      .addProvider(new ErrorMappers.Spec())
      .addProvider(new ErrorMappers.WebApp())
      .addProvider(new ErrorMappers.Any())
      .build();

  @BeforeEach
  void reset() {
    service.specs.clear();
    service.terminated.clear();
    service.history.clear();
    service.healthy = true;
    service.operations.clear();
  }

  Response postJson(String path, String body) {
    return resources.target("/druid/indexer/v1/supervisor" + path).request()
        .post(Entity.entity(body, MediaType.APPLICATION_JSON));
  }

  @Test
  void resetResetOffsetsAndHandoff() throws Exception {
    post(sample().toString());
    String topic = service.specs.get("metrics-kafka").ioConfig().topic();
    Response reset = postTo("/metrics-kafka/reset");
    assertEquals(200, reset.getStatus());
    assertEquals("metrics-kafka", JSON.readTree(reset.readEntity(String.class)).get("id").asText());
    assertEquals(new Contracts.ResetRequest(null, null), service.operations.get(0));
    assertEquals(404, postTo("/nope/reset").getStatus());

    String body = "{\"type\":\"kafka\",\"partitions\":{\"type\":\"end\",\"stream\":\"" + topic
        + "\",\"partitionOffsetMap\":{\"0\":100,\"2\":7}}}";
    assertEquals(200, postJson("/metrics-kafka/resetOffsets", body).getStatus());
    assertEquals(new Contracts.ResetRequest(topic, Map.of(io.sluice.workflows.StreamPartition.of(0), 100L,
        io.sluice.workflows.StreamPartition.of(2), 7L)), service.operations.get(1));
    // a topicPattern supervisor's partitions: Druid's "topic:partition" keys (the supervisor checks them)
    String multi = "{\"type\":\"kafka\",\"partitions\":{\"type\":\"end\","
        + "\"partitionOffsetMap\":{\"m-a:0\":100,\"m-b.x_1:2\":7}}}";
    assertEquals(200, postJson("/metrics-kafka/resetOffsets", multi).getStatus());
    assertEquals(new Contracts.ResetRequest(null, Map.of(io.sluice.workflows.StreamPartition.of("m-a", 0), 100L,
        io.sluice.workflows.StreamPartition.of("m-b.x_1", 2), 7L)), service.operations.get(2));
    Response wrongStream = postJson("/metrics-kafka/resetOffsets", body.replace(topic, "other"));
    assertEquals(400, wrongStream.getStatus());
    assertTrue(wrongStream.readEntity(String.class).contains("'other'"));
    Response badMap = postJson("/metrics-kafka/resetOffsets",
        "{\"type\":\"kafka\",\"partitions\":{\"type\":\"end\",\"partitionOffsetMap\":{\"x\":1}}}");
    assertEquals(400, badMap.getStatus());
    assertTrue(badMap.readEntity(String.class).contains("partitionOffsetMap.x"));
    assertEquals(400, postJson("/metrics-kafka/resetOffsets",
        "{\"type\":\"kafka\",\"partitions\":{\"type\":\"end\",\"partitionOffsetMap\":{\"a:b:1\":1}}}").getStatus());
    assertEquals(400, postJson("/metrics-kafka/resetOffsets", "{\"type\":\"kinesis\",\"partitions\":{}}")
        .getStatus());
    assertEquals(400, postJson("/metrics-kafka/resetOffsets", "{oops").getStatus());
    assertEquals(400, postJson("/metrics-kafka/resetOffsets", "{}").getStatus());

    assertEquals(200, postJson("/metrics-kafka/taskGroups/handoff", "{\"taskGroupIds\":[0,1]}").getStatus());
    assertEquals(List.of(0, 1), service.operations.get(3));
    Response unknownGroup = postJson("/metrics-kafka/taskGroups/handoff", "{\"taskGroupIds\":[9]}");
    assertEquals(400, unknownGroup.getStatus());
    assertTrue(unknownGroup.readEntity(String.class).contains("task group 9"));
    assertEquals(400, postJson("/metrics-kafka/taskGroups/handoff", "{\"taskGroupIds\":[]}").getStatus());
    assertEquals(404, postJson("/nope/taskGroups/handoff", "{\"taskGroupIds\":[0]}").getStatus());
    assertEquals(4, service.operations.size(), "refused requests reached nothing");
  }

  @Test
  void listFullStateAndSkipRestartIfUnmodified() throws Exception {
    post(sample().toString());
    JsonNode full = JSON.readTree(resources.target("/druid/indexer/v1/supervisor").queryParam("full", "")
        .request().get(String.class));
    assertEquals("metrics-kafka", full.get(0).get("id").asText());
    assertEquals("PT30M", full.get(0).get("spec").get("ioConfig").get("completionTimeout").asText());
    JsonNode state = JSON.readTree(resources.target("/druid/indexer/v1/supervisor").queryParam("state", "true")
        .request().get(String.class));
    assertEquals("RUNNING", state.get(0).get("state").asText());
    assertEquals(false, state.get(0).get("suspended").asBoolean());
    assertTrue(!state.get(0).has("spec"));

    int before = service.submits;
    Response same = resources.target("/druid/indexer/v1/supervisor").queryParam("skipRestartIfUnmodified", "true")
        .request().post(Entity.entity(sample().toString(), MediaType.APPLICATION_JSON));
    assertEquals(200, same.getStatus());
    assertEquals(before, service.submits, "an unchanged spec is not resubmitted");
    ObjectNode changed = sample();
    ((ObjectNode) changed.get("ioConfig")).put("taskCount", 2);
    resources.target("/druid/indexer/v1/supervisor").queryParam("skipRestartIfUnmodified", "true").request()
        .post(Entity.entity(changed.toString(), MediaType.APPLICATION_JSON));
    assertEquals(before + 1, service.submits);
    post(sample().toString());
    assertEquals(before + 2, service.submits, "without the flag, every POST updates");
  }

  @Test
  void statsAndTaskEndpoints() throws Exception {
    post(sample().toString());
    JsonNode stats = JSON.readTree(resources.target("/druid/indexer/v1/supervisor/metrics-kafka/stats").request()
        .get(String.class));
    JsonNode task = stats.get("0").get("task_a");
    assertEquals(10, task.get("totals").get("buildSegments").get("processed").asLong());
    assertEquals(3, task.get("totals").get("buildSegments").get("unparseable").asLong());
    assertEquals(0.5, task.get("movingAverages").get("buildSegments").get("1m").get("processed").asDouble());
    assertEquals(404, resources.target("/druid/indexer/v1/supervisor/nope/stats").request().get().getStatus());

    assertEquals("SUCCESS", JSON.readTree(resources.target("/druid/indexer/v1/task/task_a/status").request()
        .get(String.class)).get("status").get("statusCode").asText());
    assertEquals("task_a", JSON.readTree(resources.target("/druid/indexer/v1/task/task_a/reports").request()
        .get(String.class)).get("ingestionStatsAndErrors").get("taskId").asText());
    Response missing = resources.target("/druid/indexer/v1/task/task_b/status").request().get();
    assertEquals(404, missing.getStatus());
    assertTrue(missing.readEntity(String.class).contains("task_b"));
    assertEquals(404, resources.target("/druid/indexer/v1/task/task_b/reports").request().get().getStatus());
    assertEquals(400, resources.target("/druid/indexer/v1/task/..%2Fsecret/status").request().get().getStatus());
  }

  Response postTo(String path) {
    return resources.target("/druid/indexer/v1/supervisor" + path).request().post(Entity.json(""));
  }

  @Test
  void suspendResumeHealthAndHistory() throws Exception {
    post(sample().toString());
    Response suspended = postTo("/metrics-kafka/suspend");
    assertEquals(200, suspended.getStatus());
    assertTrue(JSON.readTree(suspended.readEntity(String.class)).get("suspended").asBoolean());
    Response again = postTo("/metrics-kafka/suspend");
    assertEquals(400, again.getStatus());
    assertTrue(again.readEntity(String.class).contains("already suspended"));
    assertEquals(200, postTo("/metrics-kafka/resume").getStatus());
    assertEquals(400, postTo("/metrics-kafka/resume").getStatus());
    assertEquals(404, postTo("/nope/suspend").getStatus());

    assertEquals(200, postTo("/suspendAll").getStatus());
    assertTrue(service.specs.get("metrics-kafka").suspended());
    assertEquals(200, postTo("/suspendAll").getStatus(), "idempotent");
    assertEquals(200, postTo("/resumeAll").getStatus());
    assertTrue(!service.specs.get("metrics-kafka").suspended());

    assertEquals(200, resources.target("/druid/indexer/v1/supervisor/metrics-kafka/health").request().get()
        .getStatus());
    service.healthy = false;
    assertEquals(503, resources.target("/druid/indexer/v1/supervisor/metrics-kafka/health").request().get()
        .getStatus());
    assertEquals(404, resources.target("/druid/indexer/v1/supervisor/nope/health").request().get().getStatus());

    JsonNode history = JSON.readTree(resources.target("/druid/indexer/v1/supervisor/metrics-kafka/history")
        .request().get(String.class));
    assertEquals(5, history.size(), history.toString());
    assertEquals(false, history.get(0).get("spec").get("suspended").asBoolean(), "newest first");
    JsonNode all = JSON.readTree(resources.target("/druid/indexer/v1/supervisor/history").request()
        .get(String.class));
    assertEquals(5, all.get("metrics-kafka").size());
    assertEquals(200, postTo("/terminateAll").getStatus());
    assertEquals(List.of("metrics-kafka"), service.terminated);
  }

  static ObjectNode sample() throws Exception {
    try (InputStream in = SupervisorResourceTest.class.getResourceAsStream("/sample-supervisor-spec.json")) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

  Response post(String body) {
    return resources.target("/druid/indexer/v1/supervisor").request()
        .post(Entity.entity(body, MediaType.APPLICATION_JSON));
  }

  @Test
  void createListStatusTerminate() throws Exception {
    Response created = post(sample().toString());
    assertEquals(200, created.getStatus());
    assertEquals("metrics-kafka", JSON.readTree(created.readEntity(String.class)).get("id").asText());
    assertEquals("[\"metrics-kafka\"]",
        resources.target("/druid/indexer/v1/supervisor").request().get(String.class));
    JsonNode status = JSON.readTree(resources.target("/druid/indexer/v1/supervisor/metrics-kafka/status")
        .request().get(String.class));
    assertEquals("RUNNING", status.get("payload").get("state").asText());
    JsonNode spec = JSON.readTree(resources.target("/druid/indexer/v1/supervisor/metrics-kafka").request()
        .get(String.class));
    assertEquals("PT30M", spec.get("ioConfig").get("completionTimeout").asText(), "defaults are filled in");
    Response t = resources.target("/druid/indexer/v1/supervisor/metrics-kafka/terminate").request()
        .post(Entity.json(""));
    assertEquals(200, t.getStatus());
    assertEquals(List.of("metrics-kafka"), service.terminated);
  }

  @Test
  void badSpecsAre400WithTheField() throws Exception {
    Response notJson = post("{oops");
    assertEquals(400, notJson.getStatus());
    assertTrue(JSON.readTree(notJson.readEntity(String.class)).get("error").asText().contains("not valid JSON"));

    ObjectNode spec = sample();
    ((ObjectNode) spec.get("ioConfig").get("consumerProperties")).remove("bootstrap.servers");
    Response r = post(spec.toString());
    assertEquals(400, r.getStatus());
    JsonNode body = JSON.readTree(r.readEntity(String.class));
    assertEquals("ioConfig.consumerProperties.bootstrap.servers", body.get("field").asText());
    assertTrue(body.get("error").asText().contains("bootstrap.servers"));

    ObjectNode several = sample();
    ((ObjectNode) several.get("ioConfig")).remove("topic");
    ((ObjectNode) several.get("ioConfig")).put("taskCount", -1);
    JsonNode all = JSON.readTree(post(several.toString()).readEntity(String.class));
    assertEquals(2, all.get("errors").size(), all.toString());
    assertEquals("ioConfig.topic", all.get("errors").get(0).get("field").asText());
    assertEquals("ioConfig.taskCount", all.get("errors").get(1).get("field").asText());

    Response huge = post("{\"x\":\"" + "a".repeat(2 << 20) + "\"}");
    assertEquals(400, huge.getStatus());
    assertTrue(service.specs.isEmpty());
  }

  @Test
  void unknownIdsAre404AndUnsafeIds400() throws Exception {
    Response missing = resources.target("/druid/indexer/v1/supervisor/nope/status").request().get();
    assertEquals(404, missing.getStatus());
    assertTrue(JSON.readTree(missing.readEntity(String.class)).get("error").asText().contains("nope"));
    assertEquals(404, resources.target("/druid/indexer/v1/supervisor/nope/terminate").request()
        .post(Entity.json("")).getStatus());
    assertEquals(400, resources.target("/druid/indexer/v1/supervisor/.hidden").request().get().getStatus());
  }

  @Test
  void secretsAreRedacted() {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("bootstrap.servers", "k:9092");
    props.put("ssl.keystore.password", "hunter2");
    props.put("sasl.jaas.config", "org.apache... password=\"x\";");
    Map<String, Object> redacted = SupervisorResource.redact(Map.of("ioConfig", Map.of("consumerProperties", props)));
    @SuppressWarnings("unchecked")
    Map<String, Object> out = (Map<String, Object>) ((Map<String, Object>) redacted.get("ioConfig"))
        .get("consumerProperties");
    assertEquals("k:9092", out.get("bootstrap.servers"));
    assertEquals("[REDACTED]", out.get("ssl.keystore.password"));
    assertEquals("[REDACTED]", out.get("sasl.jaas.config"));
  }
}
