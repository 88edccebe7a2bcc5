package io.samsa.core.internal.store;

import io.samsa.UnknownBackendException;
import io.samsa.spi.StorageProvider;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Finds storage backends through {@link ServiceLoader}, one entry at a time. */
public final class Backends {
  private static final System.Logger LOG = System.getLogger(Backends.class.getName());

  private Backends() {}

  /**
   * The provider named {@code name}, searched for with {@code loader} and then with the thread's
   * context class loader.
   *
   * @throws UnknownBackendException listing the names that were found
   */
  public static StorageProvider find(String name, ClassLoader loader) {
    List<StorageProvider> found = load(loader);
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null && context != loader) {
      found.addAll(load(context));
    }
    for (StorageProvider p : found) {
      if (p.name().equals(name)) {
        LOG.log(Level.DEBUG, "storage backend {0}: {1}", name, p.getClass().getName());
        return p;
      }
    }
    TreeSet<String> names = new TreeSet<>();
    found.forEach(p -> names.add(p.name()));
    throw new UnknownBackendException(name, new ArrayList<>(names));
  }

  /** The names of every backend {@code loader} can see, sorted. */
  public static List<String> available(ClassLoader loader) {
    TreeSet<String> names = new TreeSet<>();
    load(loader).forEach(p -> names.add(p.name()));
    return new ArrayList<>(names);
  }

  private static List<StorageProvider> load(ClassLoader loader) {
    List<StorageProvider> providers = new ArrayList<>();
    Iterator<StorageProvider> it = ServiceLoader.load(StorageProvider.class, loader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        providers.add(it.next());
      } catch (ServiceConfigurationError e) {
        // One broken entry must not hide the others.
        LOG.log(Level.WARNING, "skipping a storage backend that failed to load: " + e.getMessage(), e);
      }
    }
    return providers;
  }
}
