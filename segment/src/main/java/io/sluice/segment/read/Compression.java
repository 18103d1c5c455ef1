package io.sluice.segment.read;

/**
 * Druid's {@code CompressionStrategy} ids, as stored in column headers. Read by id, never by ordinal.
 */
enum Compression
{
  LZF((byte) 0x00, "lzf"),
  LZ4((byte) 0x01, "lz4"),
  ZSTD((byte) 0x02, "zstd"),
  UNCOMPRESSED((byte) 0xFF, "uncompressed"),
  /** Longs, floats and doubles only: no blocks, the values follow the header directly. */
  NONE((byte) 0xFE, "none");

  private final byte id;
  private final String jsonName;

  Compression(byte id, String jsonName)
  {
    this.id = id;
    this.jsonName = jsonName;
  }

  byte id()
  {
    return id;
  }

  /** The name IndexSpec uses, e.g. {@code "lz4"}. */
  String jsonName()
  {
    return jsonName;
  }

  static Compression forId(byte id, Input in, long at)
  {
    for (Compression c : values()) {
      if (c.id == id) {
        return c;
      }
    }
    throw in.errorAt(at, "unknown compression id 0x" + Integer.toHexString(id & 0xFF));
  }
}
