package io.sluice.api;

import io.sluice.segment.spec.SpecException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every error is JSON {@code {"error": …}}, with {@code field} when a spec field is at fault. */
final class ErrorMappers {
  private static final Logger log = LoggerFactory.getLogger(ErrorMappers.class);

  private ErrorMappers() {}

  static final class Spec implements ExceptionMapper<SpecException> {
    @Override
    public Response toResponse(SpecException e) {
      return badSpec(java.util.List.of(e));
    }
  }

  /**
   * 400 for a bad spec: {@code error} and {@code field} describe the first error, {@code errors} lists all of them
   * (up to 20), each with its field path.
   */
  static Response badSpec(java.util.List<SpecException> errors) {
    java.util.List<Map<String, Object>> all = new java.util.ArrayList<>();
    for (SpecException e : errors) {
      Map<String, Object> one = new LinkedHashMap<>();
      String field = e.field() == null ? "" : e.field();
      one.put("error", field.isEmpty() ? e.getMessage() : field + ": " + e.getMessage());
      if (!field.isEmpty()) one.put("field", field);
      all.add(one);
    }
    Map<String, Object> body = new LinkedHashMap<>(all.get(0));
    body.put("errors", all);
    return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
  }

  static final class WebApp implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
      int status = e.getResponse().getStatus();
      return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
          .entity(Map.of("error", e.getMessage() == null ? "HTTP " + status : e.getMessage())).build();
    }
  }

  static final class Any implements ExceptionMapper<Exception> {
    @Override
    public Response toResponse(Exception e) {
      if (e instanceof WebApplicationException w) return new WebApp().toResponse(w);
      if (e instanceof SpecException s) return new Spec().toResponse(s);
      log.error("request failed", e);
      return Response.status(500).type(MediaType.APPLICATION_JSON_TYPE)
          .entity(Map.of("error", e.getClass().getSimpleName() + ": " + e.getMessage())).build();
    }
  }
}
