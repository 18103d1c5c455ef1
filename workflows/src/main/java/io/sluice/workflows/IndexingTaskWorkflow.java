package io.sluice.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/** A Kafka indexing task: read, then publish. Its workflow id is a Druid-style task id. */
@WorkflowInterface
public interface IndexingTaskWorkflow {
  @WorkflowMethod
  Contracts.TaskReport run(Contracts.TaskInput input);

  /** Stop reading and publish what was read. Idempotent. */
  @SignalMethod
  void stopReading();

  /** From the reading activity of a replica told to stop: it has paused at these offsets. */
  @SignalMethod
  void paused(java.util.Map<StreamPartition, Long> positions);

  /** From the supervisor: the offsets every replica of the group reads exactly up to, then publishes. Idempotent. */
  @SignalMethod
  void setEndOffsets(java.util.Map<StreamPartition, Long> endOffsets);

  /** Polled by the reading activity every few seconds. */
  @QueryMethod
  Contracts.TaskControl control();

  /** Offsets and row stats once reading has ended (while publishing and after); null while reading. */
  @QueryMethod
  Contracts.ReadProgress readResult();

  /** The saved parse exceptions once reading has ended (empty before), for the task's reports. */
  @QueryMethod
  List<Contracts.ParseError> parseExceptions();
}
