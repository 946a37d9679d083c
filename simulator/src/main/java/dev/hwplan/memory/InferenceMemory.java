package dev.hwplan.memory;

import java.util.List;

/**
 * Memory on one GPU for serving, as vLLM budgets it: {@code gpuMemUtil x capacity} must hold the
 * weights, the activation peak of a profiling forward pass, and a reserve for the CUDA context,
 * workspaces and CUDA graphs; what remains is KV cache, in whole blocks.
 *
 * @param kvBudgetBytes bytes left for KV cache (negative when the model does not fit)
 * @param kvBlocks blocks of {@code blockSize} tokens that fit in the budget
 * @param bytesPerSequence KV bytes one sequence of {@code context} tokens needs on this GPU
 * @param maxSequences concurrent sequences of {@code context} tokens that fit
 */
public record InferenceMemory(
    String model,
    String gpu,
    int tp,
    int pp,
    String weightsDtype,
    String kvDtype,
    long context,
    double gpuMemUtil,
    long capacityBytes,
    long usableBytes,
    long weightBytes,
    long activationBytes,
    long reserveBytes,
    long kvBudgetBytes,
    int blockSize,
    long kvBytesPerBlock,
    long kvBlocks,
    long bytesPerSequence,
    long maxSequences,
    boolean fits,
    List<String> notes) {}
