package io.sluice.segment.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * Druid's {@code tuningConfig.indexSpec} (and {@code indexSpecForIntermediatePersists}): how a segment's columns are
 * stored. Field names and defaults are Druid's; values are case-insensitive as in Druid. The writer honours every
 * accepted value byte for byte as Druid 37's IndexMergerV9 writes it.
 *
 * <ul>
 *   <li>{@code bitmap}: {@code {"type":"roaring","compressRunOnSerialization":true}}. Druid 37 ignores
 *       {@code compressRunOnSerialization} (it always run-optimizes roaring bitmaps), and so does Sluice; the field
 *       is accepted because older specs carry it. {@code concise} is refused.</li>
 *   <li>{@code dimensionCompression}: string columns, {@code lz4} (default) or {@code uncompressed}. {@code none} is
 *       refused: Druid 37 cannot write string columns with it (its persist fails).</li>
 *   <li>{@code metricCompression}: every numeric column ({@code __time}, metrics, long/float/double dimensions),
 *       {@code lz4} (default), {@code uncompressed} (64 KiB blocks stored as they are) or {@code none} (one
 *       unblocked run of values).</li>
 *   <li>{@code longEncoding}: {@code longs} (default, 8 bytes a value) or {@code auto} (a table of up to 256
 *       distinct values, else offsets from the minimum, bit-packed).</li>
 * </ul>
 * {@code lzf} and {@code zstd} compression, and Druid's other indexSpec fields (front-coded dictionaries, complex and
 * nested column settings, custom segment loaders), are refused as not supported by Sluice.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexSpec(
    @JsonProperty("bitmap") Bitmap bitmap,
    @JsonProperty("dimensionCompression") String dimensionCompression,
    @JsonProperty("metricCompression") String metricCompression,
    @JsonProperty("longEncoding") String longEncoding,
    @JsonProperty("stringDictionaryEncoding") Object stringDictionaryEncoding,
    @JsonProperty("complexMetricCompression") Object complexMetricCompression,
    @JsonProperty("jsonCompression") Object jsonCompression,
    @JsonProperty("metadataCompression") Object metadataCompression,
    @JsonProperty("segmentLoader") Object segmentLoader,
    @JsonProperty("autoColumnFormatSpec") Object autoColumnFormatSpec,
    @JsonProperty("stringColumnFormatSpec") Object stringColumnFormatSpec) {

  /** Druid's defaults: roaring, LZ4 for dimensions and metrics, longs stored as they are. */
  public static final IndexSpec DEFAULT = of(Compression.LZ4, Compression.LZ4, LongEncoding.LONGS);

  /** Druid's {@code CompressionStrategy} values Sluice writes, with their stored ids (never ordinal()). */
  public enum Compression {
    LZ4((byte) 0x01),
    UNCOMPRESSED((byte) 0xFF),
    NONE((byte) 0xFE);

    private final byte id;

    Compression(byte id) {
      this.id = id;
    }

    /** The id stored in compressed column headers. */
    public byte id() {
      return id;
    }

    /** The JSON name, as Druid writes it. */
    public String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Druid's {@code LongEncodingStrategy}. */
  public enum LongEncoding {
    LONGS,
    AUTO;

    public String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code {"type":"roaring","compressRunOnSerialization":bool}}; the flag defaults to true. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Bitmap(
      @JsonProperty("type") String type,
      @JsonProperty("compressRunOnSerialization") Boolean compressRunOnSerialization) {
    public Bitmap {
      type = type == null ? "roaring" : type;
      if ("concise".equalsIgnoreCase(type)) {
        throw new SpecException("type", "concise bitmaps are not supported by Sluice; use roaring (the default)");
      }
      if (!"roaring".equalsIgnoreCase(type)) {
        throw new SpecException("type", "unknown bitmap type '" + type + "'; use roaring");
      }
      type = "roaring";
      compressRunOnSerialization = compressRunOnSerialization == null || compressRunOnSerialization;
    }
  }

  public IndexSpec {
    bitmap = bitmap == null ? new Bitmap(null, null) : bitmap;
    dimensionCompression = compression(dimensionCompression, "dimensionCompression").jsonName();
    if (Compression.NONE.jsonName().equals(dimensionCompression)) {
      throw new SpecException("dimensionCompression", "'none' is not supported by Sluice: Druid 37 cannot write "
          + "string columns without blocks either; use lz4 or uncompressed");
    }
    metricCompression = compression(metricCompression, "metricCompression").jsonName();
    longEncoding = longEncoding(longEncoding).jsonName();
    if (stringDictionaryEncoding != null && !isUtf8Encoding(stringDictionaryEncoding)) {
      throw new SpecException("stringDictionaryEncoding", "only {\"type\":\"utf8\"} (the default) is supported by "
          + "Sluice; front-coded dictionaries are not");
    }
    refuse(complexMetricCompression, "complexMetricCompression");
    refuse(jsonCompression, "jsonCompression");
    refuse(metadataCompression, "metadataCompression");
    refuse(segmentLoader, "segmentLoader");
    refuse(autoColumnFormatSpec, "autoColumnFormatSpec");
    refuse(stringColumnFormatSpec, "stringColumnFormatSpec");
  }

  /** An index spec with the default bitmap and the given choices. */
  public static IndexSpec of(Compression dimensions, Compression metrics, LongEncoding longs) {
    return new IndexSpec(null, dimensions.jsonName(), metrics.jsonName(), longs.jsonName(), null, null, null, null,
        null, null, null);
  }

  @JsonIgnore
  public Compression dimensionCompressionStrategy() {
    return Compression.valueOf(dimensionCompression.toUpperCase(Locale.ROOT));
  }

  @JsonIgnore
  public Compression metricCompressionStrategy() {
    return Compression.valueOf(metricCompression.toUpperCase(Locale.ROOT));
  }

  @JsonIgnore
  public LongEncoding longEncodingStrategy() {
    return LongEncoding.valueOf(longEncoding.toUpperCase(Locale.ROOT));
  }

  private static Compression compression(String value, String field) {
    if (value == null) return Compression.LZ4;
    String v = value.toUpperCase(Locale.ROOT);
    if (v.equals("LZF") || v.equals("ZSTD")) {
      throw new SpecException(field, "'" + value + "' compression is not supported by Sluice; use lz4, "
          + "uncompressed or none");
    }
    for (Compression c : Compression.values()) {
      if (c.name().equals(v)) return c;
    }
    throw new SpecException(field, "unknown compression '" + value + "'; use lz4, uncompressed or none");
  }

  private static LongEncoding longEncoding(String value) {
    if (value == null) return LongEncoding.LONGS;
    for (LongEncoding e : LongEncoding.values()) {
      if (e.name().equals(value.toUpperCase(Locale.ROOT))) return e;
    }
    throw new SpecException("longEncoding", "unknown long encoding '" + value + "'; use longs or auto");
  }

  private static boolean isUtf8Encoding(Object encoding) {
    return encoding instanceof java.util.Map<?, ?> m && m.size() == 1 && "utf8".equals(m.get("type"));
  }

  private static void refuse(Object value, String field) {
    if (value != null) throw new SpecException(field, "is not supported by Sluice");
  }
}
