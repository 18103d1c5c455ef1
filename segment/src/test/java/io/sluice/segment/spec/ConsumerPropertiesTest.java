package io.sluice.segment.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerPropertiesTest {
  static ObjectNode props(ObjectNode spec) {
    return (ObjectNode) spec.get("ioConfig").get("consumerProperties");
  }

  @Test
  void providersAreKeptUnresolvedInTheSpecAndResolvedFromTheEnvironment() throws Exception {
    ObjectNode spec = SpecParserTest.sample();
    props(spec).putObject("ssl.key.password").put("type", "environment").put("variable", "KEY_PW");
    props(spec).putObject("ssl.truststore.password").put("type", "default").put("password", "literal");
    props(spec).putObject("druid.dynamic.config.provider").put("type", "environment")
        .putObject("variables").put("sasl.jaas.config", "JAAS");
    SupervisorSpec parsed = SpecParser.parse(spec.toString());
    Map<String, Object> kept = parsed.ioConfig().consumerProperties();
    assertEquals(Map.of("type", "environment", "variable", "KEY_PW"), kept.get("ssl.key.password"));
    assertTrue(!SpecParser.toJson(parsed).contains("secret-value"));

    Map<String, String> resolved = ConsumerProperties.resolve(kept, Map.of("KEY_PW", "secret-value", "JAAS", "j"));
    assertEquals("secret-value", resolved.get("ssl.key.password"));
    assertEquals("literal", resolved.get("ssl.truststore.password"));
    assertEquals("j", resolved.get("sasl.jaas.config"));
    assertEquals("localhost:9092", resolved.get("bootstrap.servers"));
    assertTrue(!resolved.containsKey("druid.dynamic.config.provider"));

    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ConsumerProperties.resolve(kept, Map.of("JAAS", "j")));
    assertTrue(missing.getMessage().contains("KEY_PW") && missing.getMessage().contains("ssl.key.password"));
  }

  @Test
  void badProvidersNameTheField() throws Exception {
    ObjectNode spec = SpecParserTest.sample();
    props(spec).putObject("ssl.key.password").put("type", "vault").put("path", "x");
    assertEquals("ioConfig.consumerProperties.ssl.key.password.type",
        assertThrows(SpecException.class, () -> SpecParser.parse(spec.toString())).field());

    ObjectNode noVariable = SpecParserTest.sample();
    props(noVariable).putObject("ssl.key.password").put("type", "environment");
    assertEquals("ioConfig.consumerProperties.ssl.key.password.variable",
        assertThrows(SpecException.class, () -> SpecParser.parse(noVariable.toString())).field());

    ObjectNode dynamic = SpecParserTest.sample();
    props(dynamic).putObject("druid.dynamic.config.provider").put("type", "mapString");
    assertEquals("ioConfig.consumerProperties.druid.dynamic.config.provider.type",
        assertThrows(SpecException.class, () -> SpecParser.parse(dynamic.toString())).field());
  }

  @Test
  void bootstrapServersMayComeFromTheDynamicProvider() throws Exception {
    ObjectNode spec = SpecParserTest.sample();
    props(spec).remove("bootstrap.servers");
    props(spec).putObject("druid.dynamic.config.provider").put("type", "environment")
        .putObject("variables").put("bootstrap.servers", "KAFKA_BOOTSTRAP");
    SupervisorSpec parsed = SpecParser.parse(spec.toString());
    assertEquals("k:1", ConsumerProperties.resolve(parsed.ioConfig().consumerProperties(),
        Map.of("KAFKA_BOOTSTRAP", "k:1")).get("bootstrap.servers"));
  }
}
