package io.samsa.storage.rocksdb;

import java.io.IOException;
import java.util.Locale;

/** Loads RocksDB's native library, turning a failure into an error that names the platform. */
final class NativeLibrary {
  private NativeLibrary() {}

  static void load() throws IOException {
    load(org.rocksdb.RocksDB::loadLibrary);
  }

  /** Loads with {@code loader}; a test passes one that fails. */
  static void load(Runnable loader) throws IOException {
    try {
      loader.run();
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      throw new IOException("RocksDB's native library could not be loaded: platform=" + platform()
          + " (rocksdbjni ships natives for Linux x86-64, aarch64, ppc64le, s390x and riscv64 with glibc "
          + "2.17+ or musl, macOS x86-64 and arm64, and Windows x86-64; it unpacks them into "
          + "java.io.tmpdir=" + System.getProperty("java.io.tmpdir") + ", which must allow executing "
          + "them), cause=" + e, e);
    }
  }

  static String platform() {
    return System.getProperty("os.name", "?").toLowerCase(Locale.ROOT).replace(' ', '-') + "-"
        + System.getProperty("os.arch", "?");
  }
}
