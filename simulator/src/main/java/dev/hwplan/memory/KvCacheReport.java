package dev.hwplan.memory;

import java.util.List;

/**
 * A KV-cache answer. Byte counts are exact.
 *
 * @param bytesPerToken bytes one token adds across all layers (before any window cap)
 * @param bytesPerSequence bytes one sequence holds at {@code context}, windows applied
 * @param totalBytes bytes for {@code batch} sequences
 * @param pagedBytes bytes once each layer's cache is allocated in whole blocks
 * @param pagingWasteBytes {@code pagedBytes - totalBytes}: the rounding loss of the last blocks
 * @param blocksPerSequence blocks of {@code blockSize} tokens one sequence uses per layer group
 * @param perGpuBytes {@code pagedBytes} on one GPU of the TP/PP layout (largest stage)
 * @param notes what the calculator decided that a user should know
 */
public record KvCacheReport(
    String model,
    String attentionKind,
    String layout,
    String kvDtype,
    long context,
    long batch,
    int blockSize,
    long bytesPerToken,
    long bytesPerSequence,
    long totalBytes,
    long pagedBytes,
    long pagingWasteBytes,
    long blocksPerSequence,
    long perGpuBytes,
    double scaleOverheadBytesPerElement,
    List<LayerKv> layers,
    List<String> notes) {}
