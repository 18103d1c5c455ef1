package io.sluice.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;

/** Druid's task API for Kafka indexing tasks: {@code /druid/indexer/v1/task/{taskId}/status} and {@code /reports}. */
@Path("/druid/indexer/v1/task")
@Produces(MediaType.APPLICATION_JSON)
public class TaskResource {
  private final SupervisorService service;

  public TaskResource(SupervisorService service) {
    this.service = service;
  }

  @GET
  @Path("/{taskId}/status")
  public Response status(@PathParam("taskId") String taskId) throws Exception {
    SupervisorResource.checkId(taskId);
    return okOr404(taskId, service.taskStatus(taskId));
  }

  @GET
  @Path("/{taskId}/reports")
  public Response reports(@PathParam("taskId") String taskId) throws Exception {
    SupervisorResource.checkId(taskId);
    return okOr404(taskId, service.taskReports(taskId));
  }

  private static Response okOr404(String taskId, Optional<Map<String, Object>> body) {
    if (body.isPresent()) return Response.ok(body.get()).build();
    return Response.status(404).type(MediaType.APPLICATION_JSON_TYPE)
        .entity(Map.of("error", "Cannot find any task with id: [" + taskId + "]")).build();
  }
}
