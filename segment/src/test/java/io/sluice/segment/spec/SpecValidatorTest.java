package io.sluice.segment.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {
  static List<String> fields(SpecValidator.Result r) {
    return r.errors().stream().map(SpecException::field).toList();
  }

  @Test
  void reportsEveryErrorNotOnlyTheFirst() throws Exception {
    ObjectNode spec = SpecParserTest.sample();
    ((ObjectNode) spec.get("dataSchema")).remove("dataSource");
    ((ObjectNode) spec.get("ioConfig")).remove("topic");
    ((ObjectNode) spec.get("ioConfig")).put("taskCount", 0).put("pollTimout", 5);
    ((ObjectNode) spec.get("ioConfig").get("consumerProperties")).remove("bootstrap.servers");
    ((ObjectNode) spec.get("dataSchema").get("metricsSpec").get(2)).remove("fieldName");
    ((ObjectNode) spec.get("tuningConfig")).put("offsetFetchPeriod", "PT1S");
    SpecValidator.Result r = SpecValidator.validate(spec.toString().getBytes(StandardCharsets.UTF_8));
    assertTrue(!r.valid());
    assertEquals(java.util.Set.of("dataSchema.dataSource", "ioConfig.topic", "ioConfig.taskCount",
        "ioConfig.pollTimout", "ioConfig.consumerProperties.bootstrap.servers",
        "dataSchema.metricsSpec[2].fieldName", "tuningConfig.offsetFetchPeriod"),
        new java.util.HashSet<>(fields(r)), fields(r).toString());
  }

  @Test
  void aValidSpecComesBackNormalized() throws Exception {
    SpecValidator.Result r = SpecValidator.validate(SpecParserTest.sample().toString().getBytes(StandardCharsets.UTF_8));
    assertTrue(r.valid(), r.errors().toString());
    assertNotNull(r.spec());
    assertEquals("PT30M", r.spec().ioConfig().completionTimeout());
  }

  @Test
  void notJsonIsOneError() {
    SpecValidator.Result r = SpecValidator.validate("{\"type\":".getBytes(StandardCharsets.UTF_8));
    assertEquals(1, r.errors().size());
    assertTrue(r.errors().get(0).getMessage().startsWith("not valid JSON"), r.errors().get(0).getMessage());
  }

  @Test
  void atMostTwentyErrors() throws Exception {
    ObjectNode spec = SpecParserTest.sample();
    for (int i = 0; i < 30; i++) ((ObjectNode) spec.get("ioConfig")).put("typo" + i, i);
    SpecValidator.Result r = SpecValidator.validate(spec.toString().getBytes(StandardCharsets.UTF_8));
    assertEquals(SpecValidator.MAX_ERRORS, r.errors().size());
  }
}
