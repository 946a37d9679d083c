package dev.hwplan.kernels;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds {@link KernelCase}s on inputs drawn from one reusable pool, so that a grid of large shapes
 * does not allocate (and zero) hundreds of MiB per shape. Inputs are a fixed pattern in [-1, 1): no
 * denormals, no infinities, and the same on every run.
 */
public final class KernelCases {
  private final KernelProvider p;
  private final Pool pool = new Pool();

  public KernelCases(KernelProvider p) {
    this.p = p;
  }

  public KernelProvider provider() {
    return p;
  }

  /** Decode attention with token-major K and V in the given storage. */
  public KernelCase decodeAttention(AttentionShape s, String dtype) {
    return decodeAttention(s, dtype, KeyLayout.TOKEN_MAJOR);
  }

  /** Decode attention with K in the given layout and K and V in the given storage. */
  public KernelCase decodeAttention(AttentionShape s, String dtype, KeyLayout layout) {
    int bpe = bytesPerElement(dtype);
    float[] q = pool.floats(0, s.queryElements());
    float[] out = pool.floats(1, s.queryElements());
    Storage k = pool.storage(2, layout.keyElements(s), dtype);
    Storage v = pool.storage(3, s.cacheElements(), dtype);
    Map<String, Integer> shape = new LinkedHashMap<>();
    shape.put("batch", s.batch());
    shape.put("heads", s.heads());
    shape.put("kvHeads", s.kvHeads());
    shape.put("headDim", s.headDim());
    shape.put("context", s.context());
    shape.put("blockedKeys", layout == KeyLayout.BLOCKED ? 1 : 0);
    double bytes = s.cacheBytes(bpe) + 2.0 * 4 * s.queryElements();
    return new KernelCase(
        "decodeAttention",
        dtype,
        shape,
        s.flops(),
        bytes,
        bytes,
        layout == KeyLayout.BLOCKED ? "attention" : "attentionTokenMajor",
        () -> p.decodeAttention(s, q, k, layout, v, out));
  }

  /** Absorbed MLA decode with the latent cache in the given storage. */
  public KernelCase mlaDecodeAttention(MlaShape s, String dtype) {
    int bpe = bytesPerElement(dtype);
    long heads = (long) s.batch() * s.heads();
    float[] qLat = pool.floats(0, heads * s.kvLoraRank());
    float[] qRope = pool.floats(1, heads * s.ropeDim());
    float[] out = pool.floats(4, heads * s.kvLoraRank());
    Storage latent = pool.storage(2, s.latentElements(), dtype);
    Storage rope = pool.storage(3, s.ropeElements(), dtype);
    Map<String, Integer> shape = new LinkedHashMap<>();
    shape.put("batch", s.batch());
    shape.put("heads", s.heads());
    shape.put("kvLoraRank", s.kvLoraRank());
    shape.put("ropeDim", s.ropeDim());
    shape.put("context", s.context());
    double bytes = s.cacheBytes(bpe) + 4.0 * heads * (2L * s.kvLoraRank() + s.ropeDim());
    return new KernelCase(
        "mlaDecodeAttention",
        dtype,
        shape,
        s.flops(),
        bytes,
        bytes,
        "mla",
        () -> p.mlaDecodeAttention(s, qLat, qRope, latent, rope, out));
  }

  /** y = A·x with A {@code [m][k]} in the given storage. */
  public KernelCase gemv(int m, int k, String dtype) {
    Storage a = pool.storage(2, (long) m * k, dtype);
    float[] x = pool.floats(0, k);
    float[] y = pool.floats(1, m);
    Map<String, Integer> shape = new LinkedHashMap<>();
    shape.put("m", m);
    shape.put("k", k);
    double bytes = (double) m * k * bytesPerElement(dtype) + 4.0 * (m + k);
    return new KernelCase(
        "gemv", dtype, shape, 2.0 * m * k, bytes, bytes, "vector", () -> p.gemv(m, k, a, x, y));
  }

  /** C = A·B with B {@code [k][n]} in the given storage. */
  public KernelCase gemm(int m, int n, int k, String dtype) {
    float[] a = pool.floats(0, (long) m * k);
    Storage b = pool.storage(2, (long) k * n, dtype);
    float[] c = pool.floats(1, (long) m * n);
    Map<String, Integer> shape = new LinkedHashMap<>();
    shape.put("m", m);
    shape.put("n", n);
    shape.put("k", k);
    double bytes = 4.0 * m * k + (double) k * n * bytesPerElement(dtype) + 4.0 * m * n;
    return new KernelCase(
        "gemm",
        dtype,
        shape,
        2.0 * m * n * k,
        bytes,
        bytes,
        "matrix",
        () -> p.gemm(m, n, k, a, b, c));
  }

  /** RMSNorm of {@code rows} rows of {@code dim}. */
  public KernelCase rmsNorm(int rows, int dim) {
    float[] x = pool.floats(0, (long) rows * dim);
    float[] w = pool.floats(2, dim);
    float[] out = pool.floats(1, (long) rows * dim);
    Map<String, Integer> shape = new LinkedHashMap<>();
    shape.put("rows", rows);
    shape.put("dim", dim);
    double bytes = 8.0 * rows * dim + 4.0 * dim;
    return new KernelCase(
        "rmsNorm",
        "fp32",
        shape,
        4.0 * rows * dim,
        bytes,
        bytes,
        "vector",
        () -> p.rmsNorm(x, w, 1e-5f, out, rows, dim));
  }

  /**
   * Runs every kernel on small shapes for about {@code seconds}, so that C2 has compiled the inner
   * loops before anything is timed.
   */
  public void warmUpJit(double seconds) {
    // Every code path of the primitives: 4, 2 and 1 heads per KV head, head dims of 64 and 128,
    // both key layouts and both dtypes; C2 compiles what it has seen, and deoptimises on the rest.
    KernelCase[] small = {
      decodeAttention(new AttentionShape(1, 4, 4, 64, 64), "fp32", KeyLayout.BLOCKED),
      decodeAttention(new AttentionShape(1, 8, 8, 64, 512), "fp32", KeyLayout.TOKEN_MAJOR),
      decodeAttention(new AttentionShape(1, 6, 1, 64, 256), "fp32", KeyLayout.BLOCKED),
      decodeAttention(new AttentionShape(1, 8, 2, 128, 256), "fp32", KeyLayout.TOKEN_MAJOR),
      decodeAttention(new AttentionShape(1, 8, 2, 128, 256), "bf16", KeyLayout.TOKEN_MAJOR),
      decodeAttention(new AttentionShape(1, 8, 2, 128, 256), "fp32", KeyLayout.BLOCKED),
      decodeAttention(new AttentionShape(1, 8, 2, 128, 256), "bf16", KeyLayout.BLOCKED),
      mlaDecodeAttention(MlaShape.deepSeekV3(1, 4, 64), "fp32"),
      mlaDecodeAttention(MlaShape.deepSeekV3(1, 4, 64), "bf16"),
      gemv(128, 256, "fp32"),
      gemv(128, 256, "bf16"),
      gemm(64, 96, 64, "fp32"),
      gemm(64, 96, 64, "bf16"),
      rmsNorm(4, 256)
    };
    long each = (long) (seconds * 1e9 / small.length);
    for (KernelCase c : small) {
      long t0 = System.nanoTime();
      while (System.nanoTime() - t0 < each) {
        c.call().run();
      }
    }
  }

  private static int bytesPerElement(String dtype) {
    return switch (dtype) {
      case "fp32" -> 4;
      case "bf16" -> 2;
      default -> throw new IllegalArgumentException("dtype must be fp32 or bf16, got " + dtype);
    };
  }

  /** Reusable arrays by slot, grown as needed and filled with the pattern once. */
  private static final class Pool {
    private final float[][] floats = new float[5][];
    private final short[][] shorts = new short[5][];

    float[] floats(int slot, long n) {
      int len = Math.toIntExact(n);
      if (floats[slot] == null || floats[slot].length < len) {
        floats[slot] = null; // let the old one go before allocating the new one
        float[] f = new float[len];
        fill(f, slot);
        floats[slot] = f;
      }
      return floats[slot];
    }

    short[] shorts(int slot, long n) {
      int len = Math.toIntExact(n);
      if (shorts[slot] == null || shorts[slot].length < len) {
        shorts[slot] = null;
        short[] s = new short[len];
        for (int i = 0; i < len; i++) {
          s[i] = Bf16.fromFloat(value(i, slot));
        }
        shorts[slot] = s;
      }
      return shorts[slot];
    }

    Storage storage(int slot, long n, String dtype) {
      return switch (dtype) {
        case "fp32" -> Storage.of(floats(slot, n));
        case "bf16" -> Storage.ofBf16(shorts(slot, n));
        default -> throw new IllegalArgumentException("dtype must be fp32 or bf16, got " + dtype);
      };
    }

    private static void fill(float[] f, int slot) {
      for (int i = 0; i < f.length; i++) {
        f[i] = value(i, slot);
      }
    }

    /** A cheap hash of the index into [-1, 1). */
    private static float value(int i, int slot) {
      int h = (i + slot * 0x61C88647) * 0x9E3779B9;
      return (h >>> 8) * 0x1p-23f - 1f;
    }
  }
}
