package io.sluice.activities;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** A {@link BlobStore} in memory, ordered like S3 listings (keys here are ASCII, so String order is byte order). */
class InMemoryBlobStore implements BlobStore {
  final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();
  final java.util.concurrent.ConcurrentHashMap<String, Long> written = new java.util.concurrent.ConcurrentHashMap<>();
  /** The store's clock: what an object's last-modified time is set to when it is written. */
  volatile long nowMillis = System.currentTimeMillis();

  @Override
  public boolean createIfAbsent(String key, byte[] bytes) {
    if (objects.putIfAbsent(key, bytes.clone()) != null) return false;
    written.put(key, nowMillis);
    return true;
  }

  @Override
  public void put(String key, byte[] bytes) {
    objects.put(key, bytes.clone());
    written.put(key, nowMillis);
  }

  @Override
  public Optional<byte[]> get(String key) {
    return Optional.ofNullable(objects.get(key));
  }

  @Override
  public List<String> list(String prefix, String startAfter) {
    List<String> out = new ArrayList<>();
    for (String k : objects.tailMap(prefix).keySet()) {
      if (!k.startsWith(prefix)) break;
      if (startAfter == null || k.compareTo(startAfter) > 0) out.add(k);
    }
    return out;
  }

  @Override
  public List<Stored> listStored(String prefix) {
    List<Stored> out = new ArrayList<>();
    for (String k : list(prefix, null)) out.add(new Stored(k, written.getOrDefault(k, 0L)));
    return out;
  }

  @Override
  public void delete(String key) {
    objects.remove(key);
    written.remove(key);
  }
}
