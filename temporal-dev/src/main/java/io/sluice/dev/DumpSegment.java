package io.sluice.dev;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.errors.MinioException;
import io.sluice.segment.read.Column;
import io.sluice.segment.read.SegmentFormatException;
import io.sluice.segment.read.SegmentReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/sluice dump-segment PATH|s3://bucket/key [--rows N]}: prints a segment the way Druid's DumpSegment tool
 * does: its metadata (interval, rows, dimensions, metrics, metadata.drd), each column with its type and byte size,
 * and the first N rows (default 10) as JSON lines. PATH is a segment directory or an index.zip; an {@code s3://}
 * object is downloaded with the MinIO client first. S3 settings come from flags, then environment variables named as
 * the worker names them ({@code --s3-endpoint} or {@code SLUICE_S3_ENDPOINT}), then the dev stack's S3Proxy.
 */
final class DumpSegment {
  static final String USAGE = "usage: bin/sluice dump-segment PATH|s3://bucket/key [--rows N] [--s3-endpoint URL]"
      + " [--s3-access-key KEY] [--s3-secret-key SECRET] [--s3-region REGION]";
  static final int DEFAULT_ROWS = 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the command line asks for. */
  record Options(String target, int rows, String s3Endpoint, String s3AccessKey, String s3SecretKey,
      String s3Region) {
    boolean isS3() {
      return target.startsWith("s3://");
    }
  }

  /** An {@code s3://bucket/key} location. */
  record S3Location(String bucket, String key) {
    static S3Location parse(String url) {
      if (!url.startsWith("s3://")) throw new IllegalArgumentException("not an s3:// URL: " + url);
      String rest = url.substring("s3://".length());
      int slash = rest.indexOf('/');
      if (slash <= 0 || slash == rest.length() - 1) {
        throw new IllegalArgumentException("expected s3://bucket/key, got " + url);
      }
      return new S3Location(rest.substring(0, slash), rest.substring(slash + 1));
    }
  }

  private DumpSegment() {}

  static Options parse(String[] args, Map<String, String> env) {
    Map<String, String> s3 = new LinkedHashMap<>();
    s3.put("s3-endpoint", "http://127.0.0.1:" + DevStack.Ports.defaults().s3());
    s3.put("s3-access-key", DevStack.S3_ACCESS_KEY);
    s3.put("s3-secret-key", DevStack.S3_SECRET_KEY);
    s3.put("s3-region", "us-east-1");
    for (String name : List.copyOf(s3.keySet())) {
      String fromEnv = env.get("SLUICE_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
      if (fromEnv != null && !fromEnv.isBlank()) s3.put(name, fromEnv);
    }
    String target = null;
    int rows = DEFAULT_ROWS;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        if (target != null) throw new IllegalArgumentException("more than one segment given: " + target + ", " + a);
        target = a;
        continue;
      }
      String name = a.substring(2);
      if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
      String value = args[++i];
      if (name.equals("rows")) {
        try {
          rows = Integer.parseInt(value);
        } catch (NumberFormatException e) {
          rows = -1;
        }
        if (rows < 0) throw new IllegalArgumentException("--rows needs a number >= 0, got '" + value + "'");
      } else if (s3.containsKey(name)) {
        s3.put(name, value);
      } else {
        throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (target == null) throw new IllegalArgumentException("no segment given");
    if (target.startsWith("s3://")) S3Location.parse(target);
    return new Options(target, rows, s3.get("s3-endpoint"), s3.get("s3-access-key"), s3.get("s3-secret-key"),
        s3.get("s3-region"));
  }

  /** Runs the command; returns the exit code: 0 done, 1 unreadable segment or S3 failure, 2 usage. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = parse(args, env);
    } catch (IllegalArgumentException e) {
      err.println("sluice: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    Path downloaded = null;
    try {
      Path path;
      if (o.isS3()) {
        downloaded = Files.createTempFile("sluice-dump-", ".zip");
        download(o, S3Location.parse(o.target()), downloaded);
        path = downloaded;
      } else {
        path = Path.of(o.target());
        if (!Files.exists(path)) {
          err.println("sluice: no such segment directory or index.zip: " + path);
          return 2;
        }
      }
      try (SegmentReader reader = SegmentReader.open(path)) {
        dump(reader, o.target(), o.rows(), out);
      }
      return 0;
    } catch (SegmentFormatException e) {
      err.println("sluice: unreadable segment: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("sluice: " + e.getMessage());
      return 1;
    } finally {
      if (downloaded != null) {
        try {
          Files.deleteIfExists(downloaded);
        } catch (IOException ignored) {
          // a temp file left behind is harmless
        }
      }
    }
  }

  private static void download(Options o, S3Location loc, Path into) throws IOException {
    try (MinioClient client = MinioClient.builder().endpoint(o.s3Endpoint())
        .credentials(o.s3AccessKey(), o.s3SecretKey()).region(o.s3Region()).build()) {
      long size = client.statObject(StatObjectArgs.builder().bucket(loc.bucket()).object(loc.key()).build()).size();
      if (size > SegmentReader.DEFAULT_MAX_UNZIPPED_BYTES) {
        throw new IOException("s3://" + loc.bucket() + "/" + loc.key() + " is " + size + " bytes; the limit is "
            + SegmentReader.DEFAULT_MAX_UNZIPPED_BYTES);
      }
      try (GetObjectResponse in = client.getObject(
          GetObjectArgs.builder().bucket(loc.bucket()).object(loc.key()).build())) {
        copy(in, into);
      }
    } catch (MinioException e) {
      throw new IOException("S3 get s3://" + loc.bucket() + "/" + loc.key() + " from " + o.s3Endpoint()
          + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      // MinioClient.close() declares Exception
      throw new IOException("S3 get s3://" + loc.bucket() + "/" + loc.key() + " failed: " + e.getMessage(), e);
    }
  }

  private static void copy(InputStream in, Path into) throws IOException {
    Files.copy(in, into, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Prints the segment: a header, metadata.drd, the column table, then up to {@code rows} JSON lines. */
  static void dump(SegmentReader reader, String target, int rows, PrintStream out) throws IOException {
    out.println("segment      " + target);
    out.println("interval     " + iso(reader.dataIntervalStart()) + "/" + iso(reader.dataIntervalEnd()));
    out.println("rows         " + reader.rowCount());
    if (reader.rowCount() > 0) {
      out.println("__time       " + iso(reader.minTime()) + " .. " + iso(reader.maxTime()));
    }
    out.println("dimensions   " + String.join(", ", reader.dimensions()));
    out.println("metrics      " + String.join(", ", reader.metrics()));
    out.println("bitmaps      " + (reader.bitmapSerdeType() == null ? "(not recorded)" : reader.bitmapSerdeType()));
    long total = 0;
    for (long s : reader.internalFileSizes().values()) total += s;
    out.println("size         " + total + " bytes in " + reader.internalFileSizes().size() + " internal files");
    String metadata = reader.metadataText();
    out.println("metadata.drd " + (metadata == null ? "(none)" : metadata));
    out.println();
    List<String[]> table = new ArrayList<>();
    table.add(new String[] {"column", "type", "bytes", "details"});
    for (String name : reader.columnNames()) {
      try {
        Column c = reader.column(name);
        table.add(new String[] {name, c.typeName() + (c.hasMultipleValues() ? " (multi-value)" : ""),
            Long.toString(c.sizeBytes()), JSON.writeValueAsString(c.details())});
      } catch (SegmentFormatException e) {
        table.add(new String[] {name, "?", Long.toString(reader.internalFileSizes().getOrDefault(name, -1L)),
            "unreadable: " + e.getMessage()});
      }
    }
    int[] width = new int[3];
    for (String[] r : table) {
      for (int i = 0; i < 3; i++) width[i] = Math.max(width[i], r[i].length());
    }
    for (String[] r : table) {
      out.printf("%-" + width[0] + "s  %-" + width[1] + "s  %" + width[2] + "s  %s%n", r[0], r[1], r[2], r[3]);
    }
    out.println();
    int n = Math.min(rows, reader.rowCount());
    out.println("first " + n + " of " + reader.rowCount() + " rows:");
    for (Map<String, Object> row : reader.rows(0, n)) {
      out.println(JSON.writeValueAsString(row));
    }
  }

  private static String iso(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}
