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
   * even if one metadata answer happened to leave it out. (A topicPattern's topic that is gone is forgotten apart:
   * {@link #vanished}.)
   */
  public static List<StreamPartition> knownPartitions(List<StreamPartition> known, List<StreamPartition> fetched) {
    java.util.TreeSet<StreamPartition> all = new java.util.TreeSet<>(known);
    all.addAll(fetched);
    return new ArrayList<>(all);
  }

  /**
   * The known partitions a successful discovery no longer reports, to be forgotten: for a topicPattern only (its
   * topics come and go: one deleted, or renamed out of the pattern), as Druid drops partitions its stream no longer
   * reports. A single topic's partitions are never forgotten: Kafka does not remove partitions, and a deleted topic
   * makes the discovery fail instead (LOST_CONTACT_WITH_STREAM). Their committed offsets are not touched: if the
   * topic comes back, reading resumes from them (and the offset-out-of-range handling applies if it came back
   * smaller).
   */
  public static List<StreamPartition> vanished(List<StreamPartition> known, List<StreamPartition> fetched,
                                               boolean multiTopic) {
    if (!multiTopic) return List.of();
    java.util.Set<StreamPartition> reported = new java.util.HashSet<>(fetched);
    List<StreamPartition> out = new ArrayList<>();
    for (StreamPartition p : known) if (!reported.contains(p)) out.add(p);
    return out;
  }

  /** {@code partitions} without {@code gone}, in their order. */
  public static List<StreamPartition> without(List<StreamPartition> partitions,
                                              java.util.Collection<StreamPartition> gone) {
    List<StreamPartition> out = new ArrayList<>(partitions);
    out.removeAll(gone);
    return out;
  }

  /** {@code offsets} without the partitions in {@code gone}. */
  public static Map<StreamPartition, Long> without(Map<StreamPartition, Long> offsets,
                                                   java.util.Collection<StreamPartition> gone) {
    Map<StreamPartition, Long> out = new TreeMap<>(offsets);
    out.keySet().removeAll(gone);
    return out;
  }

  /**
   * Druid's task group of a partition (KafkaSupervisor.getTaskGroupIdForPartition): {@code partition % taskCount}
   * for a single topic, {@code Math.abs(31 * topic.hashCode() + partition) % taskCount} for a topicPattern.
   */
  public static int groupOf(StreamPartition partition, int taskCount) {
    if (!partition.multiTopic()) return groupOf(partition.partition(), taskCount);
    return Math.floorMod(Math.abs(31 * partition.topic().hashCode() + partition.partition()), taskCount);
  }

  /** Druid's task group of a single-topic partition. */
  public static int groupOf(int partition, int taskCount) {
    return Math.floorMod(partition, taskCount);
  }

  /** Partitions by task group; groups with no partitions are absent, so at most min(taskCount, partitions). */
  public static Map<Integer, List<StreamPartition>> groups(List<StreamPartition> partitions, int taskCount) {
    Map<Integer, List<StreamPartition>> out = new TreeMap<>();
    for (StreamPartition p : partitions) out.computeIfAbsent(groupOf(p, taskCount), g -> new ArrayList<>()).add(p);
    return out;
  }

  /**
   * The partitions discovered after the supervisor's first discovery: those already known so, plus those in
   * {@code fetched} that {@code known} lacks, unless nothing was known yet (the first discovery).
   */
  public static List<StreamPartition> discoveredLater(List<StreamPartition> later, List<StreamPartition> known,
                                                      List<StreamPartition> fetched) {
    java.util.TreeSet<StreamPartition> out = new java.util.TreeSet<>(later);
    if (!known.isEmpty()) {
      for (StreamPartition p : fetched) if (!known.contains(p)) out.add(p);
    }
    return new ArrayList<>(out);
  }

  /** {@link #startOffsets(List, Map, boolean, Map, Map, boolean, List)} with no partition discovered later. */
  public static Map<StreamPartition, Long> startOffsets(List<StreamPartition> partitions,
                                                        Map<StreamPartition, Long> committed,
                                                boolean sameTopic, Map<StreamPartition, Long> earliest,
                                                Map<StreamPartition, Long> latest, boolean useEarliestOffset) {
    return startOffsets(partitions, committed, sameTopic, earliest, latest, useEarliestOffset, List.of());
  }

  /**
   * Where a new task starts reading each partition: the committed end offset if there is one (and it is for the
   * same topic), else the earliest or latest offset per {@code useEarliestOffset}. A partition added to the topic
   * after the supervisor's first discovery ({@code discoveredLater}) starts from its earliest offset whatever
   * {@code useEarliestOffset} says, as in Druid: what was produced into it before it was discovered is not skipped.
   */
  public static Map<StreamPartition, Long> startOffsets(List<StreamPartition> partitions,
                                                        Map<StreamPartition, Long> committed,
                                                boolean sameTopic, Map<StreamPartition, Long> earliest,
                                                Map<StreamPartition, Long> latest, boolean useEarliestOffset,
                                                List<StreamPartition> discoveredLater) {
    Map<StreamPartition, Long> out = new LinkedHashMap<>();
    for (StreamPartition p : partitions) {
      Long c = sameTopic ? committed.get(p) : null;
      if (c != null) {
        out.put(p, c);
      } else {
        Long start = useEarliestOffset || discoveredLater.contains(p) ? earliest.get(p) : latest.get(p);
        out.put(p, start == null ? 0L : start);
      }
    }
    return out;
  }

  /**
   * Where a new task starts: its offsets, the still-publishing tasks it chained from, and the partitions whose
   * offsets came from them.
   */
  public record Start(Map<StreamPartition, Long> offsets, List<String> chainedFrom,
                      List<StreamPartition> chainedPartitions) {}

  /**
   * Chains a new task onto tasks still publishing, as Druid starts the next task at the offsets the publishing ones
   * ended on: each partition starts at the end offset of the newest task (in {@code tasks}' creation order) that
   * finished reading it, else at {@code base}.
   */
  public static Start chainedStart(List<StreamPartition> partitions, Map<StreamPartition, Long> base,
                                   List<SupervisorState.TaskEntry> tasks) {
    Map<StreamPartition, Long> out = new LinkedHashMap<>();
    java.util.Set<String> from = new java.util.LinkedHashSet<>();
    List<StreamPartition> chainedPartitions = new ArrayList<>();
    for (StreamPartition p : partitions) {
      Long offset = base.get(p);
      String source = null;
      for (SupervisorState.TaskEntry t : tasks) {
        Long end = t.endOffsets == null ? null : t.endOffsets.get(p);
        if (end != null) {
          offset = end;
          source = t.taskId;
        }
      }
      out.put(p, offset);
      if (source != null) {
        from.add(source);
        chainedPartitions.add(p);
      }
    }
    return new Start(out, new ArrayList<>(from), chainedPartitions);
  }

  /**
   * resetOffsetAutomatically: the partitions whose offset to resume at ({@code resumeAt}) lies outside what Kafka
   * still holds, each mapped to the earliest or latest offset per {@code useEarliestOffset}. Druid's task resets when
   * the offset it needs is gone (below the earliest); an offset past the latest (a topic re-created smaller) is
   * reset too, as Kafka's auto.offset.reset would. A partition Kafka does not report is left alone.
   */
  public static Map<StreamPartition, Long> automaticReset(Map<StreamPartition, Long> resumeAt,
                                                          Map<StreamPartition, Long> earliest,
                                                  Map<StreamPartition, Long> latest, boolean useEarliestOffset) {
    Map<StreamPartition, Long> out = new LinkedHashMap<>();
    for (Map.Entry<StreamPartition, Long> e : resumeAt.entrySet()) {
      Long lo = earliest.get(e.getKey());
      Long hi = latest.get(e.getKey());
      if (lo == null || hi == null) continue;
      if (e.getValue() < lo || e.getValue() > hi) out.put(e.getKey(), useEarliestOffset ? lo : hi);
    }
    return out;
  }

  /**
   * Whether some task, reading or publishing, reads one of {@code partitions} (by the partitions it started with:
   * after an autoscaler action they may not be its group's now).
   */
  public static boolean partitionsBusy(java.util.Collection<StreamPartition> partitions,
                                       List<SupervisorState.TaskEntry> tasks) {
    for (SupervisorState.TaskEntry t : tasks) {
      for (StreamPartition p : partitions) if (t.startOffsets.containsKey(p)) return true;
    }
    return false;
  }

  /** Whether one of {@code partitions} is in {@code set}. */
  public static boolean anyIn(List<StreamPartition> partitions, java.util.Collection<StreamPartition> set) {
    for (StreamPartition p : partitions) if (set.contains(p)) return true;
    return false;
  }

  /**
   * Replicas: the read queues for the {@code replicas} replicas of {@code group}, all different while there are
   * at least as many live workers, and spread over the workers across groups. Nulls (any worker) if none is known.
   */
  public static List<String> placeReplicas(List<String> liveQueues, int group, int replicas) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      out.add(liveQueues.isEmpty() ? null : liveQueues.get((group * replicas + i) % liveQueues.size()));
    }
    return out;
  }

  /**
   * Replicas: the group's end offsets, the most any paused replica had read of each partition (Druid's
   * setEndOffsets after pausing every replica). Null while none has paused.
   */
  public static Map<StreamPartition, Long> agreedEnd(List<Map<StreamPartition, Long>> pausedAt) {
    Map<StreamPartition, Long> end = null;
    for (Map<StreamPartition, Long> p : pausedAt) {
      if (p == null) continue;
      if (end == null) end = new java.util.TreeMap<>();
      for (Map.Entry<StreamPartition, Long> e : p.entrySet()) end.merge(e.getKey(), e.getValue(), Math::max);
    }
    return end;
  }

  /** Whether a task group can take a new task: none of its tasks is still reading or yet to report its end. */
  public static boolean groupFree(int group, List<SupervisorState.TaskEntry> tasks) {
    for (SupervisorState.TaskEntry t : tasks) {
      if (t.group == group && ("READING".equals(t.phase) || t.endOffsets == null)) return false;
    }
    return true;
  }

  /** The tasks that started, directly or through others, from {@code failed}'s end offsets: they must die too. */
  public static List<String> chainedAfter(String failed, List<SupervisorState.TaskEntry> tasks) {
    java.util.Set<String> doomed = new java.util.LinkedHashSet<>();
    doomed.add(failed);
    for (SupervisorState.TaskEntry t : tasks) {
      for (String f : t.chainedFrom) if (doomed.contains(f)) doomed.add(t.taskId);
    }
    doomed.remove(failed);
    return new ArrayList<>(doomed);
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
  public static String sequenceName(String dataSource, String topic, int group, Map<StreamPartition, Long> startOffsets,
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
  public static Map<StreamPartition, Long> lag(Map<StreamPartition, Long> latest, Map<StreamPartition, Long> current) {
    Map<StreamPartition, Long> out = new TreeMap<>();
    for (Map.Entry<StreamPartition, Long> e : latest.entrySet()) {
      Long c = current.get(e.getKey());
      out.put(e.getKey(), e.getValue() - (c == null ? 0L : c));
    }
    return out;
  }

  public static long aggregateLag(Map<StreamPartition, Long> lag) {
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
        return detailedState; // PENDING, SUSPENDED, STOPPING, UNHEALTHY_TASKS, IDLE
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

    /** After {@code successes} successful iterations, then {@code failures} failed ones. */
    public Health after(int successes, int failures, int unhealthinessThreshold, int healthinessThreshold) {
      Health h = this;
      for (int i = 0; i < successes; i++) h = h.next(false, unhealthinessThreshold, healthinessThreshold);
      for (int i = 0; i < failures; i++) h = h.next(true, unhealthinessThreshold, healthinessThreshold);
      return h;
    }
  }

  /**
   * How many successful fetches the stream watcher reports back at once. Successes only change the state during
   * the first iteration and while unhealthy; at steady state the watcher returns on failures and changes only, and
   * the successes before a failure come back with it, so the counters stay exact.
   */
  public static int returnAfterSuccesses(boolean firstIterationDone, boolean unhealthy, int consecutiveSuccesses,
                                         int healthinessThreshold) {
    if (unhealthy) return Math.max(1, healthinessThreshold - consecutiveSuccesses);
    return firstIterationDone ? Integer.MAX_VALUE : 1;
  }

  /**
   * With {@code idleConfig} enabled, a supervisor whose stream stood still for {@code inactiveAfterMillis} creates
   * no tasks, unless some of what is in the stream is not read yet ({@code readUpTo}: committed offsets, or the end
   * offsets of tasks still publishing).
   */
  public static boolean staysIdle(boolean idle, Map<StreamPartition, Long> latest,
                                  Map<StreamPartition, Long> readUpTo) {
    if (!idle) return false;
    for (Map.Entry<StreamPartition, Long> e : latest.entrySet()) {
      Long c = readUpTo.get(e.getKey());
      if (c == null || c < e.getValue()) return false;
    }
    return true;
  }

  /** Whether two answers differ in their latest offsets: new data arrived. */
  public static boolean newData(Map<StreamPartition, Long> before, Map<StreamPartition, Long> after) {
    for (Map.Entry<StreamPartition, Long> e : after.entrySet()) {
      Long b = before.get(e.getKey());
      if (b == null || b < e.getValue()) return true;
    }
    return false;
  }

  /**
   * Why a {@code resetOffsets} request cannot be applied, or null if it can: the stream must be the supervisor's
   * topic, and every partition must exist (when partitions are known) with an offset of at least 0.
   */
  public static String resetOffsetsProblem(String topic, String stream, Map<StreamPartition, Long> offsets,
                                           List<StreamPartition> knownPartitions) {
    return resetOffsetsProblem(topic, false, stream, offsets, knownPartitions);
  }

  /**
   * {@link #resetOffsetsProblem(String, String, Map, List)} for a supervisor that reads one topic, or every topic
   * matching the pattern {@code topic} ({@code multiTopic}): then each partition must be named
   * {@code "topic:partition"} with a topic the pattern matches, else by its number alone.
   */
  public static String resetOffsetsProblem(String topic, boolean multiTopic, String stream,
                                           Map<StreamPartition, Long> offsets, List<StreamPartition> knownPartitions) {
    if (stream != null && !stream.equals(topic)) {
      return "stream '" + stream + "' is not this supervisor's " + (multiTopic ? "topicPattern" : "topic") + " '"
          + topic + "'";
    }
    if (offsets == null || offsets.isEmpty()) return "partitionOffsetMap must name at least one partition";
    for (Map.Entry<StreamPartition, Long> e : offsets.entrySet()) {
      if (e.getKey() == null) return "partition " + e.getKey() + " is not a partition number";
      if (e.getKey().multiTopic() != multiTopic) {
        return "partition '" + e.getKey() + "': " + (multiTopic
            ? "this supervisor reads a topicPattern; name partitions as topic:partition"
            : "this supervisor reads one topic; name partitions by number");
      }
      if (multiTopic && !java.util.regex.Pattern.matches(topic, e.getKey().topic())) {
        return "partition '" + e.getKey() + "': topic '" + e.getKey().topic() + "' does not match topicPattern '"
            + topic + "'";
      }
      if (e.getValue() == null || e.getValue() < 0) {
        return "offset " + e.getValue() + " of partition " + e.getKey() + " must be at least 0";
      }
      if (!knownPartitions.isEmpty() && !knownPartitions.contains(e.getKey())) {
        return "partition " + e.getKey() + " is not one of topic '" + topic + "''s partitions " + knownPartitions;
      }
    }
    return null;
  }

  /** Why a handoff request for these task groups cannot be applied, or null if it can. */
  public static String handoffProblem(List<Integer> groups, int taskCount) {
    if (groups == null || groups.isEmpty()) return "taskGroupIds must name at least one task group";
    for (Integer g : groups) {
      if (g == null || g < 0 || g >= taskCount) {
        return "task group " + g + " does not exist; task groups are 0 to " + (taskCount - 1);
      }
    }
    return null;
  }

  /** The earliest of the deadlines, or {@link Long#MAX_VALUE} for none. */
  public static long earliest(long... deadlines) {
    long min = Long.MAX_VALUE;
    for (long d : deadlines) min = Math.min(min, d);
    return min;
  }

  /**
   * The detailed state to show. Unhealthy states win once their threshold is reached; before the first full
   * iteration the first-iteration-only states show progress. {@code IDLE} (idleConfig) comes after the unhealthy
   * states.
   */
  public static String detailedState(boolean stopping, boolean suspended, boolean unhealthySupervisor,
                                     boolean lastErrorWasStream, boolean everConnected, boolean unhealthyTasks,
                                     boolean idle, boolean firstIterationDone, String firstIterationState) {
    if (stopping) return "STOPPING";
    if (suspended) return "SUSPENDED";
    if (unhealthySupervisor) {
      if (lastErrorWasStream) return everConnected ? "LOST_CONTACT_WITH_STREAM" : "UNABLE_TO_CONNECT_TO_STREAM";
      return "UNHEALTHY_SUPERVISOR";
    }
    if (unhealthyTasks) return "UNHEALTHY_TASKS";
    if (idle) return "IDLE";
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
  public static Map<StreamPartition, Long> merge(Map<StreamPartition, Long> base, Map<StreamPartition, Long> update) {
    Map<StreamPartition, Long> out = new HashMap<>(base);
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
