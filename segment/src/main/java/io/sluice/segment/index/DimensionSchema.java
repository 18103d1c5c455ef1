package io.sluice.segment.index;

import java.util.Locale;

/**
 * One dimension of a segment: a name and the type Druid stores it as.
 *
 * @param name column name; not {@code __time}, not empty, no ',' or line breaks (they would corrupt meta.smoosh)
 * @param type how values are stored: STRING as a dictionary-encoded column, the others as numeric columns
 */
public record DimensionSchema(String name, ValueType type)
{
  public DimensionSchema
  {
    IndexSchema.checkColumnName(name, "dimension");
    if (type == null) {
      throw new IllegalArgumentException("dimension [" + name + "] has no type");
    }
  }

  public static DimensionSchema string(String name)
  {
    return new DimensionSchema(name, ValueType.STRING);
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
