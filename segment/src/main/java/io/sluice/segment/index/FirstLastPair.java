package io.sluice.segment.index;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The value of a first/last metric: Druid's {@code SerializablePairLong*} ({@code lhs} the time, {@code rhs} the
 * value), and as JSON the same {@code {"lhs":time,"rhs":value}} Druid writes.
 *
 * @param time  the time of the row the value came from: {@code Long.MAX_VALUE} for a first (and
 *              {@code Long.MIN_VALUE} for a last) that never saw a row with a time, as Druid stores it
 * @param value a Long, Double or Float per the metric's kind, or null: Druid keeps a null value as a candidate
 */
public record FirstLastPair(@JsonProperty("lhs") long time, @JsonProperty("rhs") Number value)
{
}
