package io.sluice.segment.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.segment.spec.IndexSpec.Compression;
import io.sluice.segment.spec.IndexSpec.LongEncoding;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** tuningConfig.indexSpec: Druid's field names, defaults and case-insensitive values, and what reaches the writer. */
class IndexSpecTest {
  private static TuningConfig tuning(String indexSpecJson) throws IOException {
    ObjectNode spec = SpecParserTest.sample();
    if (indexSpecJson != null) {
      ((ObjectNode) spec.get("tuningConfig")).set("indexSpec", SpecParserTest.JSON.readTree(indexSpecJson));
    }
    return SpecParser.parse(spec.toString()).tuningConfig();
  }

  @Test
  void absentOrEmptyIsDruidsDefault() throws IOException {
    TuningConfig none = tuning(null);
    assertNull(none.indexSpec());
    assertSame(IndexSpec.DEFAULT, none.indexSpecOrDefault());
    IndexSpec empty = tuning("{}").indexSpecOrDefault();
    assertEquals(IndexSpec.DEFAULT, empty);
    assertEquals(Compression.LZ4, empty.dimensionCompressionStrategy());
    assertEquals(Compression.LZ4, empty.metricCompressionStrategy());
    assertEquals(LongEncoding.LONGS, empty.longEncodingStrategy());
    assertEquals("roaring", empty.bitmap().type());
    assertEquals(true, empty.bitmap().compressRunOnSerialization());
  }

  @Test
  void everyAcceptedValueParsesCaseInsensitively() throws IOException {
    IndexSpec s = tuning("{\"bitmap\":{\"type\":\"roaring\",\"compressRunOnSerialization\":false},"
        + "\"dimensionCompression\":\"UNCOMPRESSED\",\"metricCompression\":\"None\",\"longEncoding\":\"AUTO\","
        + "\"stringDictionaryEncoding\":{\"type\":\"utf8\"}}").indexSpecOrDefault();
    assertEquals(Compression.UNCOMPRESSED, s.dimensionCompressionStrategy());
    assertEquals(Compression.NONE, s.metricCompressionStrategy());
    assertEquals(LongEncoding.AUTO, s.longEncodingStrategy());
    assertEquals(false, s.bitmap().compressRunOnSerialization());
    // normalized to Druid's lower-case names, and parsed back the same
    String json = SpecParser.mapper().writeValueAsString(s);
    assertEquals("{\"bitmap\":{\"type\":\"roaring\",\"compressRunOnSerialization\":false},"
        + "\"dimensionCompression\":\"uncompressed\",\"metricCompression\":\"none\",\"longEncoding\":\"auto\","
        + "\"stringDictionaryEncoding\":{\"type\":\"utf8\"}}", json);
    assertEquals(s, SpecParser.mapper().readValue(json, IndexSpec.class));
  }

  @Test
  void refusalsNameTheFieldAndSayNotSupportedBySluice() {
    SpecException e = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class,
        () -> tuning("{\"bitmap\":{\"type\":\"concise\"}}"));
    assertEquals("tuningConfig.indexSpec.bitmap.type", e.field());
    assertEquals(true, e.getMessage().contains("not supported by Sluice"), e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class,
        () -> tuning("{\"dimensionCompression\":\"lzf\"}"));
    assertEquals("tuningConfig.indexSpec.dimensionCompression", e.field());
    assertEquals(true, e.getMessage().contains("not supported by Sluice"), e.getMessage());
  }
}
