package dev.fancy.value;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A blob's bytes checked as they are read: when the stream ends, the bytes read must number
 * {@code size} and hash to {@code sha256}, or the read that reached the end fails as
 * {@code mismatch} says (which is also told as soon as more than {@code size} bytes arrive).
 * {@code skip} reads through the bytes, so that skipped bytes are hashed too.
 */
final class CheckedInputStream extends FilterInputStream {

  private final String sha256;
  private final long size;
  private final Blob.Mismatch mismatch;
  private final MessageDigest digest = Blob.digest();
  private long read;
  private boolean checked;

  CheckedInputStream(InputStream in, String sha256, long size, Blob.Mismatch mismatch) {
    super(in);
    this.sha256 = sha256;
    this.size = size;
    this.mismatch = mismatch;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      check();
    } else {
      digest.update((byte) b);
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n < 0) {
      check();
    } else if (n > 0) {
      digest.update(b, off, n);
      count(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[(int) Math.min(8192, Math.max(n, 1))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {
    // not supported: the hash covers each byte once
  }

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("a blob's stream cannot be reset; open a new one");
  }

  private void count(int n) throws IOException {
    read += n;
    if (read > size) {
      mismatch.fail(read, null); // may go on: the end is checked anyway
    }
  }

  private void check() throws IOException {
    if (checked) {
      return;
    }
    checked = true;
    String actual = HexFormat.of().formatHex(digest.digest());
    if (read != size || !actual.equals(sha256)) {
      mismatch.fail(read, actual);
      throw new IOException("blob sha256:" + sha256 + " of " + size + " bytes read back as "
          + read + " bytes hashing to " + actual);
    }
  }
}
