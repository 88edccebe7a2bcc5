package io.samsa.spi;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * Releases a memory mapping now rather than when the garbage collector finds it, through {@code
 * sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, open to everyone: no JVM flag needed).
 * The buffer must never be touched again: that would crash the JVM.
 */
final class Unmapper {
  private static final MethodHandle INVOKE_CLEANER;
  private static final Throwable UNAVAILABLE;

  static {
    MethodHandle handle = null;
    Throwable failure = null;
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field field = unsafeClass.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      Object unsafe = field.get(null);
      handle = MethodHandles.lookup()
          .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(unsafe);
    } catch (ReflectiveOperationException | RuntimeException e) {
      failure = e;
    }
    INVOKE_CLEANER = handle;
    UNAVAILABLE = failure;
  }

  private Unmapper() {}

  static void unmap(MappedByteBuffer buffer) throws IOException {
    if (INVOKE_CLEANER == null) {
      throw new IOException("cannot unmap a MappedByteBuffer on this JVM (sun.misc.Unsafe.invokeCleaner "
          + "is unavailable): " + UNAVAILABLE, UNAVAILABLE);
    }
    try {
      INVOKE_CLEANER.invokeExact((ByteBuffer) buffer);
    } catch (Throwable t) {
      throw new IOException("unmapping failed: " + t, t);
    }
  }
}
