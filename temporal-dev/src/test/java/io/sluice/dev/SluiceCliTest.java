package io.sluice.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SluiceCliTest {
  @TempDir Path tmp;

  int validate(String json, ByteArrayOutputStream out, ByteArrayOutputStream err) throws IOException {
    Path f = tmp.resolve("spec.json");
    Files.writeString(f, json);
    return Sluice.validate(f, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void validatePrintsTheNormalizedSpecOrEveryError() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ObjectNode spec = SupervisorApi.sampleSpec(null, "PT10M");
    assertEquals(0, validate(spec.toString(), out, err), err.toString());
    assertTrue(out.toString().contains("\"completionTimeout\" : \"PT30M\""), out.toString());

    out.reset();
    ((ObjectNode) spec.get("ioConfig")).remove("topic");
    ((ObjectNode) spec.get("ioConfig")).put("replicaz", 2);
    assertEquals(1, validate(spec.toString(), out, err));
    String errors = err.toString();
    assertTrue(errors.contains("ioConfig.topic: is required"), errors);
    assertTrue(errors.contains("ioConfig.replicaz: unknown field"), errors);
    assertTrue(errors.contains("2 errors"), errors);
  }

  @Test
  void aTakenPortIsReportedByNumber() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      IOException e = assertThrows(IOException.class,
          () -> DevStack.checkPortFree(taken.getLocalPort(), "Kafka"));
      assertTrue(e.getMessage().contains("port " + taken.getLocalPort() + " (Kafka) is already in use"),
          e.getMessage());
    }
  }
}
