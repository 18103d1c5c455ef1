package io.sluice.activities;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** A {@link BlobStore} in memory, ordered like S3 listings (keys here are ASCII, so String order is byte order). */
class InMemoryBlobStore implements BlobStore {
  final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();

  @Override
  public boolean createIfAbsent(String key, byte[] bytes) {
    return objects.putIfAbsent(key, bytes.clone()) == null;
  }

  @Override
  public void put(String key, byte[] bytes) {
    objects.put(key, bytes.clone());
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
  public void delete(String key) {
    objects.remove(key);
  }
}
