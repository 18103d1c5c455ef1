package io.sluice.worker;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.sluice.activities.CommitActivitiesImpl;
import io.sluice.activities.CommitLog;
import io.sluice.activities.TaskWorkflows;
import io.sluice.activities.KafkaConsumerFactory;
import io.sluice.activities.MinioBlobStore;
import io.sluice.activities.ReadActivitiesImpl;
import io.sluice.activities.StreamActivitiesImpl;
import io.sluice.activities.TaskControlClient;
import io.sluice.activities.SupervisorProbe;
import io.sluice.activities.WorkerRegistry;
import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.IndexingTaskWorkflowImpl;
import io.sluice.workflows.SluiceOptions;
import io.sluice.workflows.SupervisorWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.io.File;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Sluice worker process: polls the control queue (supervisor and task workflows, their short activities) and
 * the read queue, where {@code capacity} reading tasks run at once (Druid's {@code druid.worker.capacity}).
 */
public final class SluiceWorker {
  private static final Logger log = LoggerFactory.getLogger(SluiceWorker.class);

  private SluiceWorker() {}

  public static void main(String[] args) throws Exception {
    WorkerConfig config;
    try {
      config = WorkerConfig.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("sluice worker: " + e.getMessage());
      System.exit(2);
      return;
    }
    WorkerFactory factory = start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      factory.shutdown();
      factory.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    }, "sluice-worker-shutdown"));
    Thread.currentThread().join();
  }

  public static WorkerFactory start(WorkerConfig config) throws Exception {
    WorkflowServiceStubsOptions.Builder stubs = WorkflowServiceStubsOptions.newBuilder()
        .setTarget(config.temporalTarget())
        // a reading task asks its workflow for control state by query; a slow answer must not starve its heartbeat
        .setRpcQueryTimeout(SluiceOptions.CONTROL_QUERY_TIMEOUT);
    if (!config.temporalTlsCert().isEmpty()) {
      stubs.setSslContext(GrpcSslContexts.forClient()
          .keyManager(new File(config.temporalTlsCert()), new File(config.temporalTlsKey())).build());
    }
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(stubs.build());
    WorkflowClientOptions.Builder clientOptions = WorkflowClientOptions.newBuilder().setNamespace(config.namespace());
    if (!config.identity().isEmpty()) clientOptions.setIdentity(config.identity());
    WorkflowClient client = WorkflowClient.newInstance(service, clientOptions.build());

    MinioBlobStore store = new MinioBlobStore(config.s3Endpoint(), config.s3AccessKey(), config.s3SecretKey(),
        config.s3Region(), config.bucket());
    store.ensureBucket();
    CatalogLayout layout = new CatalogLayout(config.baseKey());
    Files.createDirectories(config.workDir());
    KafkaConsumerFactory consumers = KafkaConsumerFactory.real();

    WorkerFactoryOptions.Builder factoryOptions = WorkerFactoryOptions.newBuilder()
        .setWorkflowCacheSize(config.workflowCacheSize());
    String haltAfter = System.getProperty(HaltAfterActivity.PROPERTY, "");
    if (!haltAfter.isEmpty()) {
      log.warn("fault injection: this worker halts after its first {} activity", haltAfter);
      factoryOptions.setWorkerInterceptors(new HaltAfterActivity(haltAfter));
    }
    WorkerFactory factory = WorkerFactory.newInstance(client, factoryOptions.build());
    WorkerOptions.Builder controlOptions = WorkerOptions.newBuilder();
    if (config.workflowCacheSize() == 0) {
      // No cache: never ask for sticky routing either. The Temporal test server does not fall back from a dead
      // worker's sticky queue, so a workflow (and every query to it) would stay pinned to the dead worker.
      controlOptions.setStickyQueueScheduleToStartTimeout(java.time.Duration.ZERO);
    }
    Worker control = factory.newWorker(SluiceOptions.CONTROL_QUEUE, controlOptions.build());
    control.registerWorkflowImplementationTypes(SluiceOptions.workflowOptions(),
        SupervisorWorkflowImpl.class, IndexingTaskWorkflowImpl.class);
    WorkerRegistry registry = new WorkerRegistry(store, layout);
    control.registerActivitiesImplementations(
        new StreamActivitiesImpl(consumers, System.getenv(), SupervisorProbe.temporal(client)),
        new CommitActivitiesImpl(new CommitLog(store, layout), store, TaskWorkflows.temporal(client),
            CommitActivitiesImpl::attemptDeadline), registry);
    ReadActivitiesImpl reading = new ReadActivitiesImpl(consumers, TaskControlClient.temporal(client),
        store, config.bucket(), layout, config.workDir(), System.getenv());
    // the shared read queue, and this worker's own, where the supervisor places replicas on different workers
    String ownQueue = SluiceOptions.workerReadQueue(client.getOptions().getIdentity());
    for (String queue : java.util.List.of(SluiceOptions.READ_QUEUE, ownQueue)) {
      Worker read = factory.newWorker(queue, WorkerOptions.newBuilder()
          .setMaxConcurrentActivityExecutionSize(config.capacity())
          .setMaxHeartbeatThrottleInterval(SluiceOptions.READ_HEARTBEAT_THROTTLE)
          .build());
      read.registerActivitiesImplementations(reading);
    }
    factory.start();
    registry.register(client.getOptions().getIdentity(), ownQueue);
    Runtime.getRuntime().addShutdownHook(new Thread(registry::close, "worker-registry-close"));
    log.info("Sluice worker started: temporal={} namespace={} s3={} bucket={} capacity={} cache={}",
        config.temporalTarget(), config.namespace(), config.s3Endpoint(), config.bucket(), config.capacity(),
        config.workflowCacheSize());
    return factory;
  }
}
