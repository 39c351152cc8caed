package dev.fancy.value;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The blob store of codecs that have none: this process's memory. Writing a blob's reference
 * remembers the blob (weakly: it stays as long as something else holds it), and reading the
 * reference returns it, so retry copies, caches and reference cells of the in-memory engine get
 * the same blob back. A reference to a blob this process no longer holds, or never made, cannot
 * be read: bytes that must outlive the blob belong in a durable engine's journal.
 */
final class ProcessBlobs implements BlobStore {

  static final ProcessBlobs INSTANCE = new ProcessBlobs();

  private final Cache<String, Blob> blobs = Caffeine.newBuilder().weakValues().build();

  private ProcessBlobs() {}

  @Override
  public Blob put(Blob blob) {
    blobs.asMap().putIfAbsent(blob.sha256(), blob);
    return blob;
  }

  @Override
  public Blob get(String sha256, long size) {
    Blob blob = blobs.getIfPresent(sha256);
    if (blob == null || blob.size() != size) {
      throw new ValueCodecException("blob sha256:" + sha256 + " (" + size + " bytes) is not in "
          + "this process: without a journal (or another blob store), a blob's reference can "
          + "only be read back in the process that made the blob, while the blob is in use. Run "
          + "the workflow on a durable engine to keep blobs across processes", null);
    }
    return blob;
  }
}
