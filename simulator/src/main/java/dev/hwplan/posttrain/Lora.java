package dev.hwplan.posttrain;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.LayerSpec;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCount;
import dev.hwplan.model.ParameterCounter;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A LoRA adapter (Hu et al. 2021) of rank {@code rank} on the targeted linear layers of the
 * transformer blocks: by default all of them (q, k, v, o and the MLP's gate, up and down
 * projections, as QLoRA's "all linear layers" and PEFT's {@code target_modules="all-linear"}), or a
 * subset such as Hu et al.'s q and v; optionally over a 4-bit NF4 base (QLoRA, Dettmers et al.
 * 2023).
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
 * @param targets the adapted matrices of each block (a target the model lacks, such as the gate of
 *     an ungated MLP, adds nothing)
 * @param trainRest whether every parameter outside the adapted matrices trains too (embeddings, the
 *     head, norms, biases, untargeted matrices), as DeepSpeed-Chat trains without {@code
 *     --only_optimize_lora}: its {@code LinearLayer_LoRA} sets {@code requires_grad = False} on the
 *     replaced matrix alone ({@code training/utils/module/lora.py}, DeepSpeedExamples e468799f)
 */
public record Lora(int rank, boolean nf4, Set<Target> targets, boolean trainRest) {
  /** A block's linear layers, by their Hugging Face names without {@code _proj}. */
  public enum Target {
    Q,
    K,
    V,
    O,
    GATE,
    UP,
    DOWN;

    String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    boolean attention() {
      return ordinal() <= O.ordinal();
    }
  }

  /** Every linear layer of the blocks. */
  public static final Set<Target> ALL_LINEAR = Set.copyOf(EnumSet.allOf(Target.class));

  public Lora {
    targets = Set.copyOf(targets);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no LoRA targets");
    }
    if (trainRest && nf4) {
      throw InvalidInputException.option(
          "--lora-train-rest", "an NF4 base does not train; drop --qlora or --lora-train-rest");
    }
  }

  /** An adapter on every linear layer. */
  public Lora(int rank, boolean nf4) {
    this(rank, nf4, ALL_LINEAR);
  }

  /** An adapter on {@code targets}, everything else frozen. */
  public Lora(int rank, boolean nf4, Set<Target> targets) {
    this(rank, nf4, targets, false);
  }

  /** This adapter with the parameters outside the adapted matrices training or frozen. */
  public Lora trainingRest(boolean rest) {
    return new Lora(rank, nf4, targets, rest);
  }

  /**
   * Parses a {@code --lora-targets} value: {@code all-linear} (or {@code all}), {@code attention}
   * (q, k, v, o), {@code mlp} (gate, up, down), or a comma list of q, k, v, o, gate, up, down (an
   * {@code _proj} suffix is allowed), naming {@code flag} when it is bad.
   */
  public static Set<Target> parseTargets(String s, String flag) {
    String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "all-linear", "all":
        return ALL_LINEAR;
      case "attention":
        return EnumSet.of(Target.Q, Target.K, Target.V, Target.O);
      case "mlp":
        return EnumSet.of(Target.GATE, Target.UP, Target.DOWN);
      default:
        break;
    }
    EnumSet<Target> out = EnumSet.noneOf(Target.class);
    for (String part : v.split(",", -1)) {
      String k = part.trim();
      k = k.endsWith("_proj") ? k.substring(0, k.length() - 5) : k;
      Target hit = null;
      for (Target t : Target.values()) {
        if (t.key().equals(k)) {
          hit = t;
        }
      }
      if (hit == null) {
        throw InvalidInputException.option(
            flag,
            "unknown LoRA target '"
                + part.trim()
                + "' (known: all-linear, attention, mlp, or a list of "
                + Arrays.stream(Target.values()).map(Target::key).collect(Collectors.joining(", "))
                + ")");
      }
      out.add(hit);
    }
    return out;
  }

  /** QLoRA's bits per NF4 weight with double-quantised constants (section 3). */
  public static final double NF4_BITS_DOUBLE_QUANT = 4 + 8.0 / 64 + 32.0 / (64 * 256);

  /** The rank QLoRA's paper uses for its 65B Guanaco runs (Dettmers et al. 2023, appendix B.2). */
  public static final int QLORA_DEFAULT_RANK = 64;

  /** Checks the rank against {@code m}: 1 to the hidden size; every linear layer targeted. */
  public static Lora of(ModelSpec m, int rank, boolean nf4, String flag) {
    return of(m, rank, nf4, ALL_LINEAR, flag);
  }

  /** Checks the rank against {@code m}: 1 to the hidden size. */
  public static Lora of(ModelSpec m, int rank, boolean nf4, Set<Target> targets, String flag) {
    if (rank <= 0 || rank > m.hiddenSize()) {
      throw InvalidInputException.option(
          flag, "LoRA rank must be 1 to the hidden size " + m.hiddenSize() + ", got " + rank);
    }
    if (m.mla() != null) {
      throw InvalidInputException.option(
          flag, "LoRA on MLA attention (" + m.id() + ") is not modelled");
    }
    return new Lora(rank, nf4, targets);
  }

  /** Trainable adapter parameters on {@code m}: {@code r (d_in + d_out)} per targeted matrix. */
  public long adapterParams(ModelSpec m) {
    long perRank = 0;
    for (LayerSpec l : m.layers()) {
      for (Target t : targets) {
        perRank += l.moe() && !t.attention() ? 0 : inPlusOut(m, t);
      }
    }
    return perRank * rank;
  }

  /** Parameters in the adapted matrices of {@code m}: {@code d_in x d_out} per targeted matrix. */
  public long targetedParams(ModelSpec m) {
    long n = 0;
    for (LayerSpec l : m.layers()) {
      for (Target t : targets) {
        n += l.moe() && !t.attention() ? 0 : inTimesOut(m, t);
      }
    }
    return n;
  }

  /**
   * Parameters that train: the adapter's, and with {@link #trainRest} every parameter of {@code m}
   * outside the adapted matrices.
   */
  public double trainableParams(ModelSpec m) {
    long a = adapterParams(m);
    return trainRest ? a + ParameterCounter.count(m).total() - targetedParams(m) : a;
  }

  /**
   * Matrix parameters outside the adapter whose weight gradients the backward pass computes: none,
   * or with {@link #trainRest} the untargeted linear layers and the LM head (the embedding, when
   * tied).
   */
  public double trainedMatrixParams(ModelSpec m) {
    if (!trainRest) {
      return 0;
    }
    return linearParams(m) - targetedParams(m) + (double) m.vocabSize() * m.hiddenSize();
  }

  /** Targeted matrices in a dense block of {@code m} (7 for all linear layers of a gated MLP). */
  public int matricesPerLayer(ModelSpec m) {
    int n = 0;
    for (Target t : targets) {
      n += inPlusOut(m, t) > 0 ? 1 : 0;
    }
    return n;
  }

  /**
   * {@code d_in + d_out} of target {@code t} in {@code m}; 0 where {@code m} has no such matrix.
   */
  private static long inPlusOut(ModelSpec m, Target t) {
    long[] s = shape(m, t);
    return s[0] + s[1];
  }

  /**
   * {@code d_in x d_out} of target {@code t} in {@code m}; 0 where {@code m} has no such matrix.
   */
  private static long inTimesOut(ModelSpec m, Target t) {
    long[] s = shape(m, t);
    return s[0] * s[1];
  }

  /**
   * The hidden size and the other side of target {@code t}'s matrix in {@code m}; 0 when absent.
   */
  private static long[] shape(ModelSpec m, Target t) {
    long d = m.hiddenSize();
    long other =
        switch (t) {
          case Q, O -> (long) m.numAttentionHeads() * m.headDim();
          case K, V -> (long) m.numKeyValueHeads() * m.headDim();
          case GATE -> m.architecture().gatedMlp() ? m.intermediateSize() : 0;
          case UP, DOWN -> m.intermediateSize();
        };
    return other == 0 ? new long[] {0, 0} : new long[] {d, other};
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
    String base = (nf4 ? "QLoRA" : "LoRA") + " r" + rank;
    String rest = trainRest ? " + rest" : "";
    if (targets.equals(ALL_LINEAR)) {
      return base + rest;
    }
    return base
        + " on "
        + EnumSet.copyOf(targets).stream().map(Target::key).collect(Collectors.joining(","))
        + rest;
  }
}
