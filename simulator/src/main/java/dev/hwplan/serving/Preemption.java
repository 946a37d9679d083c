package dev.hwplan.serving;

import dev.hwplan.io.Keyed;
import java.util.List;

/**
 * What happens to a running request whose KV blocks are taken back when the cache runs out.
 *
 * <ul>
 *   <li>{@link #RECOMPUTE}: its blocks are freed and its prompt and output so far are prefilled
 *       again when it is readmitted (vLLM V1's only mode);
 *   <li>{@link #SWAP}: its blocks are copied to host memory over the GPU's host link (PCIe) and
 *       back when it is readmitted, each copy adding its transfer time to the iteration (vLLM V0's
 *       {@code preemption_mode="swap"}); when the host swap space is full, it is recomputed.
 * </ul>
 */
public enum Preemption implements Keyed.ByName {
  RECOMPUTE,
  SWAP;

  public static Preemption parse(String s, String flag) {
    return Keyed.parse(List.of(values()), s, flag, "preemption mode");
  }
}
