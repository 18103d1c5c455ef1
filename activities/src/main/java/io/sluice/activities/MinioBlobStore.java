package io.sluice.activities;

import io.minio.BucketExistsArgs;
import io.minio.Checksum;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link BlobStore} on any S3-compatible server (AWS S3, MinIO, S3Proxy) through the MinIO client. */
public final class MinioBlobStore implements BlobStore, AutoCloseable {
  private final MinioClient client;
  private final String bucket;

  public MinioBlobStore(String endpoint, String accessKey, String secretKey, String region, String bucket) {
    this.client = MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey)
        .region(region == null || region.isBlank() ? "us-east-1" : region).build();
    this.bucket = bucket;
  }

  public String bucket() {
    return bucket;
  }

  /** Creates the bucket if it does not exist. */
  public void ensureBucket() throws IOException {
    try {
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      }
    } catch (MinioException | IllegalStateException e) {
      throw io("create bucket " + bucket, e);
    }
  }

  @Override
  public boolean createIfAbsent(String key, byte[] bytes) throws IOException {
    try {
      // extraHeaders, not headers: they go on every request, so the condition also holds for multipart uploads
      client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).data(bytes, bytes.length)
          .extraHeaders(Map.of("If-None-Match", "*")).checksum(CHECKSUM).build());
      return true;
    } catch (ErrorResponseException e) {
      if (e.response() != null && e.response().code() == 412) return false;
      throw io("create " + key, e);
    } catch (MinioException | IllegalStateException e) {
      throw io("create " + key, e);
    }
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    try {
      client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).data(bytes, bytes.length)
          .checksum(CHECKSUM).build());
    } catch (MinioException | IllegalStateException e) {
      throw io("put " + key, e);
    }
  }

  /**
   * Part size of uploads: a stream that ends within this size goes in one PUT, a longer one in parts of this size. The
   * client's default would cut a 114 MB segment into 5 MiB parts: 23 requests, then a server-side concatenation.
   * Not larger: some S3-compatible servers hold a whole request body in memory (S3Proxy does, and ran out of its
   * 256 MB heap on a 110 MB PUT).
   */
  public static final long UPLOAD_PART_BYTES = 32L << 20;

  /**
   * The checksum sent with uploads: CRC32, which the JDK computes with the CPU's instructions. The client's default,
   * CRC32C, is computed a byte at a time in Java: 2.7% of a worker's CPU time in the benchmark.
   */
  static final Checksum.Algorithm CHECKSUM = Checksum.Algorithm.CRC32;

  /**
   * Parts of one upload sent at once. The client reads the next part from the stream while these are sent, holding
   * one part-sized buffer for each.
   */
  static final int PARALLEL_PARTS = 2;

  /** In parts of {@link #UPLOAD_PART_BYTES}, {@link #PARALLEL_PARTS} at a time; one PUT if it ends within one. */
  @Override
  public void putStream(String key, java.io.InputStream in) throws IOException {
    try (in) {
      client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(in, null, UPLOAD_PART_BYTES)
          .checksum(CHECKSUM).parallelUploads(PARALLEL_PARTS).build());
    } catch (MinioException | IllegalStateException e) {
      throw io("upload " + key, e);
    }
  }

  @Override
  public Optional<byte[]> get(String key) throws IOException {
    try (GetObjectResponse r = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return Optional.of(r.readAllBytes());
    } catch (ErrorResponseException e) {
      if (e.response() != null && e.response().code() == 404) return Optional.empty();
      throw io("get " + key, e);
    } catch (MinioException | IllegalStateException e) {
      throw io("get " + key, e);
    }
  }

  @Override
  public List<String> list(String prefix, String startAfter) throws IOException {
    List<String> out = new ArrayList<>();
    for (Item it : objects(prefix, startAfter)) out.add(it.objectName());
    return out;
  }

  @Override
  public List<Stored> listStored(String prefix) throws IOException {
    List<Stored> out = new ArrayList<>();
    for (Item it : objects(prefix, null)) {
      out.add(new Stored(it.objectName(), it.lastModified().toInstant().toEpochMilli()));
    }
    return out;
  }

  /** The objects under {@code prefix}, recursively (no directory entries), strictly after {@code startAfter}. */
  private List<Item> objects(String prefix, String startAfter) throws IOException {
    ListObjectsArgs.Builder args = ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true);
    if (startAfter != null) args.startAfter(startAfter);
    List<Item> out = new ArrayList<>();
    try {
      for (Result<Item> r : client.listObjects(args.build())) {
        Item it = r.get();
        if (!it.isDir()) out.add(it);
      }
    } catch (MinioException | IllegalStateException e) {
      throw io("list " + prefix, e);
    }
    return out;
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
    } catch (MinioException | IllegalStateException e) {
      throw io("delete " + key, e);
    }
  }

  /**
   * As an IOException, what the client threw. MinIO 9 reports a failed connection (the server down, say) as an
   * IllegalStateException wrapping the cause, not as a MinioException; it is an I/O failure all the same, so callers
   * see the BlobStore contract's IOException naming the operation and the bucket.
   */
  private IOException io(String what, Exception e) {
    return new IOException("S3 " + what + " in bucket " + bucket + " failed: " + e.getMessage(), e);
  }

  @Override
  public void close() throws Exception {
    client.close();
  }
}
