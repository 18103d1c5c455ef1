package io.sluice.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class StreamPartitionTest {
  private static final ObjectMapper JSON = JacksonJsonPayloadConverter.newDefaultObjectMapper();

  @Test
  void singleTopicJsonIsTheFormerIntegerForm() throws Exception {
    Map<StreamPartition, Long> offsets = new TreeMap<>(Map.of(StreamPartition.of(0), 5L, StreamPartition.of(12), 7L));
    String json = JSON.writeValueAsString(offsets);
    assertEquals("{\"0\":5,\"12\":7}", json);
    assertEquals(json, JSON.writeValueAsString(new TreeMap<>(Map.of(0, 5L, 12, 7L))));
    assertEquals(offsets, JSON.readValue(json, new TypeReference<Map<StreamPartition, Long>>() {}));

    List<StreamPartition> list = List.of(StreamPartition.of(0), StreamPartition.of(3));
    assertEquals("[0,3]", JSON.writeValueAsString(list));
    assertEquals(list, JSON.readValue("[0,3]", new TypeReference<List<StreamPartition>>() {}));
    assertEquals(list, JSON.readValue("[\"0\",\"3\"]", new TypeReference<List<StreamPartition>>() {}));
  }

  @Test
  void multiTopicJsonIsTopicColonPartition() throws Exception {
    Map<StreamPartition, Long> offsets = new TreeMap<>(
        Map.of(StreamPartition.of("metrics-a", 3), 5L, StreamPartition.of("metrics.b_2", 0), 9L));
    String json = JSON.writeValueAsString(offsets);
    assertEquals("{\"metrics-a:3\":5,\"metrics.b_2:0\":9}", json);
    assertEquals(offsets, JSON.readValue(json, new TypeReference<Map<StreamPartition, Long>>() {}));

    List<StreamPartition> list = List.of(StreamPartition.of("metrics-a", 3));
    assertEquals("[\"metrics-a:3\"]", JSON.writeValueAsString(list));
    assertEquals(list, JSON.readValue("[\"metrics-a:3\"]", new TypeReference<List<StreamPartition>>() {}));
    record Holder(StreamPartition p, Map<StreamPartition, Long> m) {}
    Holder h = new Holder(StreamPartition.of("t", 1), Map.of(StreamPartition.of(2), 3L));
    assertEquals(h, JSON.readValue(JSON.writeValueAsString(h), Holder.class));
  }

  @Test
  void ordersSingleTopicFirstThenByTopicAndPartition() {
    List<StreamPartition> l = new ArrayList<>(List.of(StreamPartition.of("b", 0), StreamPartition.of("a", 10),
        StreamPartition.of("a", 2), StreamPartition.of(1)));
    l.sort(null);
    assertEquals(List.of(StreamPartition.of(1), StreamPartition.of("a", 2), StreamPartition.of("a", 10),
        StreamPartition.of("b", 0)), l);
  }

  @Test
  void rejectsWhatIsNotAPartition() {
    assertThrows(IllegalArgumentException.class, () -> StreamPartition.fromString("x"));
    assertThrows(IllegalArgumentException.class, () -> StreamPartition.fromString("t:"));
    assertThrows(IllegalArgumentException.class, () -> StreamPartition.of(-1));
  }
}
