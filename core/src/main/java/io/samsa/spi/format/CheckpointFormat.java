package io.samsa.spi.format;

import io.samsa.spi.CorruptCheckpointException;
import io.samsa.spi.LeaderEpoch;
import io.samsa.spi.PartitionCheckpoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The text form of a {@link PartitionCheckpoint}, for backends that store it as a file. The last
 * line is the CRC-32C of everything before it, so a torn or flipped checkpoint is detected rather
 * than believed.
 *
 * <pre>
 * samsa-partition-checkpoint 1
 * recovery-point 1200
 * log-start-offset 0
 * high-watermark 1200
 * leader-epochs 2
 * 0 0
 * 3 1100
 * crc32c bb97ee9c
 * </pre>
 */
public final class CheckpointFormat {
  private static final String MAGIC = "samsa-partition-checkpoint";
  private static final int VERSION = 1;

  private CheckpointFormat() {}

  public static byte[] encode(PartitionCheckpoint cp) {
    StringBuilder s = new StringBuilder();
    s.append(MAGIC).append(' ').append(VERSION).append('\n');
    s.append("recovery-point ").append(cp.recoveryPoint()).append('\n');
    s.append("log-start-offset ").append(cp.logStartOffset()).append('\n');
    s.append("high-watermark ").append(cp.highWatermark()).append('\n');
    s.append("leader-epochs ").append(cp.leaderEpochs().size()).append('\n');
    for (LeaderEpoch e : cp.leaderEpochs()) {
      s.append(e.epoch()).append(' ').append(e.startOffset()).append('\n');
    }
    byte[] body = s.toString().getBytes(StandardCharsets.US_ASCII);
    String crc = "crc32c " + Long.toHexString(crc(body, body.length)) + "\n";
    byte[] out = new byte[body.length + crc.length()];
    System.arraycopy(body, 0, out, 0, body.length);
    System.arraycopy(crc.getBytes(StandardCharsets.US_ASCII), 0, out, body.length, crc.length());
    return out;
  }

  /**
   * @param source the file name, for messages
   * @throws CorruptCheckpointException if the bytes are not a whole, intact checkpoint
   */
  public static PartitionCheckpoint decode(byte[] bytes, String source) {
    String text = new String(bytes, StandardCharsets.US_ASCII);
    int crcLine = text.lastIndexOf("crc32c ");
    if (crcLine < 0 || !text.endsWith("\n")) {
      throw new CorruptCheckpointException(source, "no checksum line (torn write?)");
    }
    // Compared as text, exactly as written: parsing would accept 'B' for 'b'.
    String stored = text.substring(crcLine + 7, text.length() - 1);
    String computed = Long.toHexString(crc(bytes, crcLine));
    if (!stored.equals(computed)) {
      throw new CorruptCheckpointException(source, "CRC-32C mismatch: stored=" + stored
          + ", computed=" + computed);
    }
    String[] lines = text.substring(0, crcLine).split("\n");
    try {
      expect(lines[0], MAGIC + " " + VERSION, source);
      long recoveryPoint = field(lines[1], "recovery-point", source);
      long logStart = field(lines[2], "log-start-offset", source);
      long highWatermark = field(lines[3], "high-watermark", source);
      long count = field(lines[4], "leader-epochs", source);
      if (count < 0 || count != lines.length - 5) {
        throw new CorruptCheckpointException(source, "leader-epochs count " + count
            + " does not match " + (lines.length - 5) + " lines");
      }
      List<LeaderEpoch> epochs = new ArrayList<>();
      for (int i = 5; i < lines.length; i++) {
        String[] parts = lines[i].split(" ");
        if (parts.length != 2) {
          throw new CorruptCheckpointException(source, "malformed leader epoch line: " + lines[i]);
        }
        epochs.add(new LeaderEpoch(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
      }
      if (recoveryPoint < 0 || logStart < 0 || highWatermark < 0) {
        throw new CorruptCheckpointException(source, "negative offset");
      }
      return new PartitionCheckpoint(recoveryPoint, logStart, highWatermark, epochs);
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw new CorruptCheckpointException(source, "malformed: " + e.getMessage());
    }
  }

  private static void expect(String line, String expected, String source) {
    if (!line.equals(expected)) {
      throw new CorruptCheckpointException(source, "expected '" + expected + "', found '" + line + "'");
    }
  }

  private static long field(String line, String name, String source) {
    if (!line.startsWith(name + " ")) {
      throw new CorruptCheckpointException(source, "expected field " + name + ", found '" + line + "'");
    }
    return Long.parseLong(line.substring(name.length() + 1));
  }

  private static long crc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return crc.getValue();
  }
}
