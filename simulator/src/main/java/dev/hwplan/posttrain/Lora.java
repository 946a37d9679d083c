package dev.hwplan.posttrain;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.LayerSpec;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCount;
import dev.hwplan.model.ParameterCounter;

/**
 * A LoRA adapter (Hu et al. 2021) of rank {@code rank} on every linear layer of the transformer
 * blocks (q, k, v, o and the MLP's gate, up and down projections, as QLoRA's "all linear layers"),
 * optionally over a 4-bit NF4 base (QLoRA, Dettmers et al. 2023).
 *
 * <p>A targeted {@code d_in x d_out} matrix gains {@code A (d_in x r)} and {@code B (r x d_out)}:
 * {@code r (d_in + d_out)} trainable parameters. In MoE layers only the attention is targeted.
 *
 * <p>NF4 storage (Dettmers et al. 2023, section 3, "Double Quantization"): 4 bits per weight plus
 * one fp32 absmax per block of 64 weights (32/64 = 0.5 bits per weight); double quantisation stores
 * those constants in 8 bits with one fp32 constant per 256 of them: {@code 8/64 + 32/(64 x 256) =
 * 0.127} bits, 4.127 bits per weight in all. bitsandbytes quantises the linear layers of the
 * blocks; embeddings, norms and the output head stay in bf16.
 *
 * @param rank the adapter rank r
 * @param nf4 whether the frozen base is NF4 (QLoRA) rather than bf16
 */
public record Lora(int rank, boolean nf4) {
  /** QLoRA's bits per NF4 weight with double-quantised constants (section 3). */
  public static final double NF4_BITS_DOUBLE_QUANT = 4 + 8.0 / 64 + 32.0 / (64 * 256);

  /** The rank QLoRA's paper uses for its 65B Guanaco runs (Dettmers et al. 2023, appendix B.2). */
  public static final int QLORA_DEFAULT_RANK = 64;

  /** Checks the rank against {@code m}: 1 to the hidden size. */
  public static Lora of(ModelSpec m, int rank, boolean nf4, String flag) {
    if (rank <= 0 || rank > m.hiddenSize()) {
      throw InvalidInputException.option(
          flag, "LoRA rank must be 1 to the hidden size " + m.hiddenSize() + ", got " + rank);
    }
    if (m.mla() != null) {
      throw InvalidInputException.option(
          flag, "LoRA on MLA attention (" + m.id() + ") is not modelled");
    }
    return new Lora(rank, nf4);
  }

  /** Trainable adapter parameters on {@code m}: {@code r (d_in + d_out)} per targeted matrix. */
  public long adapterParams(ModelSpec m) {
    long d = m.hiddenSize();
    long q = (long) m.numAttentionHeads() * m.headDim();
    long kv = (long) m.numKeyValueHeads() * m.headDim();
    long attention = (d + q) + 2 * (d + kv) + (q + d);
    long ff = m.intermediateSize();
    long mlp = (m.architecture().gatedMlp() ? 3 : 2) * (d + ff);
    long perRank = 0;
    for (LayerSpec l : m.layers()) {
      perRank += attention + (l.moe() ? 0 : mlp);
    }
    return perRank * rank;
  }

  /** Parameters in the blocks' linear layers (what bitsandbytes quantises). */
  public static long linearParams(ModelSpec m) {
    ParameterCount c = ParameterCounter.count(m);
    return c.attention() + c.mlp() + c.routedExperts();
  }

  /** Bytes of the frozen base: NF4 linear layers (or bf16) and the rest in bf16. */
  public double baseBytes(ModelSpec m) {
    long total = ParameterCounter.count(m).total();
    if (!nf4) {
      return 2.0 * total;
    }
    long lin = linearParams(m);
    return lin * NF4_BITS_DOUBLE_QUANT / 8 + 2.0 * (total - lin);
  }

  public String label() {
    return (nf4 ? "QLoRA" : "LoRA") + " r" + rank;
  }
}
