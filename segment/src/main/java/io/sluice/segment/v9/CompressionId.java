package io.sluice.segment.v9;

/**
 * Druid's {@code CompressionStrategy} ids, as stored in compressed column headers. Explicit bytes, never ordinal().
 * Sluice writes only {@link #LZ4}.
 */
enum CompressionId
{
  LZF((byte) 0x00),
  LZ4((byte) 0x01),
  ZSTD((byte) 0x02),
  UNCOMPRESSED((byte) 0xFF),
  NONE((byte) 0xFE);

  private final byte id;

  CompressionId(byte id)
  {
    this.id = id;
  }

  byte id()
  {
    return id;
  }

  static CompressionId fromId(byte id)
  {
    for (CompressionId c : values()) {
      if (c.id == id) {
        return c;
      }
    }
    throw new IllegalArgumentException("Unknown compression id [" + id + "]");
  }
}
