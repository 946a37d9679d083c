package dev.hwplan.posttrain;

import dev.hwplan.io.Keyed;
import java.util.List;

/**
 * A post-training method and the model copies it keeps.
 *
 * <ul>
 *   <li>{@link #SFT}: supervised fine-tuning, the policy alone.
 *   <li>{@link #DPO}: direct preference optimisation (Rafailov et al. 2023): the policy and a
 *       frozen reference, each run on a chosen and a rejected response per prompt; precomputed
 *       reference log-probabilities drop the reference.
 *   <li>{@link #PPO}: InstructGPT's PPO (Ouyang et al. 2022): actor (policy), frozen reference,
 *       frozen reward model and a trainable value model (critic), and a rollout every step.
 *   <li>{@link #GRPO}: group relative policy optimisation (Shao et al. 2024, DeepSeekMath): policy
 *       and frozen reference, G sampled responses per prompt whose mean reward is the baseline, no
 *       critic; the reward is a rule or, when given, a reward model.
 * </ul>
 */
public enum Method implements Keyed.ByName {
  SFT,
  DPO,
  PPO,
  GRPO;

  /** Whether every step generates responses (a rollout). */
  public boolean rollout() {
    return this == PPO || this == GRPO;
  }

  /** Parses {@code --method}. */
  public static Method parse(String s) {
    return Keyed.parse(List.of(values()), s, "--method", "method");
  }
}
