package io.sluice.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DevStackPortsTest {

  @Test
  void freePortsAreDistinctBelowTheEphemeralRangeAndNotListenedOn() throws Exception {
    DevStack.Ports p = DevStack.Ports.free();
    List<Integer> ports = List.of(p.kafka(), p.kafkaController(), p.temporal(), p.s3(), p.api(), p.apiAdmin());
    assertEquals(6, new HashSet<>(ports).size(), ports.toString());
    for (int port : ports) {
      assertTrue(port >= DevStack.FREE_PORTS_FROM && port < DevStack.FREE_PORTS_TO, ports.toString());
    }
    // a port something listens on is never handed out
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p.kafka()));
      Set<Integer> taken = new HashSet<>();
      for (int i = 0; i < 200; i++) {
        assertTrue(DevStack.freePort(taken) != p.kafka());
      }
      assertEquals(200, taken.size());
    }
  }
}
