package dev.hwplan.posttrain;

import dev.hwplan.io.InvalidInputException;

/**
 * Where the copies' model states (weights, gradients, optimizer moments) live when they are not
 * computing.
 *
 * <ul>
 *   <li>{@link #NONE}: on the GPU, sharded over the pool (ZeRO-3 / FSDP), through every phase.
 *   <li>{@link #OPTIMIZER}: the optimizer state in host memory, stepped there (ZeRO-Offload, Ren et
 *       al. 2021; DeepSpeed's {@code offload_optimizer}).
 *   <li>{@link #STREAMED}: weights and gradients in host memory too, each layer brought in for the
 *       op that needs it (FSDP's {@code CPUOffload(offload_params=True)}, ZeRO-Infinity's {@code
 *       offload_param}): the GPU holds only the gathered layers.
 *   <li>{@link #BETWEEN_PHASES}: every copy's whole shard moves to host memory after its phase and
 *       back before its next one, as verl's {@code param_offload} and {@code optimizer_offload} do
 *       ({@code fsdp_workers.py}: {@code load_fsdp_model_to_gpu} and {@code load_fsdp_optimizer}
 *       before {@code update_actor}, {@code offload_fsdp_model_to_cpu} after it). The training
 *       phase holds the trained copy's weights, gradients and optimizer state on the GPU; the
 *       rollout holds none of them.
 * </ul>
 */
public enum Offload {
  NONE,
  OPTIMIZER,
  STREAMED,
  BETWEEN_PHASES;

  /** Whether the optimizer state is away from the GPU while the copy trains. */
  public boolean optimizerOnHost() {
    return this == OPTIMIZER || this == STREAMED;
  }

  /** Whether weights and gradients are away from the GPU while the copy computes. */
  public boolean paramsOnHost() {
    return this == STREAMED;
  }

  /**
   * The offload the CLI flags ask for.
   *
   * @param optimizer {@code --offload}
   * @param params {@code --param-offload}
   * @param phases {@code --phase-offload}
   */
  public static Offload of(boolean optimizer, boolean params, boolean phases) {
    if (phases) {
      if (optimizer || params) {
        throw InvalidInputException.option(
            "--phase-offload",
            "offloads every state between phases; drop --offload/--param-offload");
      }
      return BETWEEN_PHASES;
    }
    if (params && !optimizer) {
      throw InvalidInputException.option("--param-offload", "needs --offload (FSDP offloads both)");
    }
    return params ? STREAMED : optimizer ? OPTIMIZER : NONE;
  }
}
