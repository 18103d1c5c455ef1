package io.sluice.workflows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The supervisor's decisions, as pure functions of its state: no Temporal, no clock, no I/O. Unit-tested without
 * Temporal.
 */
public final class RunLoopPolicy {
  private RunLoopPolicy() {}

  /**
   * The partitions to manage after a discovery: Kafka partitions are never removed, so a partition once seen stays,
   * even if one metadata answer happened to leave it out.
   */
  public static List<Integer> knownPartitions(List<Integer> known, List<Integer> fetched) {
    java.util.TreeSet<Integer> all = new java.util.TreeSet<>(known);
    all.addAll(fetched);
    return new ArrayList<>(all);
  }

  /** Druid's task group of a partition. */
  public static int groupOf(int partition, int taskCount) {
    return Math.floorMod(partition, taskCount);
  }

  /** Partitions by task group; groups with no partitions are absent, so at most min(taskCount, partitions). */
  public static Map<Integer, List<Integer>> groups(List<Integer> partitions, int taskCount) {
    Map<Integer, List<Integer>> out = new TreeMap<>();
    for (int p : partitions) out.computeIfAbsent(groupOf(p, taskCount), g -> new ArrayList<>()).add(p);
    return out;
  }

  /**
   * Where a new task starts reading each partition: the committed end offset if there is one (and it is for the
   * same topic), else the earliest or latest offset per {@code useEarliestOffset}.
   */
  public static Map<Integer, Long> startOffsets(List<Integer> partitions, Map<Integer, Long> committed,
                                                boolean sameTopic, Map<Integer, Long> earliest,
                                                Map<Integer, Long> latest, boolean useEarliestOffset) {
    Map<Integer, Long> out = new LinkedHashMap<>();
    for (int p : partitions) {
      Long c = sameTopic ? committed.get(p) : null;
      if (c != null) {
        out.put(p, c);
      } else {
        Long start = useEarliestOffset ? earliest.get(p) : latest.get(p);
        out.put(p, start == null ? 0L : start);
      }
    }
    return out;
  }

  /** A reading task is rolled over to publishing once it has read for {@code taskDuration}. */
  public static boolean shouldStopReading(long startedAtMillis, long nowMillis, long taskDurationMillis) {
    return nowMillis - startedAtMillis >= taskDurationMillis;
  }

  /** A publishing task that has not finished within {@code completionTimeout} is failed. */
  public static boolean completionTimedOut(long publishingSinceMillis, long nowMillis, long completionTimeoutMillis) {
    return nowMillis - publishingSinceMillis > completionTimeoutMillis;
  }

  /** Druid's base sequence name: a hash of what defines the task's work. Replicas share it. */
  public static String sequenceName(String dataSource, String topic, int group, Map<Integer, Long> startOffsets,
                                    long taskSequence) {
    String material = dataSource + "|" + topic + "|" + group + "|" + new TreeMap<>(startOffsets) + "|" + taskSequence;
    return "index_kafka_" + dataSource + "_" + sha1(material).substring(0, 15);
  }

  /** A Druid-style task id: the sequence name plus a random suffix of 8 lowercase letters. */
  public static String taskId(String sequenceName, Random random) {
    StringBuilder sb = new StringBuilder(sequenceName).append('_');
    for (int i = 0; i < 8; i++) sb.append((char) ('a' + random.nextInt(26)));
    return sb.toString();
  }

  /** Per-partition lag: latest minus current; aggregate lag never negative. */
  public static Map<Integer, Long> lag(Map<Integer, Long> latest, Map<Integer, Long> current) {
    Map<Integer, Long> out = new TreeMap<>();
    for (Map.Entry<Integer, Long> e : latest.entrySet()) {
      Long c = current.get(e.getKey());
      out.put(e.getKey(), e.getValue() - (c == null ? 0L : c));
    }
    return out;
  }

  public static long aggregateLag(Map<Integer, Long> lag) {
    long sum = 0;
    for (long l : lag.values()) sum += Math.max(0, l);
    return sum;
  }

  /** Druid's generic state for a detailed state. */
  public static String stateOf(String detailedState) {
    switch (detailedState) {
      case "UNABLE_TO_CONNECT_TO_STREAM":
      case "LOST_CONTACT_WITH_STREAM":
      case "UNHEALTHY_SUPERVISOR":
        return "UNHEALTHY_SUPERVISOR";
      case "CONNECTING_TO_STREAM":
      case "DISCOVERING_INITIAL_TASKS":
      case "CREATING_TASKS":
      case "RUNNING":
        return "RUNNING";
      default:
        return detailedState; // PENDING, SUSPENDED, STOPPING, UNHEALTHY_TASKS
    }
  }

  /** Health counters after one run-loop iteration. */
  public record Health(int consecutiveErrors, int consecutiveSuccesses, boolean unhealthy) {
    public Health next(boolean iterationFailed, int unhealthinessThreshold, int healthinessThreshold) {
      if (iterationFailed) {
        int errors = consecutiveErrors + 1;
        return new Health(errors, 0, unhealthy || errors >= unhealthinessThreshold);
      }
      int ok = consecutiveSuccesses + 1;
      return new Health(0, ok, unhealthy && ok < healthinessThreshold);
    }
  }

  /**
   * The detailed state to show. Unhealthy states win once their threshold is reached; before the first full
   * iteration the first-iteration-only states show progress.
   */
  public static String detailedState(boolean stopping, boolean suspended, boolean unhealthySupervisor,
                                     boolean lastErrorWasStream, boolean everConnected, boolean unhealthyTasks,
                                     boolean firstIterationDone, String firstIterationState) {
    if (stopping) return "STOPPING";
    if (suspended) return "SUSPENDED";
    if (unhealthySupervisor) {
      if (lastErrorWasStream) return everConnected ? "LOST_CONTACT_WITH_STREAM" : "UNABLE_TO_CONNECT_TO_STREAM";
      return "UNHEALTHY_SUPERVISOR";
    }
    if (unhealthyTasks) return "UNHEALTHY_TASKS";
    return firstIterationDone ? "RUNNING" : firstIterationState;
  }

  /** Adds an error, keeping the newest {@code max}. */
  public static List<SupervisorState.ErrorEvent> addError(List<SupervisorState.ErrorEvent> errors,
                                                          SupervisorState.ErrorEvent e, int max) {
    List<SupervisorState.ErrorEvent> out = new ArrayList<>(errors);
    out.add(e);
    while (out.size() > Math.max(0, max)) out.remove(0);
    return out;
  }

  /** Merges newly committed offsets into the known ones. */
  public static Map<Integer, Long> merge(Map<Integer, Long> base, Map<Integer, Long> update) {
    Map<Integer, Long> out = new HashMap<>(base);
    out.putAll(update);
    return new TreeMap<>(out);
  }

  static String sha1(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (byte b : d) sb.append(String.format("%02x", b));
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
