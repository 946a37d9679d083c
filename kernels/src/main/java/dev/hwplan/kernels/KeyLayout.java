package dev.hwplan.kernels;

/**
 * How a key cache is laid out. Values are always token-major, {@code [batch][kvHeads][context]
 * [headDim]}, because the output is a weighted sum of whole rows.
 *
 * <p>Scoring token-major keys needs one horizontal sum per (token, head), which costs more than the
 * dot product itself on AVX-512. Keys stored in blocks of {@link #BLOCK} tokens, dimension-major
 * inside a block ({@code [batch][kvHeads][ceil(context/16)][headDim][16]}, the last block zero
 * padded), are scored with vertical FMAs only: one vector holds the partial scores of 16 tokens.
 * vLLM's paged key cache and llama.cpp's repacked formats interleave keys for the same reason.
 */
public enum KeyLayout {
  /** {@code [batch][kvHeads][context][headDim]}, as Hugging Face's cache holds it. */
  TOKEN_MAJOR,
  /** {@code [batch][kvHeads][ceil(context/16)][headDim][16]}. */
  BLOCKED;

  /** Tokens per block of {@link #BLOCKED}. */
  public static final int BLOCK = 16;

  /** Elements a key cache of this shape needs in this layout. */
  public long keyElements(AttentionShape s) {
    return this == TOKEN_MAJOR
        ? s.cacheElements()
        : (long) s.batch() * s.kvHeads() * blocks(s.context()) * BLOCK * s.headDim();
  }

  static int blocks(int context) {
    return (context + BLOCK - 1) / BLOCK;
  }

  /** Rearranges token-major keys into {@link #BLOCKED}. */
  public static float[] block(AttentionShape s, float[] tokenMajor) {
    return block(s, tokenMajor, new float[Math.toIntExact(BLOCKED.keyElements(s))]);
  }

  /** Rearranges token-major bf16 keys into {@link #BLOCKED}. */
  public static short[] block(AttentionShape s, short[] tokenMajor) {
    return block(s, tokenMajor, new short[Math.toIntExact(BLOCKED.keyElements(s))]);
  }

  /**
   * Copies each element of {@code tokenMajor} (a {@code float[]} or a {@code short[]}) to its place
   * in {@code out}, the same array type; a copy, so the values are bit for bit the same.
   */
  private static <A> A block(AttentionShape s, A tokenMajor, A out) {
    int d = s.headDim();
    int blocks = blocks(s.context());
    for (int pair = 0; pair < s.batch() * s.kvHeads(); pair++) {
      int src = pair * s.context() * d;
      int dst = pair * blocks * BLOCK * d;
      for (int t = 0; t < s.context(); t++) {
        int base = dst + (t / BLOCK) * BLOCK * d + t % BLOCK;
        for (int i = 0; i < d; i++) {
          System.arraycopy(tokenMajor, src + t * d + i, out, base + BLOCK * i, 1);
        }
      }
    }
    return out;
  }
}
