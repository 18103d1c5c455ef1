package io.sluice.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small client of Sluice's Druid-compatible supervisor API, used by the demo and the end-to-end tests. */
public final class SupervisorApi {
  public static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public SupervisorApi(String apiUrl) {
    this.base = apiUrl + "/druid/indexer/v1/supervisor";
  }

  /** An HTTP answer: status code and body. */
  public record Answer(int status, String body) {
    public JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  /**
   * The sample spec from Druid's Kafka ingestion page, exactly as printed there, with {@code useEarliestOffset}
   * and {@code taskDuration} added and, when the broker is not on localhost:9092, its {@code bootstrap.servers}.
   */
  public static ObjectNode sampleSpec(String bootstrapServers, String taskDuration) throws IOException {
    try (InputStream in = SupervisorApi.class.getResourceAsStream("sample-supervisor-spec.json")) {
      ObjectNode spec = (ObjectNode) JSON.readTree(in);
      ObjectNode io = (ObjectNode) spec.get("ioConfig");
      io.put("useEarliestOffset", true);
      io.put("taskDuration", taskDuration);
      if (bootstrapServers != null) {
        ((ObjectNode) io.get("consumerProperties")).put("bootstrap.servers", bootstrapServers);
      }
      return spec;
    }
  }

  public Answer submit(String specJson) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(specJson)));
  }

  public Answer list() throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base)).GET());
  }

  public Answer status(String id) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + "/" + id + "/status")).GET());
  }

  public Answer spec(String id) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + "/" + id)).GET());
  }

  /** {@code POST /supervisor/{id}/{action}}: suspend, resume, terminate, … */
  public Answer post(String id, String action) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + "/" + id + "/" + action))
        .POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** {@code POST /supervisor/{id}/{action}} with a JSON body: resetOffsets, taskGroups/handoff. */
  public Answer post(String id, String action, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + "/" + id + "/" + action))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** {@code GET /supervisor/{id}/health}: 200 when healthy, 503 when not. */
  public Answer health(String id) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + "/" + id + "/health")).GET());
  }

  /** {@code GET /supervisor/{id}/stats}: row stats of the running tasks, by task group. */
  public Answer stats(String id) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + "/" + id + "/stats")).GET());
  }

  /** {@code GET /task/{taskId}/{what}}: status or reports. */
  public Answer task(String taskId, String what) throws IOException, InterruptedException {
    String taskBase = base.substring(0, base.length() - "supervisor".length()) + "task";
    return send(HttpRequest.newBuilder(URI.create(taskBase + "/" + taskId + "/" + what)).GET());
  }

  public Answer terminate(String id) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + "/" + id + "/terminate"))
        .POST(HttpRequest.BodyPublishers.noBody()));
  }

  private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body());
  }

  /** Sum of a JSON object's numeric values, e.g. committed offsets per partition. */
  public static long sum(JsonNode offsets) {
    long s = 0;
    if (offsets != null) for (JsonNode v : offsets) s += v.asLong();
    return s;
  }
}
