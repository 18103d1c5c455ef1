package io.sluice.dev;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sluice's dev stack as real processes on 127.0.0.1: a Kafka KRaft broker (from the kafka_2.13 jars), the Temporal
 * test server, S3Proxy with a filesystem backend, the Sluice API and Sluice workers. Each runs in its own JVM, logs
 * to {@code <dataDir>/logs/<name>.log} and leaves its pid in {@code <dataDir>/pids/<name>.pid} so that
 * {@code bin/sluice stop} can find a stack whose launcher died. Workers are separate processes so that a test can
 * {@code kill -9} one and start another.
 */
public final class DevStack implements AutoCloseable {
  /** The stack's ports. The defaults let Druid's own curl examples work unchanged. */
  public record Ports(int kafka, int kafkaController, int temporal, int s3, int api, int apiAdmin) {
    public static Ports defaults() {
      return new Ports(9092, 9093, 7233, 9000, 8090, 8091);
    }

    /** Six distinct free ports (see {@link #freePort}), for tests that must not collide with a running stack. */
    public static Ports free() {
      java.util.Set<Integer> taken = new java.util.HashSet<>();
      return new Ports(freePort(taken), freePort(taken), freePort(taken), freePort(taken), freePort(taken),
          freePort(taken));
    }
  }

  public static final String S3_ACCESS_KEY = "sluice";
  public static final String S3_SECRET_KEY = "sluice-secret";
  public static final String BUCKET = "sluice";
  public static final String BASE_KEY = "druid/segments";

  private final Path home;
  private final Path dataDir;
  private final Ports ports;
  private final PrintStream out;
  private final List<Service> services = new ArrayList<>();
  /** Services {@link #stop} stopped, with the command that starts them again. */
  private final Map<String, List<String>> stopped = new java.util.HashMap<>();
  private int workerCount;

  /** A started process, with the command that started it. */
  public record Service(String name, Process process, List<String> command) {
    public long pid() {
      return process.pid();
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hooks run. */
    public void kill9() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  /** Settings of the API's configuration over the dev stack's YAML (see {@link #start}). */
  private Map<String, String> apiSettings = Map.of();

  private DevStack(Path home, Path dataDir, Ports ports, PrintStream out) {
    this.home = home;
    this.dataDir = dataDir;
    this.ports = ports;
    this.out = out;
  }

  /** Starts Kafka, Temporal, S3Proxy, the API and {@code workers} workers; stops what it started on failure. */
  public static DevStack start(Path home, Path dataDir, Ports ports, int workers, PrintStream out)
      throws IOException, InterruptedException {
    return start(home, dataDir, ports, workers, out, Map.of());
  }

  /**
   * As {@link #start(Path, Path, Ports, int, PrintStream)}, with settings of the API's configuration that differ
   * from the dev stack's, by their dotted path ({@code supervisor.orphanGracePeriod}).
   */
  public static DevStack start(Path home, Path dataDir, Ports ports, int workers, PrintStream out,
      Map<String, String> apiSettings) throws IOException, InterruptedException {
    checkPortFree(ports.kafka(), "Kafka");
    checkPortFree(ports.kafkaController(), "Kafka controller");
    checkPortFree(ports.temporal(), "Temporal");
    checkPortFree(ports.s3(), "S3 (S3Proxy)");
    checkPortFree(ports.api(), "Sluice API");
    checkPortFree(ports.apiAdmin(), "Sluice API admin");
    Files.createDirectories(dataDir.resolve("logs"));
    Files.createDirectories(dataDir.resolve("pids"));
    DevStack stack = new DevStack(home, dataDir, ports, out);
    stack.apiSettings = Map.copyOf(apiSettings);
    try {
      stack.startS3();
      stack.startTemporal();
      stack.startKafka();
      stack.awaitPort("S3Proxy", ports.s3(), Duration.ofSeconds(60));
      stack.awaitPort("Temporal", ports.temporal(), Duration.ofSeconds(60));
      stack.awaitPort("Kafka", ports.kafka(), Duration.ofSeconds(90));
      stack.startApi();
      for (int i = 0; i < workers; i++) stack.startWorker();
      stack.awaitApi(Duration.ofSeconds(90));
      return stack;
    } catch (IOException | InterruptedException | RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  public Ports ports() {
    return ports;
  }

  public Path dataDir() {
    return dataDir;
  }

  public String kafkaBootstrap() {
    return "127.0.0.1:" + ports.kafka();
  }

  public String temporalTarget() {
    return "127.0.0.1:" + ports.temporal();
  }

  public String s3Endpoint() {
    return "http://127.0.0.1:" + ports.s3();
  }

  public String apiUrl() {
    return "http://127.0.0.1:" + ports.api();
  }

  public List<Service> services() {
    return List.copyOf(services);
  }

  private void startS3() throws IOException {
    Path basedir = dataDir.resolve("s3");
    Files.createDirectories(basedir);
    Path props = dataDir.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + ports.s3(),
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + S3_ACCESS_KEY,
        "s3proxy.credential=" + S3_SECRET_KEY,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + basedir.toAbsolutePath(), ""));
    Path jar = home.resolve("temporal-dev/target/s3proxy/s3proxy.jar");
    if (!Files.exists(jar)) throw new IOException("missing " + jar + ": build first (mvn -DskipTests package)");
    launch("s3proxy", List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString(), "--properties",
        props.toString()));
  }

  private void startTemporal() throws IOException {
    launch("temporal", List.of(java(), "-Xmx512m", "-cp", classpath("temporal-dev"),
        "io.temporal.testserver.TestServer", String.valueOf(ports.temporal())));
  }

  private void startKafka() throws IOException, InterruptedException {
    Path logDirs = dataDir.resolve("kafka");
    Path props = dataDir.resolve("kafka-server.properties");
    Files.writeString(props, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.bootstrap.servers=127.0.0.1:" + ports.kafkaController(),
        "listeners=PLAINTEXT://127.0.0.1:" + ports.kafka() + ",CONTROLLER://127.0.0.1:" + ports.kafkaController(),
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + ports.kafka()
            + ",CONTROLLER://127.0.0.1:" + ports.kafkaController(),
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + logDirs.toAbsolutePath(),
        "num.partitions=1",
        "auto.create.topics.enable=true", // Kafka's default, so Druid's tutorial steps work; Sluice never auto-creates
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0", ""));
    String cp = classpath("temporal-dev");
    if (!Files.exists(logDirs.resolve("meta.properties"))) {
      Process format = new ProcessBuilder(java(), "-Xmx256m", "-cp", cp, KafkaFormat.class.getName(),
          logDirs.toAbsolutePath().toString(), org.apache.kafka.common.Uuid.randomUuid().toString(),
          String.valueOf(ports.kafkaController()))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("logs/kafka-format.log").toFile()))
          .start();
      if (format.waitFor() != 0) {
        throw new IOException("formatting Kafka storage failed; see " + dataDir.resolve("logs/kafka-format.log")
            + "\n" + tail(dataDir.resolve("logs/kafka-format.log")));
      }
    }
    launch("kafka", List.of(java(), "-Xmx768m", "-cp", cp, "kafka.Kafka", props.toString()));
  }

  private void startApi() throws IOException {
    Path yml = dataDir.resolve("api.yml");
    Files.writeString(yml, String.join("\n",
        "server:",
        "  applicationConnectors:",
        "    - type: http",
        "      bindHost: 127.0.0.1",
        "      port: " + ports.api(),
        "  adminConnectors:",
        "    - type: http",
        "      bindHost: 127.0.0.1",
        "      port: " + ports.apiAdmin(),
        "logging:",
        "  level: INFO",
        "  loggers:",
        "    org.apache.kafka: WARN",
        "    io.grpc: WARN",
        "temporal:",
        "  target: " + temporalTarget(),
        "s3:",
        "  endpoint: " + s3Endpoint(),
        "  accessKey: " + S3_ACCESS_KEY,
        "  secretKey: " + S3_SECRET_KEY,
        "  bucket: " + BUCKET,
        "  baseKey: " + BASE_KEY, ""));
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx384m"));
    // Dropwizard reads dw.<path> system properties over the YAML
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(apiSettings).entrySet()) {
      command.add("-Ddw." + e.getKey() + "=" + e.getValue());
    }
    command.addAll(List.of("-cp", classpath("api-gateway"), "io.sluice.api.SluiceApiApplication", "server",
        yml.toString()));
    launch("api", command);
  }

  /** Starts one more worker process (capacity 2) and returns it. */
  public synchronized Service startWorker() throws IOException {
    return startWorker(List.of());
  }

  /**
   * Starts one more worker process with extra JVM options (a test's fault injection, for example), after those in
   * the environment variable {@code SLUICE_WORKER_JAVA_OPTS} (split at whitespace; for profiling, say
   * {@code -XX:StartFlightRecording=filename=/tmp/worker.jfr}).
   */
  public synchronized Service startWorker(List<String> jvmOptions) throws IOException {
    String name = "worker-" + (++workerCount);
    // The heap fixed at its maximum, as Druid's example jvm.config sets its processes', and 4 MB G1 regions. A heap
    // that starts small keeps G1 near its marking threshold: a segment's column arrays (humongous objects) then
    // started a concurrent cycle several times a second in bin/sluice bench (104 cycles, 2.2 s of pauses in one
    // run; 9 and 0.6 s with -Xms2g). With 1 MB regions (G1's choice for a 2 GB heap) every Kafka fetch response of
    // 1 MiB (Kafka's max.partition.fetch.bytes) was humongous too. Together they took the bench from about 190 k to
    // 260 k events per worker CPU-second. Sluice's task consumers now fetch 8 MiB, humongous at any region size;
    // the regions still keep the 1 MiB zip blocks and upload-pipe chunks ordinary objects.
    List<String> command = new ArrayList<>(List.of(java(), "-Xms2g", "-Xmx2g", "-XX:G1HeapRegionSize=4m"));
    String envOptions = System.getenv("SLUICE_WORKER_JAVA_OPTS");
    if (envOptions != null && !envOptions.isBlank()) command.addAll(List.of(envOptions.trim().split("\\s+")));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath("worker-bootstrap"),
        "io.sluice.worker.SluiceWorker",
        "--temporal", temporalTarget(),
        "--s3-endpoint", s3Endpoint(),
        "--s3-access-key", S3_ACCESS_KEY,
        "--s3-secret-key", S3_SECRET_KEY,
        "--bucket", BUCKET,
        "--base-key", BASE_KEY,
        "--capacity", "2",
        "--work-dir", dataDir.resolve(name).toString(),
        "--identity", name));
    return launch(name, command);
  }

  private Service launch(String name, List<String> command) throws IOException {
    Path log = dataDir.resolve("logs/" + name + ".log");
    List<String> marked = new ArrayList<>(command);
    if (!marked.get(1).startsWith(MARKER)) marked.add(1, marker(dataDir)); // first, so it is never cut off
    command = marked;
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    Files.writeString(dataDir.resolve("pids/" + name + ".pid"), Long.toString(p.pid()));
    Service s = new Service(name, p, List.copyOf(command));
    services.add(s);
    out.printf("  started %-9s pid %-7d log %s%n", name, p.pid(), log);
    return s;
  }

  /**
   * Kills a service with SIGKILL and starts it again with the same command, as an operator or a crash would. The
   * Temporal test server comes back empty; the API, on start, re-creates the supervisors the catalog holds.
   */
  public synchronized Service restart(String name) throws IOException, InterruptedException {
    stop(name);
    return startAgain(name);
  }

  /**
   * Kills a service with SIGKILL and leaves it down, as a crash or an outage would, until {@link #startAgain}.
   */
  public synchronized void stop(String name) throws InterruptedException {
    Service old = services.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no service " + name));
    old.kill9();
    services.remove(old);
    stopped.put(name, old.command());
  }

  /** Starts a service {@link #stop} stopped, with the same command and data, and waits until it is ready. */
  public synchronized Service startAgain(String name) throws IOException, InterruptedException {
    List<String> command = stopped.remove(name);
    if (command == null) throw new IllegalArgumentException("service " + name + " was not stopped");
    Service fresh = launch(name, command);
    switch (name) {
      case "temporal" -> awaitPort("Temporal", ports.temporal(), Duration.ofSeconds(60));
      case "kafka" -> awaitPort("Kafka", ports.kafka(), Duration.ofSeconds(90));
      case "s3proxy" -> awaitPort("S3Proxy", ports.s3(), Duration.ofSeconds(60));
      case "api" -> awaitApi(Duration.ofSeconds(90));
      default -> { }
    }
    return fresh;
  }

  private void awaitPort(String what, int port, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (Service s : services) {
        if (!s.process().isAlive()) {
          throw new IOException(s.name() + " exited with code " + s.process().exitValue() + " while starting; "
              + "its log ends with:\n" + tail(dataDir.resolve("logs/" + s.name() + ".log")));
        }
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new IOException(what + " did not open port " + port + " within " + timeout.toSeconds() + " s");
  }

  private void awaitApi(Duration timeout) throws IOException, InterruptedException {
    awaitPort("Sluice API", ports.api(), timeout);
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(apiUrl()
            + "/druid/indexer/v1/supervisor")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return;
      } catch (IOException notYet) {
        // not yet
      }
      Thread.sleep(250);
    }
    throw new IOException("the Sluice API did not answer within " + timeout.toSeconds() + " s; see "
        + dataDir.resolve("logs/api.log"));
  }

  /** Stops every process it started, newest first (workers before the services they use). */
  @Override
  public void close() {
    for (int i = services.size() - 1; i >= 0; i--) {
      Service s = services.get(i);
      s.process().destroy();
    }
    for (int i = services.size() - 1; i >= 0; i--) {
      Service s = services.get(i);
      try {
        if (!s.process().waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) s.process().destroyForcibly();
        Files.deleteIfExists(dataDir.resolve("pids/" + s.name() + ".pid"));
      } catch (InterruptedException e) {
        s.process().destroyForcibly();
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    services.clear();
  }

  /**
   * Stops the processes recorded under {@code dataDir/pids}. A pid is only signalled if its command line still
   * carries this stack's marker, so a reused pid is never killed.
   */
  public static int stopRecorded(Path dataDir, PrintStream out) throws IOException {
    Path pids = dataDir.resolve("pids");
    if (!Files.isDirectory(pids)) return 0;
    int stopped = 0;
    List<Path> files;
    try (var s = Files.list(pids)) {
      files = s.toList();
    }
    String marker = marker(dataDir);
    for (Path f : files) {
      long pid = Long.parseLong(Files.readString(f).trim());
      var handle = ProcessHandle.of(pid);
      if (handle.isPresent() && handle.get().info().commandLine().map(c -> c.contains(marker)).orElse(false)) {
        handle.get().destroy();
        try {
          handle.get().onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
          handle.get().destroyForcibly();
        }
        out.println("  stopped " + f.getFileName().toString().replace(".pid", "") + " (pid " + pid + ")");
        stopped++;
      }
      Files.deleteIfExists(f);
    }
    return stopped;
  }

  private static final String MARKER = "-Dsluice.stack=";

  /** Put first on every command line: how {@link #stopRecorded} knows a pid is still this stack's process. */
  static String marker(Path dataDir) {
    return MARKER + dataDir.toAbsolutePath().normalize();
  }

  static void checkPortFree(int port, String what) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // as the servers bind: TIME_WAIT leftovers are not "in use"
      s.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      throw new IOException("port " + port + " (" + what + ") is already in use on 127.0.0.1. Stop whatever "
          + "listens there (a stack left running: bin/sluice stop) and try again.");
    }
  }

  /** Where {@link #freePort} looks: below Linux's default ephemeral range (32768–60999). */
  static final int FREE_PORTS_FROM = 20_000;
  static final int FREE_PORTS_TO = 32_000;

  /**
   * A port nothing listens on, not in {@code taken} (which it joins). Picked below the ephemeral range: a port the OS
   * hands out (bind to 0) can be taken by another process's outgoing connection before the service that is to
   * listen on it starts, and a CI run once lost Kafka's start to exactly that ("Address already in use").
   */
  static int freePort(java.util.Set<Integer> taken) {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = random.nextInt(FREE_PORTS_FROM, FREE_PORTS_TO);
      if (taken.contains(port)) continue;
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
        taken.add(port);
        return port;
      } catch (IOException inUse) {
        // try another
      }
    }
    throw new UncheckedIOException(new IOException("no free port between " + FREE_PORTS_FROM + " and "
        + FREE_PORTS_TO + " on 127.0.0.1"));
  }

  private String classpath(String module) throws IOException {
    Path file = home.resolve(module + "/target/runtime-classpath.txt");
    Path classes = home.resolve(module + "/target/classes");
    if (!Files.exists(file)) {
      throw new IOException("missing " + file + ": build first (mvn -DskipTests package)");
    }
    return classes + java.io.File.pathSeparator + Files.readString(file, StandardCharsets.UTF_8).trim();
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The repository root: {@code -Dsluice.home}, else the nearest folder up from here with the parent pom. */
  public static Path home() {
    String prop = System.getProperty("sluice.home");
    if (prop != null) return Path.of(prop).toAbsolutePath();
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      try {
        if (Files.exists(p.resolve("pom.xml"))
            && Files.readString(p.resolve("pom.xml")).contains("<artifactId>sluice-parent</artifactId>")
            && Files.isDirectory(p.resolve("temporal-dev"))) {
          return p;
        }
      } catch (IOException ignored) {
        // keep looking
      }
      p = p.getParent();
    }
    throw new IllegalStateException("cannot find the Sluice repository root; set -Dsluice.home");
  }

  static Map<String, String> env() {
    return System.getenv();
  }
}
