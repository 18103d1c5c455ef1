package io.sluice.tests.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.dev.DevStack;
import io.sluice.dev.SupervisorApi;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class with its own real stack (Kafka broker, Temporal test server, S3Proxy, the API and one worker, each a
 * process on free loopback ports), started once for the class and stopped after it.
 */
abstract class RealStackTest {
  @TempDir static Path tmp;
  static DevStack stack;
  static SupervisorApi api;

  @BeforeAll
  static void startStack() throws Exception {
    stack = DevStack.start(DevStack.home(), tmp.resolve("stack"), DevStack.Ports.free(), 1, System.out);
    api = new SupervisorApi(stack.apiUrl());
  }

  /** Druid's sample spec, pointed at this stack's broker, with its own dataSource and topic. */
  static ObjectNode sampleSpec(String dataSource, String topic, String taskDuration) throws java.io.IOException {
    ObjectNode spec = SupervisorApi.sampleSpec(stack.kafkaBootstrap(), taskDuration);
    ((ObjectNode) spec.get("dataSchema")).put("dataSource", dataSource);
    ((ObjectNode) spec.get("ioConfig")).put("topic", topic);
    return spec;
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) stack.close();
    stack = null;
  }
}
