package io.sluice.segment.read;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A column this reader lists but does not decode: complex metrics other than first/last pairs (e.g.
 * {@code serializablePairLongString}, sketches), nested ({@code nestedCommonFormat}) columns, and any other part type.
 */
public final class OpaqueColumn extends Column
{
  private final String complexTypeName;

  OpaqueColumn(String name, String valueType, String partType, String complexTypeName, long sizeBytes)
  {
    super(name, valueType, partType, sizeBytes);
    this.complexTypeName = complexTypeName;
  }

  /** For a complex column, its type name (e.g. {@code serializablePairLongString}); else null. */
  public String complexTypeName()
  {
    return complexTypeName;
  }

  @Override
  public String typeName()
  {
    return complexTypeName == null ? valueType() : "COMPLEX<" + complexTypeName + ">";
  }

  @Override
  public int rows()
  {
    return -1;
  }

  @Override
  public Object value(int row)
  {
    throw new UnsupportedOperationException(
        "column " + name() + " (" + typeName() + ", part " + partType() + ") is listed but not decoded"
    );
  }

  @Override
  public Map<String, Object> details()
  {
    final Map<String, Object> d = new LinkedHashMap<>();
    d.put("decoded", false);
    return d;
  }
}
