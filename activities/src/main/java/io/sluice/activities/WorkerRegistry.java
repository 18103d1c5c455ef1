package io.sluice.activities;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.PlacementActivities;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which worker processes are alive, kept in deep storage so it works with any Temporal service: each worker writes
 * {@code _sluice/workers/<identity>.json} with its read queue and the time, every {@link #REFRESH_SECONDS}, and
 * deletes it when it stops. One whose file is older than {@link #LIVE_MILLIS} is taken for dead. Also the
 * placement activity: the supervisor asks it where to put replicas.
 */
public final class WorkerRegistry implements PlacementActivities, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerRegistry.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final long REFRESH_SECONDS = 10;
  static final long LIVE_MILLIS = 45_000;

  private final BlobStore store;
  private final CatalogLayout layout;
  private final LongSupplier clock;
  private ScheduledExecutorService timer;
  private String ownKey;

  public WorkerRegistry(BlobStore store, CatalogLayout layout) {
    this(store, layout, System::currentTimeMillis);
  }

  WorkerRegistry(BlobStore store, CatalogLayout layout, LongSupplier clock) {
    this.store = store;
    this.layout = layout;
    this.clock = clock;
  }

  /** Registers this worker's read queue now and keeps the registration fresh until {@link #close}. */
  public synchronized void register(String identity, String readQueue) throws IOException {
    ownKey = layout.workersPrefix() + keyName(identity) + ".json";
    String key = ownKey;
    refresh(key, identity, readQueue);
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "worker-registry");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(() -> {
      try {
        refresh(key, identity, readQueue);
      } catch (IOException | RuntimeException e) {
        log.warn("could not refresh this worker's registration: {}", e.toString());
      }
    }, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
  }

  private void refresh(String key, String identity, String readQueue) throws IOException {
    store.put(key, JSON.writeValueAsBytes(Map.of("identity", identity, "readQueue", readQueue,
        "refreshedAtMillis", clock.getAsLong())));
  }

  /** File names stay plain whatever the identity holds. */
  static String keyName(String identity) {
    return java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(identity.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public List<String> liveReadQueues() {
    try {
      long now = clock.getAsLong();
      List<String> out = new ArrayList<>();
      for (String key : store.list(layout.workersPrefix(), null)) {
        byte[] bytes = store.get(key).orElse(null);
        if (bytes == null) continue;
        Map<?, ?> w;
        try {
          w = JSON.readValue(bytes, Map.class);
        } catch (IOException e) {
          continue; // a torn or foreign file: not a live worker
        }
        if (w.get("refreshedAtMillis") instanceof Number at && now - at.longValue() <= LIVE_MILLIS
            && w.get("readQueue") instanceof String queue) {
          out.add(queue);
        }
      }
      java.util.Collections.sort(out);
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (timer == null) return;
    timer.shutdownNow();
    try {
      store.delete(ownKey);
    } catch (IOException | RuntimeException e) {
      log.warn("could not remove this worker's registration: {}", e.toString());
    }
  }
}
