package io.sluice.api;

import io.sluice.segment.spec.SupervisorSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the supervisor resource needs; {@link TemporalSupervisorService} is the real one, tests use fakes. */
public interface SupervisorService {
  /** Creates the supervisor, or hands an existing one the new spec. */
  void submit(SupervisorSpec spec) throws Exception;

  List<String> list() throws Exception;

  Optional<SupervisorSpec> spec(String id) throws Exception;

  /** Druid's status report, {@code {"id", "generationTime", "payload"}}; empty if unknown. */
  Optional<Map<String, Object>> status(String id) throws Exception;

  /** False if there is no such supervisor. */
  boolean terminate(String id) throws Exception;
}
