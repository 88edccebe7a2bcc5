package io.samsa.spi;

import java.util.Optional;

/**
 * The outcome of {@link Segment#recover}.
 *
 * @param validBytes the bytes of valid batches kept
 * @param truncatedBytes the bytes cut off after them
 * @param nextOffset one past the last valid offset
 * @param problem why the bytes from {@code validBytes} on were cut, or empty if none were
 */
public record SegmentRecovery(
    long validBytes, long truncatedBytes, long nextOffset, Optional<String> problem) {}
