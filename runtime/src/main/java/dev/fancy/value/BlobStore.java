package dev.fancy.value;

import com.fasterxml.jackson.databind.Module;
import java.util.Objects;

/**
 * Where an engine keeps the bytes of {@link Blob}s that pass through JSON (the journal's rows,
 * claim checks, retry copies, caches): a value's JSON holds only the blob's reference, and the
 * engine's codec puts the bytes here when it writes the reference and gets them back by hash when
 * it reads one. For engines and their stores, not for steps.
 *
 * <p>Fancy's stores: the durable engine's journal ({@code <journal>.values/blobs/}), the
 * Temporal engine's claim-check store, and, for codecs without a store, this process's memory
 * (a blob read back from JSON is the one that was written, found by hash while it is reachable).
 * Content addressing as in Dagger and OCI registries: one copy per content, checked on read.
 */
public interface BlobStore {

  /**
   * Keeps the bytes of {@code blob} in this store, once per content (a blob already stored is
   * not copied again), and returns a blob that reads them from here. Bytes must be complete and
   * durable as the store promises before this returns; a failure leaves nothing under the hash.
   *
   * @throws RuntimeException an unchecked exception of the store if the bytes cannot be kept
   *     (the journal's {@code JournalException}, for example)
   */
  Blob put(Blob blob);

  /**
   * The blob with this content.
   *
   * @param sha256 64 lower-case hex digits (checked by the caller)
   * @param size the number of bytes
   * @throws RuntimeException an unchecked exception of the store that names what is missing or
   *     damaged and what to do
   */
  Blob get(String sha256, long size);

  /**
   * The Jackson module that writes every {@link Blob} as its reference
   * {@code {"uri", "sha256", "size"}}, putting its bytes in {@code store}, and reads references
   * back from {@code store}. Give it to a codec with {@link ValueCodec#withModules}: registered
   * later, it replaces the codec's default (in-process) store.
   *
   * @throws NullPointerException if {@code store} is null
   */
  static Module jacksonModule(BlobStore store) {
    return new BlobJson(Objects.requireNonNull(store, "store == null"));
  }
}
