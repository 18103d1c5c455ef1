package io.sluice.api;

import com.codahale.metrics.health.HealthCheck;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.sluice.activities.MinioBlobStore;
import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.Contracts;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;

/** The wiring root: builds the collaborators and hands them to the resources by constructor. */
public class SluiceApiApplication extends Application<SluiceApiConfiguration> {
  public static void main(String[] args) throws Exception {
    new SluiceApiApplication().run(args);
  }

  @Override
  public String getName() {
    return "sluice-api";
  }

  @Override
  public void run(SluiceApiConfiguration config, Environment env) throws Exception {
    WorkflowServiceStubsOptions.Builder stubs = WorkflowServiceStubsOptions.newBuilder()
        .setTarget(config.temporal.target)
        .setRpcQueryTimeout(java.time.Duration.ofSeconds(config.temporal.queryTimeoutSeconds));
    if (!config.temporal.tlsCert.isEmpty()) {
      stubs.setSslContext(GrpcSslContexts.forClient()
          .keyManager(new File(config.temporal.tlsCert), new File(config.temporal.tlsKey)).build());
    }
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(stubs.build());
    WorkflowClient client = WorkflowClient.newInstance(service,
        WorkflowClientOptions.newBuilder().setNamespace(config.temporal.namespace).build());
    MinioBlobStore store = new MinioBlobStore(config.s3.endpoint, config.s3.accessKey, config.s3.secretKey,
        config.s3.region, config.s3.bucket);
    SpecCatalog catalog = new SpecCatalog(store, new CatalogLayout(config.s3.baseKey));
    Contracts.SupervisorConfig supervisorConfig = new Contracts.SupervisorConfig(
        config.supervisor.unhealthinessThreshold, config.supervisor.healthinessThreshold,
        config.supervisor.taskUnhealthinessThreshold, config.supervisor.taskHealthinessThreshold,
        config.supervisor.maxStoredExceptionEvents, Contracts.SupervisorConfig.DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS,
        SluiceApiConfiguration.Supervisor.millis("orphanSweepPeriod", config.supervisor.orphanSweepPeriod),
        SluiceApiConfiguration.Supervisor.millis("orphanGracePeriod", config.supervisor.orphanGracePeriod));
    TemporalSupervisorService supervisors = new TemporalSupervisorService(client, catalog, supervisorConfig);

    env.lifecycle().manage(new Managed() {
      @Override
      public void start() throws Exception {
        store.ensureBucket();
        supervisors.recover();
      }

      @Override
      public void stop() throws Exception {
        service.shutdown();
        store.close();
      }
    });
    env.jersey().register(new SupervisorResource(supervisors));
    env.jersey().register(new TaskResource(supervisors));
    env.jersey().register(new ErrorMappers.Spec());
    env.jersey().register(new ErrorMappers.WebApp());
    env.jersey().register(new ErrorMappers.Any());
    env.healthChecks().register("temporal", new HealthCheck() {
      @Override
      protected Result check() {
        service.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
        return Result.healthy(config.temporal.target);
      }
    });
    env.healthChecks().register("s3", new HealthCheck() {
      @Override
      protected Result check() throws Exception {
        store.list("", "~"); // a cheap listing proves endpoint, credentials and bucket
        return Result.healthy(config.s3.endpoint + "/" + config.s3.bucket);
      }
    });
  }
}
