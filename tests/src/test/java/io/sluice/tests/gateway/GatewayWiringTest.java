package io.sluice.tests.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.sluice.api.SluiceApiApplication;
import io.sluice.api.SluiceApiConfiguration;
import io.sluice.dev.DevStack;
import io.sluice.dev.MetricEvents;
import io.sluice.dev.SupervisorApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway application wired from a YAML file, in this JVM, against the real stack's Temporal and S3: its
 * health checks see both, and a spec it accepts is stored in the shared catalog and served back.
 */
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class GatewayWiringTest {
  @TempDir static Path tmp;
  static DevStack stack;
  static DropwizardTestSupport<SluiceApiConfiguration> app;

  @BeforeAll
  static void start() throws Exception {
    stack = DevStack.start(DevStack.home(), tmp.resolve("stack"), DevStack.Ports.free(), 1, System.out);
    app = new DropwizardTestSupport<>(SluiceApiApplication.class, ResourceHelpers.resourceFilePath("gateway-test.yml"),
        ConfigOverride.config("temporal.target", stack.temporalTarget()),
        ConfigOverride.config("s3.endpoint", stack.s3Endpoint()));
    app.before();
  }

  @AfterAll
  static void stop() {
    if (app != null) app.after();
    if (stack != null) stack.close();
  }

  @Test
  void healthChecksSeeTemporalAndS3AndSpecsReachTheSharedCatalog() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + app.getAdminPort() + "/healthcheck")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode(), health.body());
    JsonNode checks = SupervisorApi.JSON.readTree(health.body());
    assertTrue(checks.get("temporal").get("healthy").asBoolean(), health.body());
    assertTrue(checks.get("s3").get("healthy").asBoolean(), health.body());

    MetricEvents.createTopic(stack.kafkaBootstrap(), "wired", 1);
    ObjectNode spec = SupervisorApi.sampleSpec(stack.kafkaBootstrap(), "PT1M");
    ((ObjectNode) spec.get("dataSchema")).put("dataSource", "wired");
    ((ObjectNode) spec.get("ioConfig")).put("topic", "wired");
    SupervisorApi inJvm = new SupervisorApi("http://127.0.0.1:" + app.getLocalPort());
    assertEquals(200, inJvm.submit(spec.toString()).status());
    // the stack's own API process reads the same catalog and the same Temporal
    SupervisorApi.Answer listed = new SupervisorApi(stack.apiUrl()).list();
    assertEquals("[\"wired\"]", listed.body());
    JsonNode stored = inJvm.spec("wired").json();
    assertEquals("PT1M", stored.get("ioConfig").get("taskDuration").asText());
    assertEquals(200, inJvm.terminate("wired").status());
  }
}
