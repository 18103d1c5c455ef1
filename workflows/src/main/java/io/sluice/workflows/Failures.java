package io.sluice.workflows;

/** {@code ApplicationFailure} types that users see. */
public final class Failures {
  private Failures() {}

  /** A commit whose start offsets do not match the committed ones. Druid: reset the supervisor. */
  public static final String INCONSISTENT_OFFSETS = "InconsistentOffsets";
  /** More unparseable records than {@code maxParseExceptions}. */
  public static final String TOO_MANY_PARSE_EXCEPTIONS = "TooManyParseExceptions";
  /** The stream cannot be reached or the topic does not exist. */
  public static final String STREAM_UNAVAILABLE = "StreamUnavailable";
  /** Offsets to read are no longer in Kafka (retention, or a re-created topic). */
  public static final String OFFSET_OUT_OF_RANGE = "OffsetOutOfRange";
  /** A chained task's commit found its predecessor's not yet made: retried until it is (or the task is killed). */
  public static final String PREVIOUS_COMMIT_PENDING = "PreviousCommitPending";
  /** A spec the worker cannot run. */
  public static final String INVALID_SPEC = "InvalidSpec";
}
