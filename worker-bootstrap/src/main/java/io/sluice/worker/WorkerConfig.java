package io.sluice.worker;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The worker's settings: {@code --name value} flags, each falling back to an environment variable
 * ({@code --s3-endpoint} → {@code SLUICE_S3_ENDPOINT}) and then to the dev-stack default.
 */
public record WorkerConfig(
    String temporalTarget,
    String namespace,
    String temporalTlsCert,
    String temporalTlsKey,
    int workflowCacheSize,
    String s3Endpoint,
    String s3AccessKey,
    String s3SecretKey,
    String s3Region,
    String bucket,
    String baseKey,
    int capacity,
    Path workDir,
    String identity) {

  static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("temporal", "127.0.0.1:7233");
    DEFAULTS.put("namespace", "default");
    DEFAULTS.put("temporal-tls-cert", "");
    DEFAULTS.put("temporal-tls-key", "");
    DEFAULTS.put("workflow-cache-size", "0");
    DEFAULTS.put("s3-endpoint", "http://127.0.0.1:9000");
    DEFAULTS.put("s3-access-key", "sluice");
    DEFAULTS.put("s3-secret-key", "sluice-secret");
    DEFAULTS.put("s3-region", "us-east-1");
    DEFAULTS.put("bucket", "sluice");
    DEFAULTS.put("base-key", "druid/segments");
    DEFAULTS.put("capacity", "2");
    DEFAULTS.put("work-dir", "var/worker");
    DEFAULTS.put("identity", "");
  }

  public static WorkerConfig parse(String[] args, Map<String, String> env) {
    Map<String, String> v = new LinkedHashMap<>();
    for (Map.Entry<String, String> d : DEFAULTS.entrySet()) {
      String envName = "SLUICE_" + d.getKey().toUpperCase().replace('-', '_');
      v.put(d.getKey(), env.getOrDefault(envName, d.getValue()));
    }
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + a + "'");
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else {
        if (i + 1 >= args.length) throw new IllegalArgumentException("--" + name + " needs a value");
        value = args[++i];
      }
      if (!DEFAULTS.containsKey(name)) {
        throw new IllegalArgumentException("unknown option --" + name + "; known: " + DEFAULTS.keySet());
      }
      v.put(name, value);
    }
    return new WorkerConfig(v.get("temporal"), v.get("namespace"), v.get("temporal-tls-cert"),
        v.get("temporal-tls-key"), integer(v, "workflow-cache-size", 0), v.get("s3-endpoint"),
        v.get("s3-access-key"), v.get("s3-secret-key"), v.get("s3-region"), v.get("bucket"), v.get("base-key"),
        integer(v, "capacity", 1), Path.of(v.get("work-dir")), v.get("identity"));
  }

  private static int integer(Map<String, String> v, String name, int min) {
    try {
      int n = Integer.parseInt(v.get(name));
      if (n < min) throw new IllegalArgumentException("--" + name + " must be >= " + min + ", got " + n);
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, got '" + v.get(name) + "'");
    }
  }
}
