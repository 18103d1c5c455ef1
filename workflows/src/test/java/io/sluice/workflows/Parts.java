package io.sluice.workflows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test shorthands for partitions and offsets maps, shared with activities' tests (workflows' test-jar). */
public final class Parts {
  private Parts() {}

  public static StreamPartition p(int partition) {
    return StreamPartition.of(partition);
  }

  public static StreamPartition p(String topic, int partition) {
    return StreamPartition.of(topic, partition);
  }

  /** Single-topic partitions. */
  public static List<StreamPartition> parts(int... partitions) {
    List<StreamPartition> out = new ArrayList<>();
    for (int p : partitions) out.add(StreamPartition.of(p));
    return List.copyOf(out);
  }

  /**
   * An offsets map from pairs: a key is an int (a single-topic partition), a "topic:partition" string or a
   * {@link StreamPartition}; a value a long.
   */
  public static Map<StreamPartition, Long> offs(Object... kv) {
    Map<StreamPartition, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      StreamPartition k = kv[i] instanceof StreamPartition sp ? sp
          : kv[i] instanceof Integer n ? StreamPartition.of(n) : StreamPartition.fromString((String) kv[i]);
      out.put(k, ((Number) kv[i + 1]).longValue());
    }
    return Map.copyOf(out);
  }
}
