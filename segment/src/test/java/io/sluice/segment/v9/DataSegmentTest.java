package io.sluice.segment.v9;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.segment.granularity.Granularity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DataSegmentTest
{
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long START = Instant.parse("2023-11-14T22:00:00Z").toEpochMilli();
  private static final long END = Instant.parse("2023-11-14T23:00:00Z").toEpochMilli();

  @Test
  void identifierFollowsDruidsRule()
  {
    assertEquals(
        "minv9_2023-11-14T22:00:00.000Z_2023-11-14T23:00:00.000Z_2026-01-01T00:00:00.000Z",
        DataSegment.identifier("minv9", START, END, "2026-01-01T00:00:00.000Z", 0)
    );
    assertEquals(
        "minv9_2023-11-14T22:00:00.000Z_2023-11-14T23:00:00.000Z_v1_3",
        DataSegment.identifier("minv9", START, END, "v1", 3)
    );
  }

  @Test
  void isoFormatterMatchesJoda()
  {
    assertEquals("2023-11-14T22:00:00.000Z", DataSegment.iso(START));
    assertEquals("1970-01-01T00:00:00.001Z", DataSegment.iso(1));
    assertEquals("1969-12-31T23:59:59.999Z", DataSegment.iso(-1));
    assertEquals("-146136543-09-08T08:23:32.096Z", DataSegment.iso(Granularity.MIN_INSTANT));
    assertEquals("146140482-04-24T15:36:27.903Z", DataSegment.iso(Granularity.MAX_INSTANT));
    assertEquals(START, DataSegment.parseIso("2023-11-14T22:00:00.000Z"));
    assertEquals(START, DataSegment.parseIso("2023-11-14T22:00:00Z"));
    assertEquals(Granularity.MIN_INSTANT, DataSegment.parseIso("-146136543-09-08T08:23:32.096Z"));
    assertThrows(IllegalArgumentException.class, () -> DataSegment.parseIso("yesterday"));
  }

  @Test
  void jsonMatchesDruidsPayload() throws Exception
  {
    Map<String, Object> loadSpec = new LinkedHashMap<>();
    loadSpec.put("type", "s3_zip");
    loadSpec.put("bucket", "b");
    loadSpec.put("key", "base/minv9/x/index.zip");
    loadSpec.put("S3Schema", "s3n");
    DataSegment segment = DataSegment.create(
        "minv9", START, END, "2026-01-01T00:00:00.000Z", loadSpec,
        List.of("host", "status"), List.of("count", "bytes_sum", "value_sum", "ratio"), 0, 1980182
    );
    String json = JSON.writeValueAsString(segment);
    assertEquals(
        "{\"dataSource\":\"minv9\",\"interval\":\"2023-11-14T22:00:00.000Z/2023-11-14T23:00:00.000Z\","
        + "\"version\":\"2026-01-01T00:00:00.000Z\","
        + "\"loadSpec\":{\"type\":\"s3_zip\",\"bucket\":\"b\",\"key\":\"base/minv9/x/index.zip\",\"S3Schema\":\"s3n\"},"
        + "\"dimensions\":\"host,status\",\"metrics\":\"count,bytes_sum,value_sum,ratio\","
        + "\"shardSpec\":{\"type\":\"numbered\",\"partitionNum\":0,\"partitions\":0},"
        + "\"binaryVersion\":9,\"size\":1980182,"
        + "\"identifier\":\"minv9_2023-11-14T22:00:00.000Z_2023-11-14T23:00:00.000Z_2026-01-01T00:00:00.000Z\"}",
        json
    );
    DataSegment back = JSON.readValue(json.replace("\"size\"", "\"lastCompactionState\":null,\"size\""),
                                      DataSegment.class);
    assertEquals(segment, back);
    assertEquals(START, back.startMillis());
    assertEquals(END, back.endMillis());
  }
}
