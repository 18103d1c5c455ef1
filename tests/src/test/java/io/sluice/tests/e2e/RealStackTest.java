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

  /** API settings a test class's stack runs with, as {@code path=value} (see {@link DevStack#start}). */
  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
  @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
  @interface ApiSettings {
    String[] value();
  }

  @BeforeAll
  static void startStack(org.junit.jupiter.api.TestInfo info) throws Exception {
    java.util.Map<String, String> settings = new java.util.TreeMap<>();
    ApiSettings a = info.getTestClass().orElseThrow().getAnnotation(ApiSettings.class);
    if (a != null) {
      for (String s : a.value()) settings.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
    }
    stack = DevStack.start(DevStack.home(), tmp.resolve("stack"), DevStack.Ports.free(), 1, System.out, settings);
    api = new SupervisorApi(stack.apiUrl());
  }

  /**
   * Creates a topic of {@code partitions} partitions and produces {@code count} events with unique ids
   * ({@code idPrefix}-0, -1, …) round-robin over them; returns the ids, in the order produced.
   */
  static java.util.Set<String> createTopicWithIds(String topic, int partitions, String idPrefix, int count)
      throws Exception {
    io.sluice.dev.MetricEvents.createTopic(stack.kafkaBootstrap(), topic, partitions);
    return IdEvents.produce(stack.kafkaBootstrap(), topic, idPrefix, count);
  }

  /**
   * Kills every worker, starts one that halts (as {@code kill -9} would) the moment its first task has pushed its
   * segments, before Temporal hears of the push, submits {@code spec} and waits for the halt. Returns the segment
   * files pushed, which no commit references.
   */
  static java.util.Set<String> submitAndHaltAfterPush(String dataSource, ObjectNode spec) throws Exception {
    for (DevStack.Service s : stack.services()) {
      if (s.name().startsWith("worker-") && s.process().isAlive()) s.kill9();
    }
    DevStack.Service faulty = stack.startWorker(java.util.List.of("-Dsluice.fault.haltAfter=ReadAndPush"));
    org.junit.jupiter.api.Assertions.assertEquals(200, api.submit(spec.toString()).status());
    org.junit.jupiter.api.Assertions.assertTrue(faulty.process().waitFor(2, java.util.concurrent.TimeUnit.MINUTES),
        "the faulty worker halted after its first push");
    java.util.Set<String> pushed = Published.segmentFiles(stack, dataSource);
    org.junit.jupiter.api.Assertions.assertFalse(pushed.isEmpty(), "the task pushed its segments");
    return pushed;
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
