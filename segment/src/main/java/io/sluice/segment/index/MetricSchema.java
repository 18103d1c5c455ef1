package io.sluice.segment.index;

import io.sluice.segment.index.DimensionSchema.ValueType;
import io.sluice.segment.transform.ExprParser;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One metric (aggregator) of a rollup index.
 *
 * @param name      output column name
 * @param kind      the aggregator
 * @param fieldName  input field read from each row; ignored (may be null) for {@link Kind#COUNT}; null when
 *                   {@code expression} is given
 * @param timeColumn for first/last kinds, the field whose value is a row's time ({@code __time}, Druid's default
 *                   and what null becomes, is the row's event timestamp); null for every other kind
 * @param expression for sums, mins and maxes instead of {@code fieldName}: an expression of the transform
 *                   language ({@link ExprParser}) evaluated on each row, whose value is
 *                   aggregated as a field's would be; null otherwise
 */
public record MetricSchema(String name, Kind kind, String fieldName, String timeColumn, String expression)
{
  public MetricSchema
  {
    IndexSchema.checkColumnName(name, "metric");
    if (kind == null) {
      throw new IllegalArgumentException("metric [" + name + "] has no kind");
    }
    if (expression != null) {
      if (kind == Kind.COUNT || kind.isFirstLast()) {
        throw new IllegalArgumentException("metric [" + name + "] of kind " + kind.typeName()
                                           + " takes no expression");
      }
      if (fieldName != null) {
        throw new IllegalArgumentException("metric [" + name + "] has both a fieldName and an expression");
      }
      try {
        ExprParser.parse(expression);
      }
      catch (ExprParser.ExprException e) {
        throw new IllegalArgumentException("metric [" + name + "]: " + e.getMessage(), e);
      }
    } else if (kind != Kind.COUNT && (fieldName == null || fieldName.isEmpty())) {
      throw new IllegalArgumentException("metric [" + name + "] of kind " + kind.typeName() + " needs a fieldName");
    }
    if (kind.isFirstLast()) {
      if (timeColumn == null) {
        timeColumn = IndexSchema.TIME_COLUMN;
      } else if (timeColumn.isEmpty()) {
        throw new IllegalArgumentException("metric [" + name + "]: timeColumn must not be empty");
      }
    } else if (timeColumn != null) {
      throw new IllegalArgumentException("metric [" + name + "] of kind " + kind.typeName() + " takes no timeColumn");
    }
  }

  /** A metric of any kind but first/last (their timeColumn defaults to {@code __time}). */
  public MetricSchema(String name, Kind kind, String fieldName)
  {
    this(name, kind, fieldName, null, null);
  }

  /** A metric reading a field; for first/last, with its timeColumn (null: {@code __time}). */
  public MetricSchema(String name, Kind kind, String fieldName, String timeColumn)
  {
    this(name, kind, fieldName, timeColumn, null);
  }

  /** A sum, min or max of an expression's value. */
  public static MetricSchema ofExpression(String name, Kind kind, String expression)
  {
    if (expression == null) {
      throw new IllegalArgumentException("metric [" + name + "]: expression must not be null");
    }
    return new MetricSchema(name, kind, null, null, expression);
  }

  public static MetricSchema count(String name)
  {
    return new MetricSchema(name, Kind.COUNT, null);
  }

  /** The value type of the stored column; for first/last kinds, the type of the pair's value. */
  public ValueType valueType()
  {
    return kind.valueType();
  }

  /**
   * The combining aggregator Druid stores in {@code metadata.drd}: it reads the already aggregated column.
   * {@code count} becomes {@code {"type":"longSum","name":n,"fieldName":n}}, the others keep their type.
   */
  public Map<String, Object> combiningJson()
  {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", kind.combining().typeName());
    m.put("name", name);
    m.put("fieldName", name);
    if (kind.isFirstLast()) {
      m.put("timeColumn", timeColumn);
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * Aggregators. Persisted by {@link #typeName()} (Druid's aggregator type) and {@link #id()}; never by ordinal().
   */
  public enum Kind
  {
    COUNT((byte) 0x01, "count", ValueType.LONG),
    LONG_SUM((byte) 0x02, "longSum", ValueType.LONG),
    LONG_MIN((byte) 0x03, "longMin", ValueType.LONG),
    LONG_MAX((byte) 0x04, "longMax", ValueType.LONG),
    DOUBLE_SUM((byte) 0x05, "doubleSum", ValueType.DOUBLE),
    DOUBLE_MIN((byte) 0x06, "doubleMin", ValueType.DOUBLE),
    DOUBLE_MAX((byte) 0x07, "doubleMax", ValueType.DOUBLE),
    FLOAT_SUM((byte) 0x08, "floatSum", ValueType.FLOAT),
    FLOAT_MIN((byte) 0x09, "floatMin", ValueType.FLOAT),
    FLOAT_MAX((byte) 0x0A, "floatMax", ValueType.FLOAT),
    /** Stored as Druid's complex column {@code serializablePairLongLong}: (time, value) of the earliest row. */
    LONG_FIRST((byte) 0x0B, "longFirst", ValueType.LONG),
    LONG_LAST((byte) 0x0C, "longLast", ValueType.LONG),
    DOUBLE_FIRST((byte) 0x0D, "doubleFirst", ValueType.DOUBLE),
    DOUBLE_LAST((byte) 0x0E, "doubleLast", ValueType.DOUBLE),
    FLOAT_FIRST((byte) 0x0F, "floatFirst", ValueType.FLOAT),
    FLOAT_LAST((byte) 0x10, "floatLast", ValueType.FLOAT);

    private final byte id;
    private final String typeName;
    private final ValueType valueType;

    Kind(byte id, String typeName, ValueType valueType)
    {
      this.id = id;
      this.typeName = typeName;
      this.valueType = valueType;
    }

    public byte id()
    {
      return id;
    }

    /** Druid's aggregator type name, e.g. {@code "doubleSum"}. */
    public String typeName()
    {
      return typeName;
    }

    /** Type of the column this aggregator produces; for first/last, the type of the pair's value. */
    public ValueType valueType()
    {
      return valueType;
    }

    /** The aggregator that merges already aggregated values: COUNT → LONG_SUM, every other kind → itself. */
    public Kind combining()
    {
      return this == COUNT ? LONG_SUM : this;
    }

    public boolean isSum()
    {
      return this == LONG_SUM || this == DOUBLE_SUM || this == FLOAT_SUM;
    }

    public boolean isMin()
    {
      return this == LONG_MIN || this == DOUBLE_MIN || this == FLOAT_MIN;
    }

    public boolean isMax()
    {
      return this == LONG_MAX || this == DOUBLE_MAX || this == FLOAT_MAX;
    }

    /** first or last: the column holds (time, value) pairs, a Druid complex column. */
    public boolean isFirstLast()
    {
      return isFirst() || isLast();
    }

    public boolean isFirst()
    {
      return this == LONG_FIRST || this == DOUBLE_FIRST || this == FLOAT_FIRST;
    }

    public boolean isLast()
    {
      return this == LONG_LAST || this == DOUBLE_LAST || this == FLOAT_LAST;
    }

    /**
     * Druid's complex type name of a first/last column: {@code serializablePairLongLong}, {@code
     * serializablePairLongDouble} or {@code serializablePairLongFloat}; null for the other kinds.
     */
    public String complexTypeName()
    {
      if (!isFirstLast()) {
        return null;
      }
      switch (valueType) {
        case LONG:
          return "serializablePairLongLong";
        case DOUBLE:
          return "serializablePairLongDouble";
        default:
          return "serializablePairLongFloat";
      }
    }

    public static Kind fromTypeName(String typeName)
    {
      for (Kind k : values()) {
        if (k.typeName.equals(typeName)) {
          return k;
        }
      }
      throw new IllegalArgumentException("Unknown aggregator type [" + typeName + "]");
    }

    public static Kind fromId(byte id)
    {
      for (Kind k : values()) {
        if (k.id == id) {
          return k;
        }
      }
      throw new IllegalArgumentException("Unknown aggregator id [" + id + "]");
    }
  }
}
