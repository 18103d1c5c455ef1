package io.sluice.workflows;

/**
 * Deep-storage keys, built only from validated names (a dataSource has no '/', no leading '.', and is never
 * {@value #CATALOG}). Segments follow Druid's layout; Sluice's catalog lives beside them under {@value #CATALOG}.
 *
 * <pre>
 * &lt;baseKey&gt;/&lt;dataSource&gt;/&lt;start&gt;_&lt;end&gt;/&lt;version&gt;/&lt;partitionNum&gt;/&lt;uuid&gt;/index.zip   segments
 * &lt;baseKey&gt;/_sluice/supervisors/&lt;id&gt;/spec.json                  the current spec
 * &lt;baseKey&gt;/_sluice/supervisors/&lt;id&gt;/history/&lt;millis&gt;.json       every submitted spec
 * &lt;baseKey&gt;/_sluice/supervisors/&lt;id&gt;/tombstone.json             written by terminate
 * &lt;baseKey&gt;/_sluice/commits/&lt;dataSource&gt;/&lt;seq:19 digits&gt;.json     the append-only commit log
 * &lt;baseKey&gt;/_sluice/allocations/&lt;dataSource&gt;/&lt;start&gt;_&lt;end&gt;/version            claimed interval version
 * &lt;baseKey&gt;/_sluice/allocations/&lt;dataSource&gt;/&lt;start&gt;_&lt;end&gt;/&lt;version&gt;/&lt;n&gt;  claimed partition numbers
 * </pre>
 */
public final class CatalogLayout {
  public static final String CATALOG = "_sluice";

  private final String base;

  public CatalogLayout(String baseKey) {
    String b = baseKey == null ? "" : baseKey.trim();
    while (b.endsWith("/")) b = b.substring(0, b.length() - 1);
    while (b.startsWith("/")) b = b.substring(1);
    this.base = b.isEmpty() ? "" : b + "/";
  }

  public String baseKey() {
    return base;
  }

  public String supervisorsPrefix() {
    return base + CATALOG + "/supervisors/";
  }

  public String specKey(String id) {
    return supervisorsPrefix() + id + "/spec.json";
  }

  public String specHistoryPrefix(String id) {
    return supervisorsPrefix() + id + "/history/";
  }

  public String specHistoryKey(String id, long millis) {
    return specHistoryPrefix(id) + String.format("%013d", millis) + ".json";
  }

  public String tombstoneKey(String id) {
    return supervisorsPrefix() + id + "/tombstone.json";
  }

  /** Where live worker processes register themselves (one small file each, refreshed while they run). */
  public String workersPrefix() {
    return base + CATALOG + "/workers/";
  }

  public String commitPrefix(String dataSource) {
    return base + CATALOG + "/commits/" + dataSource + "/";
  }

  public String commitKey(String dataSource, long seq) {
    return commitPrefix(dataSource) + String.format("%019d", seq) + ".json";
  }

  /** The sequence number of a commit key, or -1 if it is not one. */
  public static long commitSeq(String key) {
    int slash = key.lastIndexOf('/');
    String name = key.substring(slash + 1);
    if (!name.endsWith(".json") || name.length() != 24) return -1;
    try {
      return Long.parseLong(name.substring(0, 19));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public String intervalVersionKey(String dataSource, String start, String end) {
    return base + CATALOG + "/allocations/" + dataSource + "/" + start + "_" + end + "/version";
  }

  public String allocationPrefix(String dataSource, String start, String end, String version) {
    return base + CATALOG + "/allocations/" + dataSource + "/" + start + "_" + end + "/" + version + "/";
  }

  public String segmentKey(String dataSource, String start, String end, String version, int partitionNum,
                           String uniquePath) {
    return segmentPrefix(dataSource) + start + "_" + end + "/" + version + "/" + partitionNum + "/" + uniquePath
        + "/index.zip";
  }

  /**
   * Where a dataSource's segment files go, Druid's layout: {@code <dataSource>/<interval>/<version>/<partition>/…}.
   */
  public String segmentPrefix(String dataSource) {
    return base + dataSource + "/";
  }

  /**
   * The unique path of a segment file a task pushes: the task's id, '_', then {@code random} (which must not contain
   * '_'). Every attempt of a task
   * pushes under its id, so the task's cleanup finds the files of attempts that never committed.
   */
  public static String uniquePath(String taskId, String random) {
    return taskId + "_" + random;
  }

  /** Whether {@code key} is a segment file ({@code …/index.zip}) pushed by task {@code taskId}. */
  public static boolean pushedBy(String key, String taskId) {
    return taskId.equals(pushingTask(key));
  }

  /** The id of the task that pushed segment file {@code key} ({@code …/index.zip}); null if it is none. */
  public static String pushingTask(String key) {
    if (!key.endsWith("/index.zip")) return null;
    String dir = key.substring(0, key.length() - "/index.zip".length());
    String uniquePath = dir.substring(dir.lastIndexOf('/') + 1);
    int random = uniquePath.lastIndexOf('_'); // the random part (a UUID) has no '_'
    return random > 0 ? uniquePath.substring(0, random) : null;
  }
}
