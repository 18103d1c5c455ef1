package io.sluice.activities;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.sluice.segment.spec.SpecParser;
import io.sluice.segment.spec.SupervisorSpec;
import io.sluice.workflows.CatalogLayout;
import io.sluice.workflows.StreamPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipe that carries a segment's zip from the thread writing it to the thread uploading it: every byte in order,
 * and a failure on either side reaches the other instead of leaving it waiting.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamPipeTest {
  @TempDir Path work;

  @Test
  void bytesCrossInOrderWhateverTheWriteAndReadSizes() throws Exception {
    byte[] data = new byte[100_003];
    new Random(3).nextBytes(data);
    StreamPipe pipe = new StreamPipe(7, 3); // tiny chunks and queue: the writer waits for the reader often
    CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
      Random r = new Random(4);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (InputStream in = pipe.input()) {
        byte[] buf = new byte[50];
        while (true) {
          if (r.nextBoolean()) {
            int n = in.read(buf, 0, 1 + r.nextInt(buf.length));
            if (n < 0) break;
            out.write(buf, 0, n);
          } else {
            int b = in.read();
            if (b < 0) break;
            out.write(b);
          }
        }
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
      return out.toByteArray();
    });
    Random w = new Random(5);
    try (OutputStream out = pipe.output()) {
      int pos = 0;
      while (pos < data.length) {
        int n = Math.min(data.length - pos, w.nextInt(30));
        if (n == 1) {
          out.write(data[pos]);
        } else {
          out.write(data, pos, n);
        }
        pos += n;
      }
    }
    assertArrayEquals(data, read.get(30, TimeUnit.SECONDS));
  }

  @Test
  void theReaderGetsWhatWasWrittenAndThenTheWritersFailure() throws Exception {
    StreamPipe pipe = new StreamPipe(4, 2);
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try {
        pipe.output().write("0123456789".getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
      pipe.fail(new IllegalStateException("disk full"));
    });
    InputStream in = pipe.input();
    byte[] got = new byte[8];
    int n = 0;
    while (n < 8) n += in.read(got, n, 8 - n); // the two full chunks; "89" was never handed over
    assertArrayEquals("01234567".getBytes(StandardCharsets.US_ASCII), got);
    IOException e = assertThrows(IOException.class, () -> in.read());
    assertTrue(e.getCause() instanceof IllegalStateException, "cause: " + e.getCause());
    assertTrue(e.getMessage().contains("disk full"), e.getMessage());
    writer.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aReaderThatStopsEarlyMakesTheWritersNextWriteFailInsteadOfWaiting() throws Exception {
    StreamPipe pipe = new StreamPipe(4, 1);
    OutputStream out = pipe.output();
    out.write(new byte[6]); // one chunk waits in the full queue, the next is being filled
    pipe.input().close(); // the upload failed
    IOException e = assertThrows(IOException.class, () -> out.write(new byte[100]));
    assertTrue(e.getMessage().contains("stopped reading"), e.getMessage());
  }

  /** A store whose upload reads a little of the zip and then fails, as when S3 goes away mid-upload. */
  private static final class FailingUploads extends InMemoryBlobStore {
    final IOException failure = new IOException("S3 is down");

    @Override
    public void putStream(String key, InputStream in) throws IOException {
      try (in) {
        in.readNBytes(10);
        throw failure;
      }
    }
  }

  @Test
  void anUploadThatFailsMidwayFailsThePublishWithItsOwnError() throws Exception {
    SupervisorSpec spec = SpecParser.parse(PersistAndMergeTest.SPEC);
    long hour = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
    FailingUploads store = new FailingUploads();
    SegmentPublisher publisher = new SegmentPublisher(store, "bucket", new CatalogLayout("druid/segments"), work);
    try (RowIngester ingester = new RowIngester(spec, hour, 1L << 30, publisher.persistDir("task-f"))) {
      for (int i = 0; i < 3; i++) {
        String json = "{\"ts\":" + (hour + i) + ",\"host\":\"h" + i + "\",\"v\":" + i + "}";
        ingester.add(StreamPartition.of(0), i, json.getBytes(StandardCharsets.UTF_8));
      }
      IOException e = assertThrows(IOException.class,
          () -> publisher.publish("ds", "task-f", "task-f", "seq-f", ingester, (d, t) -> { }));
      assertSame(store.failure, e);
      assertTrue(store.objects.keySet().stream().noneMatch(k -> k.endsWith("index.zip")), "nothing uploaded");
    }
    try (var left = Files.list(work)) {
      assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("task-f")).toList(),
          "the task's work directory is removed");
    }
  }
}
