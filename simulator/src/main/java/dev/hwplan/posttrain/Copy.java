package dev.hwplan.posttrain;

import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCounter;
import dev.hwplan.training.Precision;
import java.util.ArrayList;
import java.util.List;

/**
 * A model copy before sharding: its role, model, and whole bytes. A trainable copy in full
 * fine-tuning holds bf16 weights and gradients and fp32 master weights and Adam moments (16
 * B/param, the ZeRO paper's accounting, {@link Precision#MIXED}); with LoRA it holds the frozen
 * base (bf16 or NF4, {@link Lora#baseBytes}) and 16 B per adapter parameter (the rest's gradients
 * and optimizer state too with {@link Lora#trainRest}). Frozen copies hold bf16 weights.
 */
record Copy(
    Role role,
    ModelSpec model,
    boolean trainable,
    String dtype,
    double params,
    double trainableParams,
    double weightBytes,
    double gradientBytes,
    double optimizerBytes) {

  /** A trainable copy of {@code n} parameters in mixed precision. */
  private static Copy trained(Role role, ModelSpec m, double n) {
    Precision p = Precision.MIXED;
    return new Copy(
        role, m, true, "bf16", n, n, n * p.weightBytes, n * p.gradBytes, n * p.optimizerBytes);
  }

  /** The copies {@code job}'s method keeps, in the order policy, reference, reward, critic. */
  static List<Copy> all(PostTrainJob job) {
    List<Copy> out = new ArrayList<>();
    ModelSpec p = job.policy();
    double n = ParameterCounter.count(p).total();
    Lora lora = job.lora();
    if (lora == null) {
      out.add(trained(Role.POLICY, p, n));
    } else {
      Precision mixed = Precision.MIXED;
      double a = lora.adapterParams(p);
      double t = lora.trainableParams(p); // the adapter's, and the rest's when it trains
      out.add(
          new Copy(
              Role.POLICY,
              p,
              true,
              (lora.nf4() ? "nf4" : "bf16") + "+lora",
              n + a,
              t,
              lora.baseBytes(p) + a * mixed.weightBytes,
              t * mixed.gradBytes,
              t * mixed.optimizerBytes));
    }
    Method m = job.method();
    if (m != Method.SFT && !(m == Method.DPO && job.precomputedReference())) {
      boolean shared = job.sharedReference();
      out.add(
          new Copy(
              Role.REFERENCE,
              p,
              false,
              shared ? "shared" : "bf16",
              n,
              0,
              shared ? 0 : 2 * n,
              0,
              0));
    }
    ModelSpec r = job.rewardModel() != null ? job.rewardModel() : (m == Method.PPO ? p : null);
    if (r != null && m.rollout()) {
      double rn = scalarHeadParams(r);
      out.add(new Copy(Role.REWARD, r, false, "bf16", rn, 0, 2 * rn, 0, 0));
      if (m == Method.PPO) {
        out.add(trained(Role.CRITIC, r, rn));
      }
    }
    return out;
  }

  /**
   * Parameters of a reward or value model built on {@code m}: the LM head replaced by a scalar head
   * of {@code hidden} weights (InstructGPT's reward model; Hugging Face's {@code score} layer).
   */
  static double scalarHeadParams(ModelSpec m) {
    var c = ParameterCounter.count(m);
    return c.total() - c.outputHead() + (double) m.hiddenSize();
  }

  /** Whether the copy ends in a scalar head (no vocabulary logits). */
  boolean scalarHead() {
    return role == Role.REWARD || role == Role.CRITIC;
  }
}
