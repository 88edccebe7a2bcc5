package io.samsa.testkit;

import io.samsa.spi.FileIO;
import java.io.IOException;
import java.nio.file.Path;

/** Clean-up of the directories the kit's properties create, one per scenario. */
final class ScratchDirectories {
  private ScratchDirectories() {}

  /**
   * Deletes a scenario's directory, so that thousands of tries do not fill the disk. A leftover
   * does no harm (JUnit removes the temporary directory at the end), so a failure is ignored.
   */
  static void delete(Path dir) {
    try {
      FileIO.standard().deleteRecursively(dir);
    } catch (IOException e) {
      // left for JUnit's clean-up of the temporary directory
    }
  }
}
