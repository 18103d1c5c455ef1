package io.sluice.activities;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** The few deep-storage operations Sluice needs. {@link MinioBlobStore} talks to S3; tests may use a fake. */
public interface BlobStore {
  /** Creates {@code key} only if it does not exist ({@code If-None-Match: *}). Returns false if it existed. */
  boolean createIfAbsent(String key, byte[] bytes) throws IOException;

  void put(String key, byte[] bytes) throws IOException;

  /**
   * Uploads what {@code in} gives until its end, a length not known in advance, and closes it, also on failure (so
   * that a writer feeding it learns that the upload stopped). This default reads it all into memory first.
   */
  default void putStream(String key, InputStream in) throws IOException {
    try (in) {
      put(key, in.readAllBytes());
    }
  }

  Optional<byte[]> get(String key) throws IOException;

  /** Keys under {@code prefix}, recursively, in UTF-8 byte order, strictly after {@code startAfter} if given. */
  List<String> list(String prefix, String startAfter) throws IOException;

  /** An object of a listing: its key, and when it was last written by the store's clock, in epoch millis. */
  record Stored(String key, long lastModifiedMillis) {}

  /** {@link #list} of everything under {@code prefix}, with each object's last-modified time. */
  List<Stored> listStored(String prefix) throws IOException;

  void delete(String key) throws IOException;
}
