package io.sluice.segment.index;

import java.util.Locale;

/**
 * One dimension of a segment: a name, the type Druid stores it as and, for strings, how a row's list of values is
 * kept, and whether it was discovered from the input.
 *
 * @param name               column name; not {@code __time}, not empty, no ',' or line breaks (they would corrupt
 *                           meta.smoosh)
 * @param type               how values are stored: STRING as a dictionary-encoded column, the others as numeric columns
 * @param multiValueHandling what a STRING dimension does with a row of several values; null means
 *                           {@link MultiValueHandling#SORTED_ARRAY}, Druid's default
 * @param discovered         a STRING dimension found in the input (schemaless or includeAllDimensions) rather than
 *                           listed: a row without the field leaves it <em>absent</em>, which Druid's rollup keys apart
 *                           from null (and sorts first), while a listed dimension reads a missing field as null.
 *                           A type-aware one (below) reads a missing field as null too, as Druid's "auto" indexer.
 * @param bitmapIndex        Druid's {@code createBitmapIndex}: whether a STRING column gets its bitmap index (true by
 *                           default); numeric columns never have one
 * @param seenTypes          {@link #NOT_TYPE_AWARE} (-1), or for a dimension discovered with {@code useSchemaDiscovery}
 *                           the {@code SEEN_*} bits of the values it has held. Such a dimension is held as strings
 *                           (indexed, persisted and merged as a discovered STRING dimension) and written to a final
 *                           segment as the least restrictive type of its values, as Druid's "auto" columns: only
 *                           longs (booleans count as longs 1/0) → LONG; longs and doubles → DOUBLE; any string, or
 *                           nothing but nulls → STRING.
 */
public record DimensionSchema(String name, ValueType type, MultiValueHandling multiValueHandling, boolean discovered,
                              boolean bitmapIndex, int seenTypes)
{
  /** {@link #seenTypes} of a dimension whose type is declared (or a discovered string, without schema discovery). */
  public static final int NOT_TYPE_AWARE = -1;
  public static final int SEEN_LONG = 1;
  public static final int SEEN_DOUBLE = 2;
  public static final int SEEN_STRING = 4;

  public DimensionSchema
  {
    IndexSchema.checkColumnName(name, "dimension");
    if (type == null) {
      throw new IllegalArgumentException("dimension [" + name + "] has no type");
    }
    if (multiValueHandling == null) {
      multiValueHandling = MultiValueHandling.SORTED_ARRAY;
    }
    if (discovered && type != ValueType.STRING) {
      throw new IllegalArgumentException("discovered dimension [" + name + "] must be STRING, not " + type);
    }
    if (seenTypes < NOT_TYPE_AWARE || seenTypes > (SEEN_LONG | SEEN_DOUBLE | SEEN_STRING)) {
      throw new IllegalArgumentException("dimension [" + name + "]: bad seenTypes " + seenTypes);
    }
    if (seenTypes != NOT_TYPE_AWARE && !discovered) {
      throw new IllegalArgumentException("only a discovered dimension can be type-aware: [" + name + "]");
    }
  }

  /** A dimension with a bitmap index (if STRING), not type-aware. */
  public DimensionSchema(String name, ValueType type, MultiValueHandling multiValueHandling, boolean discovered)
  {
    this(name, type, multiValueHandling, discovered, true, NOT_TYPE_AWARE);
  }

  /** A listed dimension. */
  public DimensionSchema(String name, ValueType type, MultiValueHandling multiValueHandling)
  {
    this(name, type, multiValueHandling, false);
  }

  /** A string dimension discovered from the input, with Druid's default multi-value handling. */
  public static DimensionSchema discovered(String name)
  {
    return new DimensionSchema(name, ValueType.STRING, null, true);
  }

  /** A dimension discovered with {@code useSchemaDiscovery}: typed by its values when written (see the class). */
  public static DimensionSchema typeAware(String name)
  {
    return new DimensionSchema(name, ValueType.STRING, null, true, true, 0);
  }

  /** Whether this dimension is typed by its values ({@code useSchemaDiscovery}). */
  public boolean isTypeAware()
  {
    return seenTypes != NOT_TYPE_AWARE;
  }

  /** This type-aware dimension having also seen {@code more} value types. */
  public DimensionSchema withSeenTypes(int more)
  {
    if (!isTypeAware()) {
      throw new IllegalStateException("dimension [" + name + "] is not type-aware");
    }
    return (seenTypes | more) == seenTypes
           ? this
           : new DimensionSchema(name, type, multiValueHandling, discovered, bitmapIndex, seenTypes | more);
  }

  /** This dimension with or without a bitmap index. */
  public DimensionSchema withBitmapIndex(boolean index)
  {
    return new DimensionSchema(name, type, multiValueHandling, discovered, index, seenTypes);
  }

  /**
   * The type a final segment stores: {@link #type()}, or for a type-aware dimension the least restrictive type of
   * the values it has held.
   */
  public ValueType writtenType()
  {
    if (!isTypeAware() || (seenTypes & SEEN_STRING) != 0 || seenTypes == 0) {
      return type;
    }
    return (seenTypes & SEEN_DOUBLE) != 0 ? ValueType.DOUBLE : ValueType.LONG;
  }

  /** A dimension with Druid's default multi-value handling (SORTED_ARRAY). */
  public DimensionSchema(String name, ValueType type)
  {
    this(name, type, null, false);
  }

  public static DimensionSchema string(String name)
  {
    return new DimensionSchema(name, ValueType.STRING);
  }

  /**
   * Druid's {@code multiValueHandling} of a string dimension: what happens to a row that holds several values.
   * Persisted by {@link #specName()}; never by {@code ordinal()}.
   */
  public enum MultiValueHandling
  {
    /** Values sorted, nulls first; duplicates kept. Druid's default. */
    SORTED_ARRAY("SORTED_ARRAY"),
    /** Values sorted, nulls first; duplicates removed. */
    SORTED_SET("SORTED_SET"),
    /** Values kept as they came, duplicates included. */
    ARRAY("ARRAY");

    private final String specName;

    MultiValueHandling(String specName)
    {
      this.specName = specName;
    }

    /** The name Druid writes in a dimensionsSpec, e.g. {@code "SORTED_ARRAY"}. */
    public String specName()
    {
      return specName;
    }

    /** Whether values are sorted before they are stored. */
    public boolean sorts()
    {
      return this != ARRAY;
    }

    /** Accepts Druid's names, case-insensitive (as Druid's {@code MultiValueHandling.fromString}). */
    public static MultiValueHandling fromName(String name)
    {
      if (name != null) {
        String n = name.toUpperCase(Locale.ROOT);
        for (MultiValueHandling h : values()) {
          if (h.specName.equals(n)) {
            return h;
          }
        }
      }
      throw new IllegalArgumentException(
          "Unknown multiValueHandling [" + name + "]; expected SORTED_ARRAY, SORTED_SET or ARRAY"
      );
    }
  }

  /**
   * Column value types. Persisted by {@link #druidName()} (descriptor {@code valueType}) and {@link #id()};
   * never by {@code ordinal()}.
   */
  public enum ValueType
  {
    STRING((byte) 0x01, "STRING", "string"),
    LONG((byte) 0x02, "LONG", "long"),
    FLOAT((byte) 0x03, "FLOAT", "float"),
    DOUBLE((byte) 0x04, "DOUBLE", "double");

    private final byte id;
    private final String druidName;
    private final String specName;

    ValueType(byte id, String druidName, String specName)
    {
      this.id = id;
      this.druidName = druidName;
      this.specName = specName;
    }

    /** Stable byte id for binary formats. */
    public byte id()
    {
      return id;
    }

    /** The name in a Druid column descriptor's {@code valueType}, e.g. {@code "LONG"}. */
    public String druidName()
    {
      return druidName;
    }

    /** The name in a Druid dimensionsSpec {@code type}, e.g. {@code "long"}. */
    public String specName()
    {
      return specName;
    }

    public static ValueType fromId(byte id)
    {
      for (ValueType t : values()) {
        if (t.id == id) {
          return t;
        }
      }
      throw new IllegalArgumentException("Unknown value type id [" + id + "]");
    }

    /** Accepts the descriptor or the spec name, case-insensitive. */
    public static ValueType fromName(String name)
    {
      if (name != null) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        for (ValueType t : values()) {
          if (t.druidName.equals(n)) {
            return t;
          }
        }
      }
      throw new IllegalArgumentException("Unknown value type [" + name + "]; expected string, long, float or double");
    }
  }
}
