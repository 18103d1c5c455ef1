package io.sluice.api;

import io.sluice.workflows.StreamPartition;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.segment.spec.DataSchema;
import io.sluice.segment.spec.SpecException;
import io.sluice.segment.spec.SpecParser;
import io.sluice.segment.spec.SpecValidator;
import io.sluice.segment.spec.SupervisorSpec;
import io.sluice.workflows.Contracts;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Druid's supervisor API, {@code /druid/indexer/v1/supervisor}. Thin: parsing and the service do the work. */
@Path("/druid/indexer/v1/supervisor")
@Produces(MediaType.APPLICATION_JSON)
public class SupervisorResource {
  private final SupervisorService service;

  public SupervisorResource(SupervisorService service) {
    this.service = service;
  }

  /**
   * Creates a supervisor, or updates one: its tasks hand off and the new spec continues from where they ended.
   * With {@code skipRestartIfUnmodified=true} an unchanged spec changes nothing, as in Druid.
   */
  @POST
  @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD})
  public Response submit(InputStream body, @QueryParam("skipRestartIfUnmodified") boolean skipIfUnmodified)
      throws Exception {
    byte[] bytes = readBounded(body, SpecParser.MAX_SPEC_BYTES);
    SpecValidator.Result result = SpecValidator.validate(bytes);
    if (!result.valid()) return ErrorMappers.badSpec(result.errors());
    SupervisorSpec spec = result.spec();
    if (skipIfUnmodified && service.spec(spec.id()).map(spec::equals).orElse(false)) {
      return Response.ok(Map.of("id", spec.id())).build();
    }
    service.submit(spec);
    return Response.ok(Map.of("id", spec.id())).build();
  }

  /**
   * Ids of running supervisors; with {@code ?full} each as {@code {"id", "spec"}}, with {@code ?state=true} each
   * as {@code {"id", "state", "detailedState", "healthy", "suspended"}} (both together combine), as in Druid.
   */
  @GET
  public Response list(@QueryParam("full") String full, @QueryParam("state") String state) throws Exception {
    boolean withSpec = full != null && !full.equalsIgnoreCase("false");
    boolean withState = "true".equalsIgnoreCase(state);
    if (!withSpec && !withState) return Response.ok(service.list()).build();
    List<Map<String, Object>> out = new ArrayList<>();
    for (String id : service.list()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("id", id);
      if (withSpec) service.spec(id).ifPresent(s -> entry.put("spec", specJson(s)));
      if (withState) service.stateSummary(id).ifPresent(entry::putAll);
      out.add(entry);
    }
    return Response.ok(out).build();
  }

  @GET
  @Path("/{id}")
  public Response spec(@PathParam("id") String id) throws Exception {
    checkId(id);
    Optional<SupervisorSpec> spec = service.spec(id);
    if (spec.isEmpty()) return notFound(id);
    return Response.ok(specJson(spec.get())).build();
  }

  @GET
  @Path("/{id}/status")
  public Response status(@PathParam("id") String id) throws Exception {
    checkId(id);
    Optional<Map<String, Object>> status = service.status(id);
    return status.isPresent() ? Response.ok(status.get()).build() : notFound(id);
  }

  @POST
  @Path("/{id}/terminate")
  public Response terminate(@PathParam("id") String id) throws Exception {
    checkId(id);
    return service.terminate(id) ? Response.ok(Map.of("id", id)).build() : notFound(id);
  }

  @POST
  @Path("/{id}/suspend")
  public Response suspend(@PathParam("id") String id) throws Exception {
    return setSuspended(id, true);
  }

  @POST
  @Path("/{id}/resume")
  public Response resume(@PathParam("id") String id) throws Exception {
    return setSuspended(id, false);
  }

  private Response setSuspended(String id, boolean suspended) throws Exception {
    checkId(id);
    try {
      Optional<SupervisorSpec> spec = service.setSuspended(id, suspended);
      return spec.isPresent() ? Response.ok(specJson(spec.get())).build() : notFound(id);
    } catch (IllegalStateException e) {
      return Response.status(400).entity(Map.of("error", e.getMessage())).build();
    }
  }

  @POST
  @Path("/suspendAll")
  public Response suspendAll() throws Exception {
    return forAll(id -> service.setSuspended(id, true));
  }

  @POST
  @Path("/resumeAll")
  public Response resumeAll() throws Exception {
    return forAll(id -> service.setSuspended(id, false));
  }

  @POST
  @Path("/terminateAll")
  public Response terminateAll() throws Exception {
    return forAll(service::terminate);
  }

  private interface IdAction {
    void apply(String id) throws Exception;
  }

  private Response forAll(IdAction action) throws Exception {
    for (String id : service.list()) {
      try {
        action.apply(id);
      } catch (IllegalStateException alreadyThere) {
        // suspendAll on a suspended supervisor, resumeAll on a running one: nothing to do
      }
    }
    return Response.ok(Map.of("status", "success")).build();
  }

  @POST
  @Path("/{id}/reset")
  public Response reset(@PathParam("id") String id) throws Exception {
    checkId(id);
    return idOr404(id, () -> service.reset(id, new Contracts.ResetRequest(null, null)));
  }

  /**
   * Body: {@code {"type":"kafka","partitions":{"type":"end","stream":"<topic>","partitionOffsetMap":{"0":100}}}},
   * as Druid's resetOffsets takes it.
   */
  @POST
  @Path("/{id}/resetOffsets")
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  public Response resetOffsets(@PathParam("id") String id, InputStream body) throws Exception {
    checkId(id);
    JsonNode root = jsonBody(body);
    String type = root.path("type").asText("kafka");
    if (!type.equals("kafka")) return badRequest("type: must be \"kafka\", not \"" + type + "\"");
    JsonNode partitions = root.path("partitions");
    if (!partitions.isObject()) return badRequest("partitions: required, an object with partitionOffsetMap");
    String offsetsType = partitions.path("type").asText("end");
    if (!offsetsType.equals("end")) {
      return badRequest("partitions.type: must be \"end\" (the offsets to start reading from), not \""
          + offsetsType + "\"");
    }
    JsonNode map = partitions.path("partitionOffsetMap");
    if (!map.isObject() || map.isEmpty()) {
      return badRequest("partitions.partitionOffsetMap: required, {\"<partition>\": <offset>, …}");
    }
    Map<StreamPartition, Long> offsets = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      // "3", or "topic:3" for a topicPattern supervisor (Druid's KafkaTopicPartition form)
      if (!e.getKey().matches("([A-Za-z0-9._-]{1,249}:)?\\d{1,9}") || !e.getValue().canConvertToLong()) {
        return badRequest("partitions.partitionOffsetMap." + e.getKey()
            + ": a partition number (or topic:partition with a topicPattern) mapped to an offset");
      }
      offsets.put(StreamPartition.fromString(e.getKey()), e.getValue().asLong());
    }
    String stream = partitions.hasNonNull("stream") ? partitions.get("stream").asText() : null;
    return idOr404(id, () -> service.reset(id, new Contracts.ResetRequest(stream, offsets)));
  }

  /**
   * Body: {@code {"taskGroupIds": [0, 1]}}. Answers 200 with {@code {"id"}} (Druid 30+ answers with an empty body,
   * earlier ones with the id and the groups).
   */
  @POST
  @Path("/{id}/taskGroups/handoff")
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  public Response handoff(@PathParam("id") String id, InputStream body) throws Exception {
    checkId(id);
    JsonNode ids = jsonBody(body).path("taskGroupIds");
    if (!ids.isArray() || ids.isEmpty()) return badRequest("taskGroupIds: required, a list of task group ids");
    List<Integer> groups = new ArrayList<>();
    for (JsonNode g : ids) {
      if (!g.canConvertToInt()) return badRequest("taskGroupIds: " + g + " is not a task group id");
      groups.add(g.asInt());
    }
    return idOr404(id, () -> service.handoff(id, groups));
  }

  @GET
  @Path("/{id}/stats")
  public Response stats(@PathParam("id") String id) throws Exception {
    checkId(id);
    Optional<Map<String, Object>> stats = service.stats(id);
    return stats.isPresent() ? Response.ok(stats.get()).build() : notFound(id);
  }

  private interface IdCall {
    Optional<String> call() throws Exception;
  }

  private static Response idOr404(String id, IdCall call) throws Exception {
    try {
      return call.call().isPresent() ? Response.ok(Map.of("id", id)).build() : notFound(id);
    } catch (IllegalArgumentException | IllegalStateException e) {
      return badRequest(e.getMessage());
    }
  }

  static Response badRequest(String message) {
    return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", message)).build();
  }

  private static JsonNode jsonBody(InputStream body) throws IOException {
    byte[] bytes = readBounded(body, 64 * 1024);
    try {
      return bytes.length == 0 ? SpecParser.mapper().createObjectNode() : SpecParser.mapper().readTree(bytes);
    } catch (IOException e) {
      throw new jakarta.ws.rs.BadRequestException("request body is not valid JSON: " + e.getMessage());
    }
  }

  /** 200 when healthy, 503 when not, 404 when unknown: Druid's health check. */
  @GET
  @Path("/{id}/health")
  public Response health(@PathParam("id") String id) throws Exception {
    checkId(id);
    Optional<Boolean> healthy = service.healthy(id);
    if (healthy.isEmpty()) return notFound(id);
    return Response.status(healthy.get() ? 200 : 503).entity(Map.of("healthy", healthy.get())).build();
  }

  @GET
  @Path("/{id}/history")
  public Response history(@PathParam("id") String id) throws Exception {
    checkId(id);
    List<Map<String, Object>> history = service.history(id);
    return history.isEmpty() ? notFound(id) : Response.ok(redactHistory(history)).build();
  }

  @GET
  @Path("/history")
  public Response allHistory() throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String id : service.allIds()) out.put(id, redactHistory(service.history(id)));
    return Response.ok(out).build();
  }

  private static List<Map<String, Object>> redactHistory(List<Map<String, Object>> history) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> entry : history) {
      Map<String, Object> copy = new LinkedHashMap<>(entry);
      if (copy.get("spec") instanceof SupervisorSpec s) copy.put("spec", specJson(s));
      out.add(copy);
    }
    return out;
  }

  static Map<String, Object> specJson(SupervisorSpec spec) {
    return redact(SpecParser.mapper().convertValue(spec, new TypeReference<>() {}));
  }

  static Response notFound(String id) {
    return Response.status(Response.Status.NOT_FOUND)
        .entity(Map.of("error", "Cannot find any supervisor with id: [" + id + "]")).build();
  }

  /** An id from a URL is held to the same rules as a dataSource, so it can never escape a storage prefix. */
  static void checkId(String id) {
    try {
      DataSchema.validateDataSource(id, "id");
    } catch (SpecException e) {
      throw new SpecException("id", "invalid supervisor id: " + e.getMessage());
    }
  }

  static byte[] readBounded(InputStream in, int max) throws IOException {
    byte[] bytes = in.readNBytes(max + 1);
    if (bytes.length > max) {
      throw new SpecException("", "request body is larger than " + max + " bytes; refused before parsing");
    }
    return bytes;
  }

  /** Literal values of keys that look like secrets are shown as [REDACTED]. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> redact(Map<String, Object> json) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : json.entrySet()) {
      Object v = e.getValue();
      String k = e.getKey().toLowerCase(Locale.ROOT);
      if (v instanceof Map<?, ?> m) {
        out.put(e.getKey(), redact((Map<String, Object>) m));
      } else if (v instanceof String && (k.contains("password") || k.contains("secret")
          || k.equals("sasl.jaas.config"))) {
        out.put(e.getKey(), "[REDACTED]");
      } else {
        out.put(e.getKey(), v);
      }
    }
    return out;
  }
}
