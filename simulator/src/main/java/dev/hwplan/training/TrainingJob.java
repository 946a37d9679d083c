package dev.hwplan.training;

import static dev.hwplan.io.Checks.positiveOption;

import dev.hwplan.model.ModelSpec;
import dev.hwplan.step.Execution;

/**
 * What is trained: the model, the sequence length, the global batch in sequences, the precision,
 * and the software stack.
 *
 * @param flashAttention FlashAttention (no {@code s x s} scores stored); false for the Megatron-LM
 *     of 2021-2022 (Narayanan et al., Korthikanti et al.)
 * @param dropout whether the model applies dropout (GPT-3 in Megatron-LM; Llama has none)
 * @param chunkedLoss whether the loss is computed in chunks of tokens (fused linear cross-entropy)
 *     so that the fp32 logits of a whole micro-batch never exist at once
 * @param execution {@link Execution#FUSED}: Megatron-LM / Transformer Engine fused kernels; {@link
 *     Execution#EAGER}: plain PyTorch ops (as kernels/cuda/scripts/train_step.py)
 * @param overlapGradReduce whether the data-parallel gradient reduction overlaps the backward in
 *     buckets (PyTorch DDP, FSDP, Megatron-LM's {@code --overlap-grad-reduce} since 2023); false
 *     for the Megatron-LM of 2021-2022, which reduced after the backward
 */
public record TrainingJob(
    ModelSpec model,
    long seq,
    long globalBatch,
    Precision precision,
    boolean flashAttention,
    boolean dropout,
    boolean chunkedLoss,
    Execution execution,
    boolean overlapGradReduce) {
  public TrainingJob {
    positiveOption(seq, "--seq", "number of tokens");
    positiveOption(globalBatch, "--global-batch", "number of sequences");
  }

  /** A Megatron-LM style job: fused kernels, FlashAttention, no dropout, whole-batch loss. */
  public static TrainingJob of(ModelSpec m, long seq, long globalBatch, Precision p) {
    return new TrainingJob(m, seq, globalBatch, p, true, false, false, Execution.FUSED, true);
  }

  /** Tokens per step. */
  public double tokensPerStep() {
    return seq * (double) globalBatch;
  }
}
