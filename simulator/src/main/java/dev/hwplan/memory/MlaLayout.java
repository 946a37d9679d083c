package dev.hwplan.memory;

import dev.hwplan.io.InvalidInputException;
import java.util.Locale;

/** How an MLA model's cache is stored. */
public enum MlaLayout {
  /** The latent c^KV plus the RoPE key, once per token and layer (DeepSeek-V2 section 2.1.3). */
  LATENT,
  /**
   * Per-head K ({@code qk_nope + qk_rope}) and V ({@code v_head_dim}), as engines without latent
   * kernels store it after up-projection.
   */
  EXPANDED;

  /** {@code latent} or {@code expanded}, any case; {@code option} names it in the error. */
  public static MlaLayout parse(String s, String option) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "latent" -> LATENT;
      case "expanded" -> EXPANDED;
      default ->
          throw InvalidInputException.option(option, "must be latent or expanded, got '" + s + "'");
    };
  }
}
