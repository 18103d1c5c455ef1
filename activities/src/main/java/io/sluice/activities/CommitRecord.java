package io.sluice.activities;

import io.sluice.workflows.StreamPartition;
import io.sluice.workflows.Contracts;
import java.util.List;
import java.util.Map;

/**
 * One entry of a dataSource's commit log: the segments a task published and the offsets they cover, made visible
 * together by one conditional create. {@code partitionOffsets} holds the committed end offset of every partition
 * after this commit (like Druid's commit_metadata), so the newest record alone tells where reading resumes.
 * {@code totalSegments} and {@code totalEvents} are running totals over the whole log; events are the records that
 * landed in segments (Druid's processed plus processedWithError), not unparseable or thrown-away ones.
 * {@code kind} is {@code commit} (null in records written before it existed) or {@code reset}: an operator's
 * reset, which sets {@code partitionOffsets} without segments.
 */
public record CommitRecord(
    int formatVersion,
    long seq,
    String dataSource,
    String topic, // the topic, or the topicPattern of a multi-topic supervisor
    String taskId,
    String sequenceName,
    long committedAtMillis,
    Map<StreamPartition, Long> startOffsets,
    Map<StreamPartition, Long> endOffsets,
    Map<StreamPartition, Long> partitionOffsets,
    List<Map<String, Object>> segments,
    Contracts.RowStats rowStats,
    long totalSegments,
    long totalEvents,
    String kind) {

  public static final int FORMAT_VERSION = 1;
  public static final String COMMIT = "commit";
  public static final String RESET = "reset";

  public Contracts.CommittedState head() {
    return new Contracts.CommittedState(seq, topic, partitionOffsets, totalSegments, totalEvents);
  }
}
