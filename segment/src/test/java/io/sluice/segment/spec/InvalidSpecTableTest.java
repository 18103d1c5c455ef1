package io.sluice.segment.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A table of invalid specs: each is one or two small JSON edits of {@code sample-supervisor-spec.json} and the exact
 * {@link SpecException#field()} path a user must see. An edit is a JSON pointer ({@code /ioConfig/taskCount}) and a
 * JSON value, or {@link #REMOVE}; missing parent objects are created.
 */
class InvalidSpecTableTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REMOVE = "<remove>";

  /** One table row: a name, the expected field path, and edits as pointer/value pairs. */
  record Case(String name, String field, List<String[]> edits, boolean wrapped) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<Case> CASES = new ArrayList<>();

  private static void c(String name, String field, String... pointerValuePairs) {
    add(name, field, false, pointerValuePairs);
  }

  /** Like {@link #c}, on the sample in Druid's wrapped form ({@code {"type":"kafka","spec":{…}}}). */
  private static void wrapped(String name, String field, String... pointerValuePairs) {
    add(name, field, true, pointerValuePairs);
  }

  private static void add(String name, String field, boolean wrapped, String... pv) {
    if (pv.length % 2 != 0) throw new IllegalArgumentException(name);
    List<String[]> edits = new ArrayList<>();
    for (int i = 0; i < pv.length; i += 2) edits.add(new String[] {pv[i], pv[i + 1]});
    CASES.add(new Case(name, field, edits, wrapped));
  }

  private static String q(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static {
    // Unknown or misspelled fields, at every level.
    c("unknown top-level field", "tunningConfig", "/tunningConfig", "{}");
    c("unknown dataSchema field", "dataSchema.dataSorce", "/dataSchema/dataSorce", "\"x\"");
    c("unknown timestampSpec field", "dataSchema.timestampSpec.colunm", "/dataSchema/timestampSpec/colunm", "\"t\"");
    c("unknown dimensionsSpec field", "dataSchema.dimensionsSpec.dimensionExclusion",
        "/dataSchema/dimensionsSpec/dimensionExclusion", "[]");
    c("unknown metricsSpec[2] field", "dataSchema.metricsSpec[2].field",
        "/dataSchema/metricsSpec/2/field", "\"value\"");
    c("unknown granularitySpec field", "dataSchema.granularitySpec.segmentGranularty",
        "/dataSchema/granularitySpec/segmentGranularty", "\"DAY\"");
    c("unknown transformSpec field", "dataSchema.transformSpec.transform",
        "/dataSchema/transformSpec/transform", "[]");
    c("unknown ioConfig field", "ioConfig.taskCuont", "/ioConfig/taskCuont", "2");
    c("unknown inputFormat field", "ioConfig.inputFormat.flatenSpec", "/ioConfig/inputFormat/flatenSpec", "{}");
    c("unknown tuningConfig field", "tuningConfig.maxRowsInMemmory", "/tuningConfig/maxRowsInMemmory", "1");
    c("unknown autoScalerConfig field", "ioConfig.autoScalerConfig.taskCountMaximum",
        "/ioConfig/autoScalerConfig", "{\"taskCountMax\":2,\"taskCountMin\":1,\"taskCountMaximum\":3}");
    c("unknown idleConfig field", "ioConfig.idleConfig.inactiveAfterMilis",
        "/ioConfig/idleConfig", "{\"inactiveAfterMilis\":1000}");
    c("unknown field in a typed dimension", "dataSchema.dimensionsSpec.dimensions[0].nmae",
        "/dataSchema/dimensionsSpec/dimensions", "[{\"type\":\"string\",\"nmae\":\"x\"}]");

    // Wrong types.
    c("taskCount as a string", "ioConfig.taskCount", "/ioConfig/taskCount", "\"two\"");
    c("useEarliestOffset as a string", "ioConfig.useEarliestOffset", "/ioConfig/useEarliestOffset", "\"true\"");
    c("pollTimeout as a float", "ioConfig.pollTimeout", "/ioConfig/pollTimeout", "1.5");
    c("topic as an object", "ioConfig.topic", "/ioConfig/topic", "{}");
    c("metricsSpec as an object", "dataSchema.metricsSpec", "/dataSchema/metricsSpec", "{}");
    c("dataSchema as an array", "dataSchema", "/dataSchema", "[]");
    c("rollup as a string", "dataSchema.granularitySpec.rollup", "/dataSchema/granularitySpec/rollup", "\"yes\"");
    c("maxRowsInMemory as a string", "tuningConfig.maxRowsInMemory", "/tuningConfig/maxRowsInMemory", "\"1000\"");
    c("autoScalerConfig as a string", "ioConfig.autoScalerConfig", "/ioConfig/autoScalerConfig", "\"lagBased\"");
    c("taskCountMax as a string", "ioConfig.autoScalerConfig.taskCountMax",
        "/ioConfig/autoScalerConfig", "{\"taskCountMax\":\"6\",\"taskCountMin\":1}");
    c("idleConfig.enabled as a string", "ioConfig.idleConfig.enabled",
        "/ioConfig/idleConfig", "{\"enabled\":\"false\"}");

    // Out-of-range numbers.
    c("zero taskCount", "ioConfig.taskCount", "/ioConfig/taskCount", "0");
    c("negative pollTimeout", "ioConfig.pollTimeout", "/ioConfig/pollTimeout", "-1");
    c("replicas as a string", "ioConfig.replicas", "/ioConfig/replicas", "\"two\"");
    c("zero maxRowsPerSegment", "tuningConfig.maxRowsPerSegment", "/tuningConfig/maxRowsPerSegment", "0");
    c("negative maxPendingPersists", "tuningConfig.maxPendingPersists", "/tuningConfig/maxPendingPersists", "-1");
    c("negative handoffConditionTimeout", "tuningConfig.handoffConditionTimeout",
        "/tuningConfig/handoffConditionTimeout", "-5");
    c("negative chatRetries", "tuningConfig.chatRetries", "/tuningConfig/chatRetries", "-1");
    c("taskCount beyond int", "ioConfig.taskCount", "/ioConfig/taskCount", "4294967296");
    c("taskCountMax < taskCountMin", "ioConfig.autoScalerConfig.taskCountMax",
        "/ioConfig/autoScalerConfig", "{\"taskCountMax\":1,\"taskCountMin\":2}");
    c("taskCountMin zero", "ioConfig.autoScalerConfig.taskCountMin",
        "/ioConfig/autoScalerConfig", "{\"taskCountMax\":1,\"taskCountMin\":0}");
    c("taskCountMax missing", "ioConfig.autoScalerConfig.taskCountMax",
        "/ioConfig/autoScalerConfig", "{\"taskCountMin\":1}");
    c("scale-out fraction above 1", "ioConfig.autoScalerConfig.triggerScaleOutFractionThreshold",
        "/ioConfig/autoScalerConfig", "{\"taskCountMax\":2,\"taskCountMin\":1,\"triggerScaleOutFractionThreshold\":1.5}");
    c("scale-in fraction below 0", "ioConfig.autoScalerConfig.triggerScaleInFractionThreshold",
        "/ioConfig/autoScalerConfig", "{\"taskCountMax\":2,\"taskCountMin\":1,\"triggerScaleInFractionThreshold\":-0.1}");
    c("zero lagCollectionIntervalMillis", "ioConfig.autoScalerConfig.lagCollectionIntervalMillis",
        "/ioConfig/autoScalerConfig", "{\"taskCountMax\":2,\"taskCountMin\":1,\"lagCollectionIntervalMillis\":0}");
    c("negative scaleActionPeriodMillis", "ioConfig.autoScalerConfig.scaleActionPeriodMillis",
        "/ioConfig/autoScalerConfig", "{\"taskCountMax\":2,\"taskCountMin\":1,\"scaleActionPeriodMillis\":-1}");
    c("zero scaleOutStep", "ioConfig.autoScalerConfig.scaleOutStep",
        "/ioConfig/autoScalerConfig", "{\"taskCountMax\":2,\"taskCountMin\":1,\"scaleOutStep\":0}");
    c("unknown autoScalerStrategy", "ioConfig.autoScalerConfig.autoScalerStrategy",
        "/ioConfig/autoScalerConfig", "{\"taskCountMax\":2,\"taskCountMin\":1,\"autoScalerStrategy\":\"cpuBased\"}");
    c("autoscaler enabled with taskCountMax < taskCountMin", "ioConfig.autoScalerConfig.taskCountMax",
        "/ioConfig/autoScalerConfig", "{\"enableTaskAutoScaler\":true,\"taskCountMax\":1,\"taskCountMin\":2}");
    c("zero inactiveAfterMillis", "ioConfig.idleConfig.inactiveAfterMillis",
        "/ioConfig/idleConfig", "{\"inactiveAfterMillis\":0}");

    // ISO periods and dates.
    c("taskDuration not ISO", "ioConfig.taskDuration", "/ioConfig/taskDuration", "\"1 hour\"");
    c("zero taskDuration", "ioConfig.taskDuration", "/ioConfig/taskDuration", "\"PT0S\"");
    c("negative startDelay", "ioConfig.startDelay", "/ioConfig/startDelay", "\"-PT5S\"");
    c("period in months", "ioConfig.period", "/ioConfig/period", "\"P1M\"");
    c("completionTimeout not ISO", "ioConfig.completionTimeout", "/ioConfig/completionTimeout", "\"30m\"");
    c("lateMessageRejectionPeriod not ISO", "ioConfig.lateMessageRejectionPeriod",
        "/ioConfig/lateMessageRejectionPeriod", "\"PTH\"");
    c("earlyMessageRejectionPeriod not ISO", "ioConfig.earlyMessageRejectionPeriod",
        "/ioConfig/earlyMessageRejectionPeriod", "\"1h\"");
    c("lateMessageRejectionStartDateTime not a date", "ioConfig.lateMessageRejectionStartDateTime",
        "/ioConfig/lateMessageRejectionStartDateTime", "\"yesterday\"");
    c("intermediatePersistPeriod not ISO", "tuningConfig.intermediatePersistPeriod",
        "/tuningConfig/intermediatePersistPeriod", "\"10 minutes\"");
    c("httpTimeout not ISO", "tuningConfig.httpTimeout", "/tuningConfig/httpTimeout", "\"PT\"");
    c("timestamp missingValue not a date", "dataSchema.timestampSpec.missingValue",
        "/dataSchema/timestampSpec/missingValue", "\"2016-13-45\"");
    c("both late-rejection options", "ioConfig.lateMessageRejectionPeriod",
        "/ioConfig/lateMessageRejectionPeriod", "\"PT1H\"",
        "/ioConfig/lateMessageRejectionStartDateTime", "\"2016-01-01T11:00Z\"");
    c("offsetFetchPeriod below PT5S", "tuningConfig.offsetFetchPeriod", "/tuningConfig/offsetFetchPeriod", "\"PT4S\"");

    // Names: clashes, duplicates, dataSources.
    c("dimension named like a metric", "dataSchema.dimensionsSpec.dimensions[1]",
        "/dataSchema/dimensionsSpec/dimensions", "[\"host\",\"value_sum\"]");
    c("duplicate metric name", "dataSchema.metricsSpec[3].name", "/dataSchema/metricsSpec/3/name", "\"value_min\"");
    c("duplicate dimension", "dataSchema.dimensionsSpec.dimensions[1]",
        "/dataSchema/dimensionsSpec/dimensions", "[\"host\",\"host\"]");
    c("metric named __time", "dataSchema.metricsSpec[0].name", "/dataSchema/metricsSpec/0/name", "\"__time\"");
    c("dataSource with '/'", "dataSchema.dataSource", "/dataSchema/dataSource", "\"a/b\"");
    c("dataSource with leading '.'", "dataSchema.dataSource", "/dataSchema/dataSource", "\"..\"");
    c("dataSource with a space", "dataSchema.dataSource", "/dataSchema/dataSource", "\"my data\"");
    c("dataSource with a tab", "dataSchema.dataSource", "/dataSchema/dataSource", "\"a\\tb\"");
    c("dataSource with a control char", "dataSchema.dataSource", "/dataSchema/dataSource", "\"a\\u0001b\"");
    c("dataSource with a non-breaking space", "dataSchema.dataSource", "/dataSchema/dataSource", "\"a\\u00a0b\"");
    c("dataSource of 256 chars", "dataSchema.dataSource", "/dataSchema/dataSource", q("d".repeat(256)));
    c("dataSource _sluice", "dataSchema.dataSource", "/dataSchema/dataSource", "\"_sluice\"");
    c("empty dataSource", "dataSchema.dataSource", "/dataSchema/dataSource", "\"\"");
    c("missing dataSource", "dataSchema.dataSource", "/dataSchema/dataSource", REMOVE);

    // Aggregators.
    c("unsupported aggregator type", "dataSchema.metricsSpec[1].type",
        "/dataSchema/metricsSpec/1/type", "\"doubleAverage\"");
    c("hyperUnique aggregator", "dataSchema.metricsSpec[0].type", "/dataSchema/metricsSpec/0/type",
        "\"hyperUnique\"");
    c("aggregator without type", "dataSchema.metricsSpec[2].type", "/dataSchema/metricsSpec/2/type", REMOVE);
    c("aggregator without fieldName", "dataSchema.metricsSpec[2].fieldName",
        "/dataSchema/metricsSpec/2/fieldName", REMOVE);
    c("count with a fieldName", "dataSchema.metricsSpec[0].fieldName",
        "/dataSchema/metricsSpec/0/fieldName", "\"value\"");
    c("aggregator with a fieldName and an expression", "dataSchema.metricsSpec[1].expression",
        "/dataSchema/metricsSpec/1/expression", "\"value * 2\"");
    c("aggregator expression that does not parse", "dataSchema.metricsSpec[1].expression",
        "/dataSchema/metricsSpec/1/fieldName", REMOVE, "/dataSchema/metricsSpec/1/expression", "\"value *\"");
    c("aggregator expression with an unknown function", "dataSchema.metricsSpec[2].expression",
        "/dataSchema/metricsSpec/2/fieldName", REMOVE, "/dataSchema/metricsSpec/2/expression", "\"sqrt(value)\"");
    c("empty aggregator expression", "dataSchema.metricsSpec[3].expression",
        "/dataSchema/metricsSpec/3/fieldName", REMOVE, "/dataSchema/metricsSpec/3/expression", "\"  \"");
    c("count with an expression", "dataSchema.metricsSpec[0].expression",
        "/dataSchema/metricsSpec/0/expression", "\"value\"");
    c("longFirst without fieldName", "dataSchema.metricsSpec[1].fieldName",
        "/dataSchema/metricsSpec/1/type", "\"longFirst\"", "/dataSchema/metricsSpec/1/fieldName", REMOVE);
    c("doubleLast with an empty fieldName", "dataSchema.metricsSpec[2].fieldName",
        "/dataSchema/metricsSpec/2/type", "\"doubleLast\"", "/dataSchema/metricsSpec/2/fieldName", "\"\"");
    c("floatFirst with an empty timeColumn", "dataSchema.metricsSpec[3].timeColumn",
        "/dataSchema/metricsSpec/3/type", "\"floatFirst\"", "/dataSchema/metricsSpec/3/timeColumn", "\" \"");
    c("timeColumn on a sum", "dataSchema.metricsSpec[1].timeColumn",
        "/dataSchema/metricsSpec/1/timeColumn", "\"__time\"");
    c("longLast with an expression", "dataSchema.metricsSpec[1].expression",
        "/dataSchema/metricsSpec/1/type", "\"longLast\"", "/dataSchema/metricsSpec/1/expression", "\"value\"");
    c("stringFirst aggregator", "dataSchema.metricsSpec[1].type", "/dataSchema/metricsSpec/1/type",
        "\"stringFirst\"");

    // Granularities.
    c("unknown segmentGranularity", "dataSchema.granularitySpec.segmentGranularity",
        "/dataSchema/granularitySpec/segmentGranularity", "\"FORTNIGHT\"");
    c("unknown queryGranularity", "dataSchema.granularitySpec.queryGranularity",
        "/dataSchema/granularitySpec/queryGranularity", "\"SOMETIMES\"");
    c("granularitySpec type arbitrary", "dataSchema.granularitySpec.type",
        "/dataSchema/granularitySpec/type", "\"arbitrary\"");
    c("granularitySpec intervals", "dataSchema.granularitySpec.intervals",
        "/dataSchema/granularitySpec/intervals", "[\"2020-01-01/2020-01-02\"]");
    c("period granularity not ISO", "dataSchema.granularitySpec.segmentGranularity.period",
        "/dataSchema/granularitySpec/segmentGranularity", "{\"type\":\"period\",\"period\":\"hourly\"}");

    // Timestamp formats.
    c("timestamp format with unknown letter", "dataSchema.timestampSpec.format",
        "/dataSchema/timestampSpec/format", "\"yyyy-MM-dd qq\"");
    c("timestamp format unknown name", "dataSchema.timestampSpec.format",
        "/dataSchema/timestampSpec/format", "\"epoch\"");

    // inputFormat.
    c("unknown inputFormat type", "ioConfig.inputFormat.type", "/ioConfig/inputFormat/type", "\"xml\"");
    c("missing inputFormat", "ioConfig.inputFormat", "/ioConfig/inputFormat", REMOVE);
    c("csv without columns", "ioConfig.inputFormat.columns", "/ioConfig/inputFormat", "{\"type\":\"csv\"}");
    c("csv duplicate columns", "ioConfig.inputFormat.columns[1]",
        "/ioConfig/inputFormat", "{\"type\":\"csv\",\"columns\":[\"a\",\"a\"]}");
    c("csv findColumnsFromHeader", "ioConfig.inputFormat.findColumnsFromHeader",
        "/ioConfig/inputFormat", "{\"type\":\"csv\",\"columns\":[\"a\"],\"findColumnsFromHeader\":true}");
    c("tsv empty delimiter", "ioConfig.inputFormat.delimiter",
        "/ioConfig/inputFormat", "{\"type\":\"tsv\",\"columns\":[\"a\"],\"delimiter\":\"\"}");
    c("negative skipHeaderRows", "ioConfig.inputFormat.skipHeaderRows",
        "/ioConfig/inputFormat", "{\"type\":\"csv\",\"columns\":[\"a\"],\"skipHeaderRows\":-1}");
    c("json with columns", "ioConfig.inputFormat.columns", "/ioConfig/inputFormat/columns", "[\"a\"]");
    c("jq flatten field", "ioConfig.inputFormat.flattenSpec.fields[0].type", "/ioConfig/inputFormat/flattenSpec",
        "{\"fields\":[{\"type\":\"jq\",\"name\":\"x\",\"expr\":\".x\"}]}");
    c("bad JSONPath", "ioConfig.inputFormat.flattenSpec.fields[0].expr", "/ioConfig/inputFormat/flattenSpec",
        "{\"fields\":[{\"type\":\"path\",\"name\":\"x\",\"expr\":\"$.[\"}]}");
    c("unknown JSON feature", "ioConfig.inputFormat.featureSpec.ALLOW_EVERYTHING",
        "/ioConfig/inputFormat/featureSpec", "{\"ALLOW_EVERYTHING\":true}");

    // Filters and expressions.
    c("unknown filter type", "dataSchema.transformSpec.filter.type",
        "/dataSchema/transformSpec/filter", "{\"type\":\"magic\",\"dimension\":\"x\"}");
    c("in filter without values", "dataSchema.transformSpec.filter.values",
        "/dataSchema/transformSpec/filter", "{\"type\":\"in\",\"dimension\":\"x\"}");
    c("bound filter without bounds", "dataSchema.transformSpec.filter.lower",
        "/dataSchema/transformSpec/filter", "{\"type\":\"bound\",\"dimension\":\"x\"}");
    c("unparsable expression", "dataSchema.transformSpec.transforms[0].expression",
        "/dataSchema/transformSpec/transforms", "[{\"type\":\"expression\",\"name\":\"y\",\"expression\":\"x +\"}]");
    c("transform without a name", "dataSchema.transformSpec.transforms[0].name",
        "/dataSchema/transformSpec/transforms", "[{\"type\":\"expression\",\"expression\":\"x\"}]");
    c("duplicate transform name", "dataSchema.transformSpec.transforms[1].name",
        "/dataSchema/transformSpec/transforms",
        "[{\"type\":\"expression\",\"name\":\"y\",\"expression\":\"x\"},"
            + "{\"type\":\"expression\",\"name\":\"y\",\"expression\":\"x\"}]");

    // Consumer properties and password providers.
    c("missing bootstrap.servers", "ioConfig.consumerProperties.bootstrap.servers",
        "/ioConfig/consumerProperties/bootstrap.servers", REMOVE);
    c("unknown password provider type", "ioConfig.consumerProperties.ssl.key.password.type",
        "/ioConfig/consumerProperties/ssl.key.password", "{\"type\":\"vault\",\"path\":\"x\"}");
    c("environment provider without variable", "ioConfig.consumerProperties.ssl.key.password.variable",
        "/ioConfig/consumerProperties/ssl.key.password", "{\"type\":\"environment\"}");
    c("environment provider with an unknown field", "ioConfig.consumerProperties.ssl.key.password.password",
        "/ioConfig/consumerProperties/ssl.key.password", "{\"type\":\"environment\",\"variable\":\"K\",\"password\":\"p\"}");
    c("default provider without password", "ioConfig.consumerProperties.ssl.key.password.password",
        "/ioConfig/consumerProperties/ssl.key.password", "{\"type\":\"default\"}");
    c("consumer property as an array", "ioConfig.consumerProperties.client.id",
        "/ioConfig/consumerProperties/client.id", "[\"a\"]");
    c("dynamic config provider of unknown type", "ioConfig.consumerProperties.druid.dynamic.config.provider.type",
        "/ioConfig/consumerProperties/druid.dynamic.config.provider", "{\"type\":\"mapString\",\"config\":{}}");

    // Everything else.
    c("wrong supervisor type", "type", "/type", "\"kinesis\"");
    c("both topic and topicPattern", "ioConfig.topicPattern", "/ioConfig/topicPattern", "\"metrics-.*\"");
    c("topicPattern not a regex", "ioConfig.topicPattern", "/ioConfig/topic", REMOVE,
        "/ioConfig/topicPattern", "\"metrics-(a|b\"");
    c("topicPattern empty", "ioConfig.topicPattern", "/ioConfig/topic", REMOVE, "/ioConfig/topicPattern", "\"\"");
    c("topicPattern as an object", "ioConfig.topicPattern", "/ioConfig/topic", REMOVE, "/ioConfig/topicPattern", "{}");
    c("missing topic", "ioConfig.topic", "/ioConfig/topic", REMOVE);
    c("missing ioConfig", "ioConfig", "/ioConfig", REMOVE);
    c("tuningConfig type", "tuningConfig.type", "/tuningConfig/type", "\"index_parallel\"");
    c("resetOffsetAutomatically not a boolean", "tuningConfig.resetOffsetAutomatically",
        "/tuningConfig/resetOffsetAutomatically", "\"sometimes\"");
    c("concise bitmaps", "tuningConfig.indexSpec.bitmap.type", "/tuningConfig/indexSpec",
        "{\"bitmap\":{\"type\":\"concise\"}}");
    c("unknown bitmap type", "tuningConfig.indexSpec.bitmap.type", "/tuningConfig/indexSpec",
        "{\"bitmap\":{\"type\":\"ewah\"}}");
    c("unknown bitmap field", "tuningConfig.indexSpec.bitmap.compressRuns", "/tuningConfig/indexSpec",
        "{\"bitmap\":{\"type\":\"roaring\",\"compressRuns\":true}}");
    c("LZF dimension compression", "tuningConfig.indexSpec.dimensionCompression",
        "/tuningConfig/indexSpec", "{\"dimensionCompression\":\"LZF\"}");
    c("LZF metric compression", "tuningConfig.indexSpec.metricCompression",
        "/tuningConfig/indexSpec", "{\"metricCompression\":\"lzf\"}");
    c("zstd metric compression", "tuningConfig.indexSpec.metricCompression",
        "/tuningConfig/indexSpec", "{\"metricCompression\":\"zstd\"}");
    c("unknown compression", "tuningConfig.indexSpec.metricCompression",
        "/tuningConfig/indexSpec", "{\"metricCompression\":\"snappy\"}");
    c("none for string columns", "tuningConfig.indexSpec.dimensionCompression",
        "/tuningConfig/indexSpec", "{\"dimensionCompression\":\"none\"}");
    c("unknown long encoding", "tuningConfig.indexSpec.longEncoding",
        "/tuningConfig/indexSpec", "{\"longEncoding\":\"delta\"}");
    c("front-coded dictionaries", "tuningConfig.indexSpec.stringDictionaryEncoding", "/tuningConfig/indexSpec",
        "{\"stringDictionaryEncoding\":{\"type\":\"frontCoded\",\"bucketSize\":4}}");
    c("complexMetricCompression", "tuningConfig.indexSpec.complexMetricCompression",
        "/tuningConfig/indexSpec", "{\"complexMetricCompression\":\"lz4\"}");
    c("unknown indexSpec field", "tuningConfig.indexSpec.compression",
        "/tuningConfig/indexSpec", "{\"compression\":\"lz4\"}");
    c("indexSpec as a string", "tuningConfig.indexSpec", "/tuningConfig/indexSpec", "\"roaring\"");
    c("intermediate persists with concise", "tuningConfig.indexSpecForIntermediatePersists.bitmap.type",
        "/tuningConfig/indexSpecForIntermediatePersists", "{\"bitmap\":{\"type\":\"concise\"}}");
    c("intermediate persists with LZF", "tuningConfig.indexSpecForIntermediatePersists.metricCompression",
        "/tuningConfig/indexSpecForIntermediatePersists", "{\"metricCompression\":\"LZF\"}");
    c("segmentWriteOutMediumFactory", "tuningConfig.segmentWriteOutMediumFactory",
        "/tuningConfig/segmentWriteOutMediumFactory", "{\"type\":\"offHeapMemory\"}");
    c("createBitmapIndex not a boolean", "dataSchema.dimensionsSpec.dimensions[0].createBitmapIndex",
        "/dataSchema/dimensionsSpec/dimensions", "[{\"type\":\"string\",\"name\":\"x\",\"createBitmapIndex\":\"no\"}]");
    c("unknown multiValueHandling", "dataSchema.dimensionsSpec.dimensions[0].multiValueHandling",
        "/dataSchema/dimensionsSpec/dimensions", "[{\"type\":\"string\",\"name\":\"x\",\"multiValueHandling\":\"set\"}]");

    // The wrapped form names fields where the user wrote them.
    wrapped("wrapped: missing topic", "spec.ioConfig.topic", "/spec/ioConfig/topic", REMOVE);
    wrapped("wrapped: unknown ioConfig field", "spec.ioConfig.topik", "/spec/ioConfig/topik", "\"metrics\"");
    wrapped("wrapped: bad dataSource", "spec.dataSchema.dataSource", "/spec/dataSchema/dataSource", "\"a/b\"");
    wrapped("wrapped: duplicate metric", "spec.dataSchema.metricsSpec[1].name",
        "/spec/dataSchema/metricsSpec/1/name", "\"count\"");
    wrapped("wrapped: autoscaler enabled without taskCountMin", "spec.ioConfig.autoScalerConfig.taskCountMin",
        "/spec/ioConfig/autoScalerConfig", "{\"enableTaskAutoScaler\":true,\"taskCountMax\":2}");
    wrapped("wrapped: offsetFetchPeriod", "spec.tuningConfig.offsetFetchPeriod",
        "/spec/tuningConfig/offsetFetchPeriod", "\"PT1S\"");
  }

  static Stream<Arguments> cases() {
    return CASES.stream().map(Arguments::of);
  }

  static ObjectNode apply(Case c) throws IOException {
    ObjectNode root = SpecParserTest.sample();
    if (c.wrapped()) {
      ObjectNode w = JSON.createObjectNode();
      w.put("type", "kafka");
      ObjectNode spec = w.putObject("spec");
      spec.set("dataSchema", root.get("dataSchema"));
      spec.set("ioConfig", root.get("ioConfig"));
      spec.set("tuningConfig", root.get("tuningConfig"));
      root = w;
    }
    for (String[] edit : c.edits()) {
      JsonPointer p = JsonPointer.compile(edit[0]);
      JsonNode parent = root;
      for (JsonPointer head = p; head.tail() != null && head.tail().matches() == false; head = head.tail()) {
        String seg = head.getMatchingProperty();
        JsonNode next = parent.isArray() ? parent.get(head.getMatchingIndex()) : parent.get(seg);
        if (next == null) next = ((ObjectNode) parent).putObject(seg);
        parent = next;
      }
      JsonPointer last = p.last();
      if (parent instanceof ArrayNode a) {
        int i = last.getMatchingIndex();
        if (REMOVE.equals(edit[1])) a.remove(i); else a.set(i, JSON.readTree(edit[1]));
      } else {
        ObjectNode o = (ObjectNode) parent;
        if (REMOVE.equals(edit[1])) {
          if (o.remove(last.getMatchingProperty()) == null) throw new IllegalArgumentException("nothing at " + p);
        } else {
          o.set(last.getMatchingProperty(), JSON.readTree(edit[1]));
        }
      }
    }
    return root;
  }

  @Test
  void theTableIsLargeAndTheSampleItEditsIsValid() throws IOException {
    assertTrue(CASES.size() >= 60, "only " + CASES.size() + " cases");
    SpecParser.parse(SpecParserTest.sample().toString());
    Case unchangedWrapped = new Case("wrapped", "", List.of(), true);
    assertEquals(SpecParser.parse(SpecParserTest.sample().toString()),
        SpecParser.parse(apply(unchangedWrapped).toString()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachInvalidSpecNamesItsField(Case c) throws IOException {
    String json = apply(c).toString();
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(json), json);
    assertEquals(c.field(), e.field(), e.getMessage());
    assertFalse(e.getMessage() == null || e.getMessage().isBlank());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theValidatorReportsTheSameFieldFirst(Case c) throws IOException {
    SpecValidator.Result r =
        SpecValidator.validate(apply(c).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertFalse(r.valid());
    assertEquals(c.field(), r.errors().get(0).field(), r.errors().get(0).getMessage());
  }
}
