// Decode attention kernels (one query token per sequence) with split-K (flash-decoding).
//
//  * gqa_decode_kernel: MHA/GQA/MQA over a bf16 K/V cache laid out [B, Hkv, S, D=128].
//    One warp owns (batch, kv head, context chunk, 16-row head tile). All query heads that
//    share a KV head sit in the rows of one m16n8k16 tensor-core tile, so K/V of a group is
//    read once. K and V are loaded straight from global memory into registers with 16-byte
//    loads; the head dimension and token order are permuted consistently so that the loaded
//    words already are mma fragments (no shared memory, no ldmatrix).
//  * mla_decode_kernel: DeepSeek-V3 MLA in absorbed (latent) form: one 576-wide latent vector
//    per token (kv_lora_rank 512 + rope 64) shared by 128 heads; output in latent space (512).
//    64 heads per block, 32-token tiles through a two-stage cp.async pipeline, ldmatrix + mma.
//  * splitk_reduce_kernel: combines per-chunk (normalised output, log2-sum-exp) partials.
#pragma once
#include "common.cuh"

// ---------------------------------------------------------------- PTX helpers
__device__ __forceinline__ void mma16816(float (&d)[4], uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3,
                                         uint32_t b0, uint32_t b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
}
__device__ __forceinline__ uint32_t wsel(const uint4& v, int i) {
  return i == 0 ? v.x : i == 1 ? v.y : i == 2 ? v.z : v.w;
}
__device__ __forceinline__ uint32_t pack_bf16(float lo, float hi) {
  __nv_bfloat162 t = __floats2bfloat162_rn(lo, hi);
  return *reinterpret_cast<uint32_t*>(&t);
}
__device__ __forceinline__ uint4 ldg16(const bf16* p) { return __ldg(reinterpret_cast<const uint4*>(p)); }

// Sum / max over the 4 threads (a quad) that hold one row of an mma.sync accumulator fragment.
__device__ __forceinline__ float quad_sum(float x) {
  x += __shfl_xor_sync(0xffffffffu, x, 1);
  x += __shfl_xor_sync(0xffffffffu, x, 2);
  return x;
}
__device__ __forceinline__ float quad_max(float x) {
  x = fmaxf(x, __shfl_xor_sync(0xffffffffu, x, 1));
  x = fmaxf(x, __shfl_xor_sync(0xffffffffu, x, 2));
  return x;
}

// Online softmax (base 2), running-max step of the rows r and r + 8 of a 16-row mma fragment: mx0, mx1 are
// this thread's maxima of the new scaled scores of the two rows; m0, m1 advance to the rows' new running
// maxima and cr0, cr1 come back as the factors that rescale what was accumulated under the old ones.
__device__ __forceinline__ void online_max_step(float mx0, float mx1, float& m0, float& m1, float& cr0, float& cr1) {
  mx0 = quad_max(mx0);
  mx1 = quad_max(mx1);
  const float mn0 = fmaxf(m0, mx0), mn1 = fmaxf(m1, mx1);
  cr0 = exp2f(m0 - mn0);
  cr1 = exp2f(m1 - mn1);
  m0 = mn0;
  m1 = mn1;
}

// Online softmax (base 2) of one 16-token step of the m16n8k16 decode kernels: sc holds this thread's
// scores of rows r (regs 0,1) and r+8 (regs 2,3) in the step's two 8-token n-tiles, o its 16 output
// n-tiles. Advances m0, m1 and l0, l1, rescales o, and returns P = 2^(sc * scale_log2 - m) packed as the
// bf16 A fragment pa[0..3] of the P V mma.
__device__ __forceinline__ void online_softmax_step16(const float (&sc)[2][4], float scale_log2, float& m0, float& m1,
                                                      float& l0, float& l1, float (&o)[16][4], uint32_t (&pa)[4]) {
  float cr0, cr1;
  online_max_step(fmaxf(fmaxf(sc[0][0], sc[0][1]), fmaxf(sc[1][0], sc[1][1])) * scale_log2,
                  fmaxf(fmaxf(sc[0][2], sc[0][3]), fmaxf(sc[1][2], sc[1][3])) * scale_log2, m0, m1, cr0, cr1);
  float p[2][4];
#pragma unroll
  for (int tt = 0; tt < 2; ++tt) {
    p[tt][0] = exp2f(fmaf(sc[tt][0], scale_log2, -m0));
    p[tt][1] = exp2f(fmaf(sc[tt][1], scale_log2, -m0));
    p[tt][2] = exp2f(fmaf(sc[tt][2], scale_log2, -m1));
    p[tt][3] = exp2f(fmaf(sc[tt][3], scale_log2, -m1));
  }
  l0 = l0 * cr0 + (p[0][0] + p[0][1] + p[1][0] + p[1][1]);
  l1 = l1 * cr1 + (p[0][2] + p[0][3] + p[1][2] + p[1][3]);
  if (__any_sync(0xffffffffu, cr0 != 1.f || cr1 != 1.f)) {
#pragma unroll
    for (int i = 0; i < 16; ++i) { o[i][0] *= cr0; o[i][1] *= cr0; o[i][2] *= cr1; o[i][3] *= cr1; }
  }
  pa[0] = pack_bf16(p[0][0], p[0][1]);
  pa[1] = pack_bf16(p[0][2], p[0][3]);
  pa[2] = pack_bf16(p[1][0], p[1][1]);
  pa[3] = pack_bf16(p[1][2], p[1][3]);
}

__device__ __forceinline__ uint32_t smem_u32(const void* p) { return (uint32_t)__cvta_generic_to_shared(p); }
__device__ __forceinline__ void cp_async16(void* dst, const void* src) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(smem_u32(dst)), "l"(src));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N>
__device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N)); }
__device__ __forceinline__ void ldsm_x4(uint32_t& r0, uint32_t& r1, uint32_t& r2, uint32_t& r3, const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(smem_u32(p)));
}
__device__ __forceinline__ void ldsm_x4_t(uint32_t& r0, uint32_t& r1, uint32_t& r2, uint32_t& r3, const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(smem_u32(p)));
}

// ---------------------------------------------------------------- GQA / MHA / MQA decode
// Fragment bookkeeping (r = lane/4, c = lane%4, m16n8k16 layouts):
//  QK^T, k-step j (0..7) uses logical dims 16j + 8h + 2c + e  <->  physical dim 32(j/2) + 8c + 2(2(j%2)+h) + e.
//    So a thread loads, for its row/token, the four 16-byte pieces at physical dims 32i + 8c (i = 0..3),
//    and word 2(j%2)+h of piece j/2 is directly the a0/a2 (Q) or b0/b1 (K) register.
//  Token order within a 16-token step: S column j of n-tile t  <->  token 4(j/2) + 2t + j%2, which makes the
//    P fragment's k index map to tokens 4c..4c+3 for thread c, so V rows 4c..4c+3 are what the thread loads.
//  PV n-tile i = 8s + e: column r  <->  physical dim 64s + 8r + e; thread (r, c) loads V[4c+q][64s + 8r .. +7].
//    Output: thread (r, c) holds dims 64s + 16c + (0..15) of rows r and r + 8.
// Programmatic dependent launch (sm_90): lets the split-K reduce be scheduled while the main
// kernel drains; the reduce waits for the main grid's completion and memory with griddepcontrol.wait.
__device__ __forceinline__ void pdl_launch_dependents() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.launch_dependents;\n" ::: "memory");
#endif
}
__device__ __forceinline__ void pdl_wait() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.wait;\n" ::: "memory");
#endif
}

// 16-byte read-only load; HINT adds an L2 256-byte prefetch hint (whole K/V rows come into L2 at once).
template <bool HINT>
__device__ __forceinline__ uint4 ldkv(const bf16* p) {
  if (HINT) {
    uint4 r;
    asm("ld.global.nc.L2::256B.v4.u32 {%0,%1,%2,%3}, [%4];\n" : "=r"(r.x), "=r"(r.y), "=r"(r.z), "=r"(r.w) : "l"(p));
    return r;
  }
  return __ldg(reinterpret_cast<const uint4*>(p));
}

// MT: 16-row head tiles per KV group (G <= 16*MT); PIPE: software pipelining (next 16-token step's
// K/V loads are issued before the current step is computed); HINT: L2::256B prefetch hint on loads.
template <int MT, bool PIPE, bool HINT>
__global__ void __launch_bounds__(128, PIPE ? 2 : 3)
    gqa_decode_kernel(const bf16* __restrict__ q, const bf16* __restrict__ k, const bf16* __restrict__ v,
                      float* __restrict__ opart, float* __restrict__ lse, bf16* __restrict__ out, int H, int Hkv,
                      int S, int chunk, int nChunks, float scale_log2) {
  pdl_launch_dependents();
  const int G = H / Hkv;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int wi = blockIdx.x * 4 + warp;
  const int ci = wi / MT, mt = wi % MT;
  if (ci >= nChunks) return;
  const int kvh = blockIdx.y, b = blockIdx.z;
  const int r = lane >> 2, c = lane & 3;
  const int h0 = mt * 16 + r, h1 = h0 + 8;
  const bool ok0 = h0 < G, ok1 = h1 < G;

  const bf16* qg = q + ((size_t)b * H + (size_t)kvh * G) * 128;
  uint4 qa[4], qb[4];
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    qa[i] = ok0 ? ldg16(qg + (size_t)h0 * 128 + 32 * i + 8 * c) : make_uint4(0, 0, 0, 0);
    qb[i] = ok1 ? ldg16(qg + (size_t)h1 * 128 + 32 * i + 8 * c) : make_uint4(0, 0, 0, 0);
  }
  const size_t kvoff = ((size_t)b * Hkv + kvh) * (size_t)S * 128;
  const bf16* kb = k + kvoff;
  const bf16* vb = v + kvoff;

  float o[16][4];
#pragma unroll
  for (int i = 0; i < 16; ++i) o[i][0] = o[i][1] = o[i][2] = o[i][3] = 0.f;
  float m0 = -INFINITY, m1 = -INFINITY, l0 = 0.f, l1 = 0.f;

  const int t0 = ci * chunk;
  const int t1 = min(S, t0 + chunk);
  const int ktok = (r >> 1) * 4 + (r & 1);  // token of S column r in n-tile 0 (n-tile 1: +2)

  auto load = [&](int t, uint4 (&kr)[2][4], uint4 (&vr)[4][2]) {
#pragma unroll
    for (int tt = 0; tt < 2; ++tt) {
      const bf16* kp = kb + (size_t)(t + ktok + 2 * tt) * 128 + 8 * c;
#pragma unroll
      for (int i = 0; i < 4; ++i) kr[tt][i] = ldkv<HINT>(kp + 32 * i);
    }
#pragma unroll
    for (int qq = 0; qq < 4; ++qq) {
      const bf16* vp = vb + (size_t)(t + 4 * c + qq) * 128 + 8 * r;
#pragma unroll
      for (int s2 = 0; s2 < 2; ++s2) vr[qq][s2] = ldkv<HINT>(vp + 64 * s2);
    }
  };
  auto step = [&](const uint4 (&kr)[2][4], const uint4 (&vr)[4][2]) {
    float sc[2][4];
#pragma unroll
    for (int tt = 0; tt < 2; ++tt) {
      sc[tt][0] = sc[tt][1] = sc[tt][2] = sc[tt][3] = 0.f;
#pragma unroll
      for (int j = 0; j < 8; ++j) {
        const int w = 2 * (j & 1);
        mma16816(sc[tt], wsel(qa[j >> 1], w), wsel(qb[j >> 1], w), wsel(qa[j >> 1], w + 1), wsel(qb[j >> 1], w + 1),
                 wsel(kr[tt][j >> 1], w), wsel(kr[tt][j >> 1], w + 1));
      }
    }
    // online softmax (base 2), rows r (regs 0,1) and r+8 (regs 2,3)
    uint32_t pa[4];
    online_softmax_step16(sc, scale_log2, m0, m1, l0, l1, o, pa);
#pragma unroll
    for (int i = 0; i < 16; ++i) {
      const int s2 = i >> 3, e = i & 7, wd = e >> 1;
      const uint32_t sel = (e & 1) ? 0x7632u : 0x5410u;
      const uint32_t b0 = __byte_perm(wsel(vr[0][s2], wd), wsel(vr[1][s2], wd), sel);
      const uint32_t b1 = __byte_perm(wsel(vr[2][s2], wd), wsel(vr[3][s2], wd), sel);
      mma16816(o[i], pa[0], pa[1], pa[2], pa[3], b0, b1);
    }
  };

  if (!PIPE) {
    for (int t = t0; t < t1; t += 16) {
      uint4 kr[2][4], vr[4][2];
      load(t, kr, vr);
      step(kr, vr);
    }
  } else {
    uint4 ka[2][4], va[4][2], kb2[2][4], vb2[4][2];
    if (t0 < t1) load(t0, ka, va);
    for (int t = t0; t < t1; t += 32) {
      const bool second = t + 16 < t1;
      if (second) load(t + 16, kb2, vb2);
      step(ka, va);
      if (second) {
        if (t + 32 < t1) load(t + 32, ka, va);
        step(kb2, vb2);
      }
    }
  }
  l0 = quad_sum(l0);
  l1 = quad_sum(l1);
  const float inv0 = 1.f / l0, inv1 = 1.f / l1;

#pragma unroll
  for (int half = 0; half < 2; ++half) {
    const bool ok = half ? ok1 : ok0;
    if (!ok) continue;
    const int h = half ? h1 : h0;
    const float inv = half ? inv1 : inv0;
    const int ri = half ? 2 : 0;
    const size_t row = (size_t)b * H + (size_t)kvh * G + h;
    if (nChunks == 1) {
      bf16* op = out + row * 128;
#pragma unroll
      for (int s2 = 0; s2 < 2; ++s2) {
        const int base = 64 * s2 + 16 * c;
        uint4 lo, hi;
        lo.x = pack_bf16(o[8 * s2 + 0][ri] * inv, o[8 * s2 + 1][ri] * inv);
        lo.y = pack_bf16(o[8 * s2 + 2][ri] * inv, o[8 * s2 + 3][ri] * inv);
        lo.z = pack_bf16(o[8 * s2 + 4][ri] * inv, o[8 * s2 + 5][ri] * inv);
        lo.w = pack_bf16(o[8 * s2 + 6][ri] * inv, o[8 * s2 + 7][ri] * inv);
        hi.x = pack_bf16(o[8 * s2 + 0][ri + 1] * inv, o[8 * s2 + 1][ri + 1] * inv);
        hi.y = pack_bf16(o[8 * s2 + 2][ri + 1] * inv, o[8 * s2 + 3][ri + 1] * inv);
        hi.z = pack_bf16(o[8 * s2 + 4][ri + 1] * inv, o[8 * s2 + 5][ri + 1] * inv);
        hi.w = pack_bf16(o[8 * s2 + 6][ri + 1] * inv, o[8 * s2 + 7][ri + 1] * inv);
        *reinterpret_cast<uint4*>(op + base) = lo;
        *reinterpret_cast<uint4*>(op + base + 8) = hi;
      }
    } else {
      float* op = opart + (row * nChunks + ci) * 128;
#pragma unroll
      for (int s2 = 0; s2 < 2; ++s2) {
        const int base = 64 * s2 + 16 * c;
#pragma unroll
        for (int g4 = 0; g4 < 2; ++g4) {
          *reinterpret_cast<float4*>(op + base + 4 * g4) =
              make_float4(o[8 * s2 + 4 * g4 + 0][ri] * inv, o[8 * s2 + 4 * g4 + 1][ri] * inv,
                          o[8 * s2 + 4 * g4 + 2][ri] * inv, o[8 * s2 + 4 * g4 + 3][ri] * inv);
          *reinterpret_cast<float4*>(op + base + 8 + 4 * g4) =
              make_float4(o[8 * s2 + 4 * g4 + 0][ri + 1] * inv, o[8 * s2 + 4 * g4 + 1][ri + 1] * inv,
                          o[8 * s2 + 4 * g4 + 2][ri + 1] * inv, o[8 * s2 + 4 * g4 + 3][ri + 1] * inv);
        }
      }
      if (c == 0) lse[row * nChunks + ci] = (half ? m1 : m0) + log2f(half ? l1 : l0);
    }
  }
}

// Split-K combine helpers (256-thread blocks, one (batch, head) row each).
// Maximum of the row's nChunks log2-sum-exp values L over the whole block.
__device__ __forceinline__ float lse_row_max(const float* __restrict__ L, int nChunks, float (&smax)[8]) {
  const int tid = threadIdx.x;
  float mx = -INFINITY;
  for (int i = tid; i < nChunks; i += 256) mx = fmaxf(mx, __ldg(L + i));
  for (int off = 16; off; off >>= 1) mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, off));
  if ((tid & 31) == 0) smax[tid >> 5] = mx;
  __syncthreads();
  mx = smax[0];
#pragma unroll
  for (int i = 1; i < 8; ++i) mx = fmaxf(mx, smax[i]);
  return mx;
}
// Sums the NG chunk groups' weighted partial outputs (acc, float4 lane vv of group g) and weights wsum
// through shared memory; group 0 writes the normalised result as 4 bf16 at dst.
template <int NG, int V4>
__device__ __forceinline__ void combine_chunk_groups(float4 acc, float wsum, float4 (&sacc)[NG][V4], float (&sw)[NG],
                                                     int g, int vv, bf16* dst) {
  sacc[g][vv] = acc;
  if (vv == 0) sw[g] = wsum;
  __syncthreads();
  if (g == 0) {
    float ws = sw[0];
#pragma unroll
    for (int j = 1; j < NG; ++j) {
      const float4 y = sacc[j][vv];
      acc.x += y.x; acc.y += y.y; acc.z += y.z; acc.w += y.w;
      ws += sw[j];
    }
    const float inv = 1.f / ws;
    uint2 pk;
    pk.x = pack_bf16(acc.x * inv, acc.y * inv);
    pk.y = pack_bf16(acc.z * inv, acc.w * inv);
    *reinterpret_cast<uint2*>(dst) = pk;
  }
}

// Combine nChunks partials per row: out = sum_c 2^(lse_c - max) O_c / sum_c 2^(lse_c - max).
// One block of 256 threads per (batch, head) row: D/4 threads per chunk (one float4 each), the
// 256/(D/4) chunk groups stride over the chunks, then combine through shared memory.
template <int D>
__global__ void __launch_bounds__(256) splitk_reduce_kernel(const float* __restrict__ opart,
                                                           const float* __restrict__ lse,
                                                           bf16* __restrict__ out, int nChunks) {
  constexpr int V4 = D / 4, NG = 256 / V4;
  __shared__ float4 sacc[NG][V4];
  __shared__ float sw[NG];
  __shared__ float smax[8];
  pdl_wait();
  const size_t row = blockIdx.x;
  const int tid = threadIdx.x;
  const float* L = lse + row * nChunks;
  const float mx = lse_row_max(L, nChunks, smax);
  const int vv = tid % V4, g = tid / V4;
  const float4* O = reinterpret_cast<const float4*>(opart + row * (size_t)nChunks * D) + vv;
  float4 acc = make_float4(0.f, 0.f, 0.f, 0.f);
  float wsum = 0.f;
#pragma unroll 4
  for (int i = g; i < nChunks; i += NG) {
    const float w = exp2f(__ldg(L + i) - mx);
    const float4 x = __ldg(O + (size_t)i * V4);
    wsum += w;
    acc.x = fmaf(w, x.x, acc.x); acc.y = fmaf(w, x.y, acc.y);
    acc.z = fmaf(w, x.z, acc.z); acc.w = fmaf(w, x.w, acc.w);
  }
  combine_chunk_groups(acc, wsum, sacc, sw, g, vv, out + row * D + 4 * vv);
}

static bool g_pdl = true;  // programmatic dependent launch for the reduce (probed at start-up)
static bool g_wgmma = false;  // sm_90 device: wgmma MLA kernel available

// Launch configuration with programmatic stream serialization (PDL) allowed; at must outlive the launch.
static cudaLaunchConfig_t pdl_launch_config(dim3 grid, dim3 block, size_t smem, cudaStream_t st,
                                            cudaLaunchAttribute (&at)[1]) {
  cudaLaunchConfig_t cfg = {};
  cfg.gridDim = grid;
  cfg.blockDim = block;
  cfg.dynamicSmemBytes = smem;
  cfg.stream = st;
  at[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
  at[0].val.programmaticStreamSerializationAllowed = 1;
  cfg.attrs = at;
  cfg.numAttrs = 1;
  return cfg;
}

// Launch helper: plain or PDL (programmatic stream serialization) launch of any kernel.
template <typename... KArgs, typename... Args>
static void launch_maybe_pdl(void (*kern)(KArgs...), dim3 grid, dim3 block, size_t smem, cudaStream_t st,
                             Args... args) {
  if (g_pdl) {
    cudaLaunchAttribute at[1];
    const cudaLaunchConfig_t cfg = pdl_launch_config(grid, block, smem, st, at);
    CK(cudaLaunchKernelEx(&cfg, kern, static_cast<KArgs>(args)...));
  } else {
    kern<<<grid, block, smem, st>>>(static_cast<KArgs>(args)...);
    CK_LAUNCH();
  }
}

template <int D>
static void launch_reduce(const float* opart, const float* lse, bf16* out, int rows, int nChunks, cudaStream_t st) {
  launch_maybe_pdl(splitk_reduce_kernel<D>, dim3(rows), dim3(256), 0, st, opart, lse, out, nChunks);
}

// variant bit 0: PIPE, bit 1: HINT
template <int MT>
static void launch_gqa_mt(dim3 grid, int variant, cudaStream_t st, const bf16* q, const bf16* k, const bf16* v,
                          float* opart, float* lse, bf16* out, int H, int Hkv, int S, int chunk, int nChunks,
                          float sl2) {
  switch (variant & 3) {
    case 0: gqa_decode_kernel<MT, false, false><<<grid, 128, 0, st>>>(q, k, v, opart, lse, out, H, Hkv, S, chunk, nChunks, sl2); break;
    case 1: gqa_decode_kernel<MT, true, false><<<grid, 128, 0, st>>>(q, k, v, opart, lse, out, H, Hkv, S, chunk, nChunks, sl2); break;
    case 2: gqa_decode_kernel<MT, false, true><<<grid, 128, 0, st>>>(q, k, v, opart, lse, out, H, Hkv, S, chunk, nChunks, sl2); break;
    default: gqa_decode_kernel<MT, true, true><<<grid, 128, 0, st>>>(q, k, v, opart, lse, out, H, Hkv, S, chunk, nChunks, sl2); break;
  }
}

static const char* gqa_variant_name(int variant) {
  static const char* names[] = {"plain", "pipelined", "l2hint", "pipelined+l2hint"};
  return names[variant & 3];
}

// Launches the split-K decode: chunk tokens per warp (multiple of 16); nChunks = ceil(S / chunk).
static void launch_gqa_decode(const bf16* q, const bf16* k, const bf16* v, float* opart, float* lse, bf16* out,
                              int B, int H, int Hkv, int S, int chunk, int variant, cudaStream_t st) {
  const int G = H / Hkv;
  const int MT = (G + 15) / 16;
  const int nChunks = (S + chunk - 1) / chunk;
  const float sl2 = (1.0f / sqrtf(128.0f)) * 1.4426950408889634f;
  dim3 grid((nChunks * MT + 3) / 4, Hkv, B);
  if (MT == 1) launch_gqa_mt<1>(grid, variant, st, q, k, v, opart, lse, out, H, Hkv, S, chunk, nChunks, sl2);
  else if (MT == 2) launch_gqa_mt<2>(grid, variant, st, q, k, v, opart, lse, out, H, Hkv, S, chunk, nChunks, sl2);
  else if (MT == 4) launch_gqa_mt<4>(grid, variant, st, q, k, v, opart, lse, out, H, Hkv, S, chunk, nChunks, sl2);
  else {
    fprintf(stderr, "unsupported group size %d\n", G);
    exit(4);
  }
  CK_LAUNCH();
  if (nChunks > 1) launch_reduce<128>(opart, lse, out, B * H, nChunks, st);
}

// Start-up probe: can a PDL launch be captured into a graph and replayed here? If not, plain launches.
static void probe_pdl() {
  float *part, *lse;
  bf16 *out, *q, *kv;
  CK(cudaMalloc(&part, 4 * 128 * sizeof(float)));
  CK(cudaMalloc(&lse, 4 * sizeof(float)));
  CK(cudaMalloc(&out, 128 * sizeof(bf16)));
  CK(cudaMalloc(&q, 128 * sizeof(bf16)));
  CK(cudaMalloc(&kv, 2 * 64 * 128 * sizeof(bf16)));
  init_bf16(q, 128, 1);
  init_bf16(kv, 2 * 64 * 128, 2);
  CK(cudaStreamSynchronize(g_stream));
  bool ok = true;
  cudaGraph_t gr = nullptr;
  cudaGraphExec_t ex = nullptr;
  if (cudaStreamBeginCapture(g_stream, cudaStreamCaptureModeThreadLocal) != cudaSuccess) ok = false;
  if (ok) {
    gqa_decode_kernel<1, false, false><<<dim3(1, 1, 1), 128, 0, g_stream>>>(q, kv, kv + 64 * 128, part, lse, out, 1, 1,
                                                                         64, 16, 4, 0.1f);
    cudaLaunchAttribute at[1];
    const cudaLaunchConfig_t cfg = pdl_launch_config(dim3(1), dim3(256), 0, g_stream, at);
    if (cudaLaunchKernelEx(&cfg, splitk_reduce_kernel<128>, (const float*)part, (const float*)lse, out, 4) != cudaSuccess)
      ok = false;
    if (cudaStreamEndCapture(g_stream, &gr) != cudaSuccess) ok = false;
  }
  if (ok && cudaGraphInstantiate(&ex, gr, 0) != cudaSuccess) ok = false;
  if (ok && cudaGraphLaunch(ex, g_stream) != cudaSuccess) ok = false;
  if (ok && cudaStreamSynchronize(g_stream) != cudaSuccess) ok = false;
  if (ex) cudaGraphExecDestroy(ex);
  if (gr) cudaGraphDestroy(gr);
  cudaGetLastError();
  g_pdl = ok;
  logf("programmatic dependent launch in graphs: %s\n", ok ? "yes" : "no (plain launches)");
  cudaFree(part); cudaFree(lse); cudaFree(out); cudaFree(q); cudaFree(kv);
}

// ---------------------------------------------------------------- MLA decode (absorbed, latent space)
constexpr int MLA_DQK = 576, MLA_DV = 512, MLA_T = 32, MLA_LD = 584, MLA_SP_LD = 36, MLA_PS_LD = 40;
constexpr int MLA_SMEM_KV = 2 * MLA_T * MLA_LD * 2;       // 74752
constexpr int MLA_SMEM_SP = 2 * 64 * MLA_SP_LD * 4;       // 18432
constexpr int MLA_SMEM_PS = 64 * MLA_PS_LD * 2;           // 5120
constexpr int MLA_SMEM = MLA_SMEM_KV + MLA_SMEM_SP + MLA_SMEM_PS + 3 * 64 * 4;  // 99072
constexpr int MLA_SMEM_Q = 64 * MLA_LD * 2;                                      // 74752 (QS variant)

// Block: 64 heads (half of 128) x one context chunk; 8 warps.
//  QK^T: warp w owns head tile w%4 (16 heads) and half w/4 of the 576 dims; its Q fragments live in
//        registers; partial scores of the two halves are summed in shared memory.
//  softmax: 4 threads per head row, online (base 2); P stored to shared memory as bf16.
//  PV: warp w owns output dims 64w..64w+63 for all 64 heads (128 fp32 accumulators per thread).
template <bool QS>
__global__ void __launch_bounds__(256, 1) mla_decode_kernel(const bf16* __restrict__ q, const bf16* __restrict__ ckv,
                                                            float* __restrict__ opart, float* __restrict__ lse,
                                                            bf16* __restrict__ out, int S, int chunk, int nChunks,
                                                            float scale_log2) {
  extern __shared__ __align__(16) unsigned char smem[];
  pdl_launch_dependents();
  bf16* kvs = reinterpret_cast<bf16*>(smem);
  float* sp = reinterpret_cast<float*>(smem + MLA_SMEM_KV);
  bf16* ps = reinterpret_cast<bf16*>(smem + MLA_SMEM_KV + MLA_SMEM_SP);
  float* m_s = reinterpret_cast<float*>(smem + MLA_SMEM_KV + MLA_SMEM_SP + MLA_SMEM_PS);
  float* l_s = m_s + 64;
  float* c_s = m_s + 128;

  const int h2 = blockIdx.x & 1, ci = blockIdx.x >> 1, b = blockIdx.y;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, r = lane >> 2, c = lane & 3;
  const int t0 = ci * chunk;
  const int t1 = min(S, t0 + chunk);
  const int ntiles = (t1 - t0) / MLA_T;
  const bf16* cb = ckv + (size_t)b * S * MLA_DQK;

  const int mq = warp & 3, kh = warp >> 2;
  bf16* qs = reinterpret_cast<bf16*>(smem + MLA_SMEM);  // QS: Q tile [64][MLA_LD]
  uint32_t qf[QS ? 1 : 18][4];
  if (QS) {
    const bf16* qsrc = q + ((size_t)b * 128 + h2 * 64) * MLA_DQK;
    for (int idx = tid; idx < 64 * 72; idx += 256) {
      const int row = idx / 72, ch = idx % 72;
      cp_async16(qs + row * MLA_LD + ch * 8, qsrc + (size_t)row * MLA_DQK + ch * 8);
    }
    cp_async_commit();
  } else {
    const bf16* q0 = q + ((size_t)b * 128 + h2 * 64 + mq * 16 + r) * MLA_DQK + kh * 288;
    const bf16* q1 = q0 + 8 * MLA_DQK;
#pragma unroll
    for (int j = 0; j < 18; ++j) {
      qf[QS ? 0 : j][0] = __ldg(reinterpret_cast<const uint32_t*>(q0 + 16 * j + 2 * c));
      qf[QS ? 0 : j][1] = __ldg(reinterpret_cast<const uint32_t*>(q1 + 16 * j + 2 * c));
      qf[QS ? 0 : j][2] = __ldg(reinterpret_cast<const uint32_t*>(q0 + 16 * j + 8 + 2 * c));
      qf[QS ? 0 : j][3] = __ldg(reinterpret_cast<const uint32_t*>(q1 + 16 * j + 8 + 2 * c));
    }
  }
  if (tid < 64) { m_s[tid] = -INFINITY; l_s[tid] = 0.f; c_s[tid] = 0.f; }

  float o[4][8][4];
#pragma unroll
  for (int a = 0; a < 4; ++a)
#pragma unroll
    for (int n = 0; n < 8; ++n) o[a][n][0] = o[a][n][1] = o[a][n][2] = o[a][n][3] = 0.f;

  auto load_tile = [&](int it, int stage) {
    const bf16* src = cb + (size_t)(t0 + it * MLA_T) * MLA_DQK;
    bf16* dst = kvs + stage * MLA_T * MLA_LD;
#pragma unroll
    for (int i = 0; i < 9; ++i) {
      const int idx = tid + 256 * i;
      const int tok = idx / 72, ch = idx % 72;
      cp_async16(dst + tok * MLA_LD + ch * 8, src + (size_t)tok * MLA_DQK + ch * 8);
    }
    cp_async_commit();
  };

  if (ntiles > 0) load_tile(0, 0);
  const int n0 = 64 * warp;
  for (int it = 0; it < ntiles; ++it) {
    if (it + 1 < ntiles) {
      load_tile(it + 1, (it + 1) & 1);
      cp_async_wait<1>();
    } else {
      cp_async_wait<0>();
    }
    __syncthreads();
    const bf16* kt = kvs + (it & 1) * MLA_T * MLA_LD;

    // ---- scores (partial over this warp's half of the 576 dims)
    float sacc[4][4];
#pragma unroll
    for (int n = 0; n < 4; ++n) sacc[n][0] = sacc[n][1] = sacc[n][2] = sacc[n][3] = 0.f;
#pragma unroll
    for (int j = 0; j < 18; ++j) {
      const int k0 = kh * 288 + 16 * j;
      uint32_t a0, a1, a2, a3;
      if (QS) {
        ldsm_x4(a0, a1, a2, a3, qs + (mq * 16 + ((lane >> 3) & 1) * 8 + (lane & 7)) * MLA_LD + k0 + (lane >> 4) * 8);
      } else {
        a0 = qf[QS ? 0 : j][0]; a1 = qf[QS ? 0 : j][1]; a2 = qf[QS ? 0 : j][2]; a3 = qf[QS ? 0 : j][3];
      }
#pragma unroll
      for (int np = 0; np < 2; ++np) {
        uint32_t b0, b1, b2, b3;
        ldsm_x4(b0, b1, b2, b3, kt + (16 * np + ((lane >> 4) << 3) + (lane & 7)) * MLA_LD + k0 + ((lane >> 3) & 1) * 8);
        mma16816(sacc[2 * np], a0, a1, a2, a3, b0, b1);
        mma16816(sacc[2 * np + 1], a0, a1, a2, a3, b2, b3);
      }
    }
    {
      float* spk = sp + kh * 64 * MLA_SP_LD;
      const int row = mq * 16 + r;
#pragma unroll
      for (int n = 0; n < 4; ++n) {
        *reinterpret_cast<float2*>(spk + row * MLA_SP_LD + 8 * n + 2 * c) = make_float2(sacc[n][0], sacc[n][1]);
        *reinterpret_cast<float2*>(spk + (row + 8) * MLA_SP_LD + 8 * n + 2 * c) = make_float2(sacc[n][2], sacc[n][3]);
      }
    }
    __syncthreads();

    // ---- online softmax: 4 threads per row, 8 tokens each
    {
      const int row = tid >> 2, cg = tid & 3;
      const float* s0 = sp + row * MLA_SP_LD + 8 * cg;
      const float* s1 = s0 + 64 * MLA_SP_LD;
      const float4 a0 = *reinterpret_cast<const float4*>(s0), a1 = *reinterpret_cast<const float4*>(s0 + 4);
      const float4 b0 = *reinterpret_cast<const float4*>(s1), b1 = *reinterpret_cast<const float4*>(s1 + 4);
      float sv[8] = {a0.x + b0.x, a0.y + b0.y, a0.z + b0.z, a0.w + b0.w,
                     a1.x + b1.x, a1.y + b1.y, a1.z + b1.z, a1.w + b1.w};
      float mx = -INFINITY;
#pragma unroll
      for (int i = 0; i < 8; ++i) { sv[i] *= scale_log2; mx = fmaxf(mx, sv[i]); }
      mx = quad_max(mx);
      const float m_old = m_s[row];
      const float l_old = l_s[row];
      const float m_new = fmaxf(m_old, mx);
      const float corr = exp2f(m_old - m_new);
      float sum = 0.f;
#pragma unroll
      for (int i = 0; i < 8; ++i) { sv[i] = exp2f(sv[i] - m_new); sum += sv[i]; }
      sum = quad_sum(sum);
      uint4 pk;
      pk.x = pack_bf16(sv[0], sv[1]); pk.y = pack_bf16(sv[2], sv[3]);
      pk.z = pack_bf16(sv[4], sv[5]); pk.w = pack_bf16(sv[6], sv[7]);
      *reinterpret_cast<uint4*>(ps + row * MLA_PS_LD + 8 * cg) = pk;
      __syncwarp();
      if (cg == 0) { m_s[row] = m_new; l_s[row] = l_old * corr + sum; c_s[row] = corr; }
    }
    __syncthreads();

    // ---- O = O*corr + P V  (V = first 512 dims of the latent tile)
#pragma unroll
    for (int a = 0; a < 4; ++a) {
      const float c0 = c_s[a * 16 + r], c1 = c_s[a * 16 + r + 8];
#pragma unroll
      for (int n = 0; n < 8; ++n) { o[a][n][0] *= c0; o[a][n][1] *= c0; o[a][n][2] *= c1; o[a][n][3] *= c1; }
    }
#pragma unroll
    for (int ks = 0; ks < 2; ++ks) {
      uint32_t af[4][4];
#pragma unroll
      for (int a = 0; a < 4; ++a)
        ldsm_x4(af[a][0], af[a][1], af[a][2], af[a][3],
                ps + (a * 16 + ((lane >> 3) & 1) * 8 + (lane & 7)) * MLA_PS_LD + ks * 16 + (lane >> 4) * 8);
#pragma unroll
      for (int np = 0; np < 4; ++np) {
        uint32_t b0, b1, b2, b3;
        ldsm_x4_t(b0, b1, b2, b3, kt + (ks * 16 + ((lane >> 3) & 1) * 8 + (lane & 7)) * MLA_LD + n0 + 16 * np + (lane >> 4) * 8);
#pragma unroll
        for (int a = 0; a < 4; ++a) {
          mma16816(o[a][2 * np], af[a][0], af[a][1], af[a][2], af[a][3], b0, b1);
          mma16816(o[a][2 * np + 1], af[a][0], af[a][1], af[a][2], af[a][3], b2, b3);
        }
      }
    }
    __syncthreads();
  }

  // ---- epilogue
#pragma unroll
  for (int a = 0; a < 4; ++a) {
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      const int hr = a * 16 + r + 8 * half;
      const float inv = 1.f / l_s[hr];
      const size_t row = (size_t)b * 128 + h2 * 64 + hr;
#pragma unroll
      for (int n = 0; n < 8; ++n) {
        const int dim = n0 + 8 * n + 2 * c;
        const float x0 = o[a][n][2 * half] * inv, x1 = o[a][n][2 * half + 1] * inv;
        if (nChunks == 1)
          *reinterpret_cast<uint32_t*>(out + row * MLA_DV + dim) = pack_bf16(x0, x1);
        else
          *reinterpret_cast<float2*>(opart + (row * nChunks + ci) * MLA_DV + dim) = make_float2(x0, x1);
      }
    }
  }
  if (nChunks > 1 && tid < 64) lse[((size_t)b * 128 + h2 * 64 + tid) * nChunks + ci] = m_s[tid] + log2f(l_s[tid]);
}

static void launch_mla_decode(const bf16* q, const bf16* ckv, float* opart, float* lse, bf16* out, int B, int S,
                              int chunk, bool qInSmem, cudaStream_t st) {
  static bool attr = false;
  if (!attr) {
    CK(cudaFuncSetAttribute(mla_decode_kernel<false>, cudaFuncAttributeMaxDynamicSharedMemorySize, MLA_SMEM));
    CK(cudaFuncSetAttribute(mla_decode_kernel<true>, cudaFuncAttributeMaxDynamicSharedMemorySize, MLA_SMEM + MLA_SMEM_Q));
    attr = true;
  }
  const int nChunks = (S + chunk - 1) / chunk;
  // DeepSeek-V3: softmax scale 1/sqrt(qk_nope_head_dim + qk_rope_head_dim) = 1/sqrt(192)
  const float scale_log2 = (1.0f / sqrtf(192.0f)) * 1.4426950408889634f;
  dim3 grid(nChunks * 2, B);
  if (qInSmem)
    mla_decode_kernel<true><<<grid, 256, MLA_SMEM + MLA_SMEM_Q, st>>>(q, ckv, opart, lse, out, S, chunk, nChunks, scale_log2);
  else
    mla_decode_kernel<false><<<grid, 256, MLA_SMEM, st>>>(q, ckv, opart, lse, out, S, chunk, nChunks, scale_log2);
  CK_LAUNCH();
  if (nChunks > 1) launch_reduce<512>(opart, lse, out, B * 128, nChunks, st);
}

// ---------------------------------------------------------------- fp32 reference attention
// One block per (batch, head). Scores in fp32 (from the same bf16 inputs), softmax and PV in fp64.
//  q: [B, H, Dqk]; key row t of (b, kvh) at k + b*kvBatchStride + kvh*kvHeadStride + t*rowStride (dims 0..Dqk)
//  value row likewise at v (dims 0..Dv). out: fp32 [B, H, Dv].
__global__ void attn_ref_kernel(const bf16* __restrict__ q, const bf16* __restrict__ k, const bf16* __restrict__ v,
                                float* __restrict__ scores, float* __restrict__ out, int H, int Hkv, int S, int Dqk,
                                int Dv, size_t kvBatchStride, size_t kvHeadStride, int rowStride, float scale) {
  extern __shared__ float qs[];  // Dqk floats
  __shared__ double red[32];
  const int bh = blockIdx.x;
  const int b = bh / H, h = bh % H, kvh = h / (H / Hkv);
  const bf16* qp = q + (size_t)bh * Dqk;
  for (int d = threadIdx.x; d < Dqk; d += blockDim.x) qs[d] = __bfloat162float(qp[d]);
  __syncthreads();
  const bf16* kp = k + b * kvBatchStride + kvh * kvHeadStride;
  const bf16* vp = v + b * kvBatchStride + kvh * kvHeadStride;
  float* sc = scores + (size_t)bh * S;
  float mx = -INFINITY;
  for (int t = threadIdx.x; t < S; t += blockDim.x) {
    const bf16* kr = kp + (size_t)t * rowStride;
    float acc = 0.f;
    for (int d = 0; d < Dqk; ++d) acc = fmaf(qs[d], __bfloat162float(kr[d]), acc);
    acc *= scale;
    sc[t] = acc;
    mx = fmaxf(mx, acc);
  }
  // block max
  for (int off = 16; off; off >>= 1) mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, off));
  if ((threadIdx.x & 31) == 0) red[threadIdx.x >> 5] = mx;
  __syncthreads();
  if (threadIdx.x == 0) {
    double m = -INFINITY;
    for (int i = 0; i < (int)(blockDim.x >> 5); ++i) m = fmax(m, red[i]);
    red[31] = m;
  }
  __syncthreads();
  const double gmax = red[31];
  double sum = 0;
  for (int t = threadIdx.x; t < S; t += blockDim.x) {
    double p = exp((double)sc[t] - gmax);
    sc[t] = (float)p;
    sum += p;
  }
  for (int off = 16; off; off >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, off);
  __syncthreads();
  if ((threadIdx.x & 31) == 0) red[threadIdx.x >> 5] = sum;
  __syncthreads();
  if (threadIdx.x == 0) {
    double s = 0;
    for (int i = 0; i < (int)(blockDim.x >> 5); ++i) s += red[i];
    red[30] = s;
  }
  __syncthreads();
  const double inv = 1.0 / red[30];
  for (int d = threadIdx.x; d < Dv; d += blockDim.x) {
    double acc = 0;
    for (int t = 0; t < S; ++t) acc += (double)sc[t] * (double)__bfloat162float(vp[(size_t)t * rowStride + d]);
    out[(size_t)bh * Dv + d] = (float)(acc * inv);
  }
}
