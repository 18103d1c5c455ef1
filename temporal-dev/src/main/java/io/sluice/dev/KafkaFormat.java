package io.sluice.dev;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.DynamicVoters;

/**
 * Formats a KRaft log directory as {@code kafka-storage.sh format --standalone} does, through Kafka's Formatter API:
 * Kafka's StorageTool cannot run here because Dropwizard pins a newer argparse4j for the whole build.
 * Arguments: logDir clusterId controllerPort.
 */
public final class KafkaFormat {
  private KafkaFormat() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: KafkaFormat <logDir> <clusterId> <controllerPort>");
      System.exit(2);
    }
    String logDir = args[0];
    new Formatter()
        .setPrintStream(System.out)
        .setNodeId(1)
        .setClusterId(args[1])
        .setControllerListenerName("CONTROLLER")
        .setMetadataLogDirectory(logDir)
        .setHasDynamicQuorum(true)
        .setInitialControllers(DynamicVoters.parse("1@127.0.0.1:" + args[2] + ":" + Uuid.randomUuid()))
        .addDirectory(logDir)
        .run();
  }
}
