package io.sluice.segment.parse;

/** A record that cannot become a row. Carries the reason only; callers add partition and offset. */
public final class ParseException extends Exception {
  public ParseException(String reason) {
    super(reason, null, false, false);
  }
}
