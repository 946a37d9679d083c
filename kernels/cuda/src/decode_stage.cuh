// Smem-staged split-K decode attention ("stage" variant), MHA/GQA/MQA, D = 128, bf16.
//
// One 256-thread CTA owns (batch, KV head, context chunk of C tokens) and ALL G query heads of
// the KV group. At entry it issues 16-byte cp.async copies for the whole chunk (K and V,
// C * 512 bytes), grouped by 16-token step, so every byte of the CTA is in flight at once:
// small-batch / long-context shapes then see one DRAM latency instead of one per step.
// The 8 warps split the chunk: warp w owns head tile w % MT (16 heads) and token sub-range
// w / MT. K and V fragments come from XOR-swizzled shared memory through ldmatrix (V with
// .trans), QK^T and PV are m16n8k16 bf16 mma.sync with fp32 accumulation, online softmax in
// base 2. The sub-range states are combined in shared memory, so each CTA writes ONE
// normalised partial (or, with one chunk, the bf16 output) and its log2-sum-exp.
// Launched with programmatic dependent launch: the CTA's set-up overlaps the previous
// kernel's tail, and griddepcontrol.wait precedes every global-memory access.
#pragma once
#include "attention.cuh"

constexpr int STG_THREADS = 256;

__device__ __forceinline__ void ldsm_x4_u(uint32_t (&r)[4], uint32_t addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(addr));
}
__device__ __forceinline__ void ldsm_x4_t_u(uint32_t (&r)[4], uint32_t addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(addr));
}
__device__ __forceinline__ void cp_async16_u(uint32_t dst, const void* src) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(dst), "l"(src));
}
__device__ __forceinline__ void cp_async_wait_dyn(int n) {
  // wait until at most n of this thread's cp.async groups are pending (n is small, 0..7)
  switch (n) {
    case 0: cp_async_wait<0>(); break;
    case 1: cp_async_wait<1>(); break;
    case 2: cp_async_wait<2>(); break;
    case 3: cp_async_wait<3>(); break;
    case 4: cp_async_wait<4>(); break;
    case 5: cp_async_wait<5>(); break;
    case 6: cp_async_wait<6>(); break;
    default: cp_async_wait<7>(); break;
  }
}

// Byte offset of (token t, 16-byte chunk ch) in a [C][128] bf16 region with XOR-swizzled chunks.
__device__ __forceinline__ uint32_t stg_off(int t, int ch) { return (uint32_t)(t * 256 + ((ch ^ (t & 7)) << 4)); }

static size_t stage_smem_bytes(int chunk) {
  const size_t kv = (size_t)chunk * 512;
  const size_t comb = 8 * 16 * 128 * 4;  // 8 warps x 16 rows x 128 fp32
  return std::max(kv, comb) + 8 * 16 * 2 * 4;
}

// MT: 16-row head tiles per KV group (1 or 2). R = 8 / MT token sub-ranges of L = C / R tokens.
template <int MT>
__global__ void __launch_bounds__(STG_THREADS, 2)
    gqa_stage_kernel(const bf16* __restrict__ q, const bf16* __restrict__ k, const bf16* __restrict__ v,
                     float* __restrict__ opart, float* __restrict__ lse, bf16* __restrict__ out, int H, int Hkv,
                     int S, int chunk, int nChunks, float scale_log2) {
  constexpr int R = 8 / MT;
  extern __shared__ __align__(16) unsigned char smem[];
  const int G = H / Hkv;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int ci = blockIdx.x, kvh = blockIdx.y, b = blockIdx.z;
  const int L = chunk / R;   // tokens per warp sub-range (multiple of 16)
  const int nst = L >> 4;    // 16-token steps per warp
  const int t0 = ci * chunk;
  const uint32_t sK = smem_u32(smem);
  const uint32_t sV = sK + (uint32_t)chunk * 256;
  float* comb = reinterpret_cast<float*>(smem);
  float* mls = reinterpret_cast<float*>(smem + (chunk * 512 > 8 * 16 * 128 * 4 ? chunk * 512 : 8 * 16 * 128 * 4));

  pdl_launch_dependents();
  pdl_wait();

  const size_t kvoff = (((size_t)b * Hkv + kvh) * (size_t)S + t0) * 128;
  const bf16* kg = k + kvoff;
  const bf16* vg = v + kvoff;
  // ---- issue every load of the chunk: group j = step j of all R sub-ranges
  for (int j = 0; j < nst; ++j) {
    // 16R tokens x 16 chunks per matrix; idx -> (sub-range ts, token u, chunk ch)
    for (int idx = tid; idx < 16 * R * 16; idx += STG_THREADS) {
      const int ch = idx & 15, tu = idx >> 4, ts = tu >> 4, u = tu & 15;
      const int t = ts * L + 16 * j + u;
      const uint32_t off = stg_off(t, ch);
      cp_async16_u(sK + off, kg + (size_t)t * 128 + ch * 8);
      cp_async16_u(sV + off, vg + (size_t)t * 128 + ch * 8);
    }
    cp_async_commit();
  }

  const int mt = warp % MT, ts = warp / MT;
  const int r = lane >> 2, c = lane & 3;
  const int h0 = mt * 16 + r, h1 = h0 + 8;
  const bool ok0 = h0 < G, ok1 = h1 < G;
  const bf16* qg = q + ((size_t)b * H + (size_t)kvh * G) * 128;
  uint32_t qf[8][4];
#pragma unroll
  for (int kk = 0; kk < 8; ++kk) {
    qf[kk][0] = ok0 ? __ldg(reinterpret_cast<const uint32_t*>(qg + (size_t)h0 * 128 + 16 * kk + 2 * c)) : 0u;
    qf[kk][1] = ok1 ? __ldg(reinterpret_cast<const uint32_t*>(qg + (size_t)h1 * 128 + 16 * kk + 2 * c)) : 0u;
    qf[kk][2] = ok0 ? __ldg(reinterpret_cast<const uint32_t*>(qg + (size_t)h0 * 128 + 16 * kk + 8 + 2 * c)) : 0u;
    qf[kk][3] = ok1 ? __ldg(reinterpret_cast<const uint32_t*>(qg + (size_t)h1 * 128 + 16 * kk + 8 + 2 * c)) : 0u;
  }

  float o[16][4];
#pragma unroll
  for (int i = 0; i < 16; ++i) o[i][0] = o[i][1] = o[i][2] = o[i][3] = 0.f;
  float m0 = -INFINITY, m1 = -INFINITY, l0 = 0.f, l1 = 0.f;
  const int lr = lane & 7, lm = lane >> 3;  // ldmatrix: row within matrix, matrix index

  for (int j = 0; j < nst; ++j) {
    cp_async_wait_dyn(nst - 1 - j);
    __syncthreads();
    const int t = ts * L + 16 * j;
    // ---- S = Q K^T (16 heads x 16 tokens)
    float sc[2][4];
#pragma unroll
    for (int tt = 0; tt < 2; ++tt) sc[tt][0] = sc[tt][1] = sc[tt][2] = sc[tt][3] = 0.f;
    {
      const int tok = t + (lm >> 1) * 8 + lr;
#pragma unroll
      for (int kk = 0; kk < 8; ++kk) {
        uint32_t bb[4];
        ldsm_x4_u(bb, sK + stg_off(tok, 2 * kk + (lm & 1)));
        mma16816(sc[0], qf[kk][0], qf[kk][1], qf[kk][2], qf[kk][3], bb[0], bb[1]);
        mma16816(sc[1], qf[kk][0], qf[kk][1], qf[kk][2], qf[kk][3], bb[2], bb[3]);
      }
    }
    // ---- online softmax (base 2); rows r (regs 0,1) and r + 8 (regs 2,3)
    uint32_t pa[4];
    online_softmax_step16(sc, scale_log2, m0, m1, l0, l1, o, pa);
    // ---- O += P V: 8 x ldmatrix.trans, each giving (b0, b1) of two 8-dim n-tiles
    {
      const int tok = t + (lm & 1) * 8 + lr;
#pragma unroll
      for (int np = 0; np < 8; ++np) {
        uint32_t bb[4];
        ldsm_x4_t_u(bb, sV + stg_off(tok, 2 * np + (lm >> 1)));
        mma16816(o[2 * np], pa[0], pa[1], pa[2], pa[3], bb[0], bb[1]);
        mma16816(o[2 * np + 1], pa[0], pa[1], pa[2], pa[3], bb[2], bb[3]);
      }
    }
  }
  l0 = quad_sum(l0);
  l1 = quad_sum(l1);

  // ---- combine the R sub-ranges of each head tile through shared memory (reuses the K/V space)
  __syncthreads();
  {
    float* cw = comb + (size_t)warp * 16 * 128;  // [16 rows][128] unnormalised, this warp's max
#pragma unroll
    for (int n = 0; n < 16; ++n) {
      *reinterpret_cast<float2*>(cw + r * 128 + 8 * n + 2 * c) = make_float2(o[n][0], o[n][1]);
      *reinterpret_cast<float2*>(cw + (r + 8) * 128 + 8 * n + 2 * c) = make_float2(o[n][2], o[n][3]);
    }
    if (c == 0) {
      mls[(warp * 16 + r) * 2 + 0] = m0;
      mls[(warp * 16 + r) * 2 + 1] = l0;
      mls[(warp * 16 + r + 8) * 2 + 0] = m1;
      mls[(warp * 16 + r + 8) * 2 + 1] = l1;
    }
  }
  __syncthreads();
  // MT*16 rows x 32 float4 per row; warp index of (mt, ts) is ts * MT + mt
  for (int e = tid; e < MT * 16 * 32; e += STG_THREADS) {
    const int row = e >> 5, v4 = e & 31;
    const int emt = row >> 4, rr = row & 15;
    const int h = emt * 16 + rr;
    if (h >= G) continue;
    float M = -INFINITY;
#pragma unroll
    for (int s = 0; s < R; ++s) M = fmaxf(M, mls[((s * MT + emt) * 16 + rr) * 2]);
    float Lsum = 0.f;
    float4 acc = make_float4(0.f, 0.f, 0.f, 0.f);
#pragma unroll
    for (int s = 0; s < R; ++s) {
      const int w = s * MT + emt;
      const float wgt = exp2f(mls[(w * 16 + rr) * 2] - M);
      Lsum = fmaf(wgt, mls[(w * 16 + rr) * 2 + 1], Lsum);
      const float4 x = *reinterpret_cast<const float4*>(comb + ((size_t)w * 16 + rr) * 128 + 4 * v4);
      acc.x = fmaf(wgt, x.x, acc.x); acc.y = fmaf(wgt, x.y, acc.y);
      acc.z = fmaf(wgt, x.z, acc.z); acc.w = fmaf(wgt, x.w, acc.w);
    }
    const float inv = 1.f / Lsum;
    const size_t grow = (size_t)b * H + (size_t)kvh * G + h;
    if (nChunks == 1) {
      uint2 pk;
      pk.x = pack_bf16(acc.x * inv, acc.y * inv);
      pk.y = pack_bf16(acc.z * inv, acc.w * inv);
      *reinterpret_cast<uint2*>(out + grow * 128 + 4 * v4) = pk;
    } else {
      *reinterpret_cast<float4*>(opart + (grow * nChunks + ci) * 128 + 4 * v4) =
          make_float4(acc.x * inv, acc.y * inv, acc.z * inv, acc.w * inv);
      if (v4 == 0) lse[grow * nChunks + ci] = M + log2f(Lsum);
    }
  }
}

// Split-K combine, wide version: grid (rows, D / 64); block 256 = 16 float4 lanes x 16 chunk groups.
// Every thread first reads the row's lse values for the max, then strides over its chunks with
// independent loads; partial sums meet in shared memory.
template <int D>
__global__ void __launch_bounds__(256) splitk_reduce_wide_kernel(const float* __restrict__ opart,
                                                                const float* __restrict__ lse,
                                                                bf16* __restrict__ out, int nChunks) {
  constexpr int V4 = 16, NG = 16;
  __shared__ float4 sacc[NG][V4];
  __shared__ float sw[NG];
  __shared__ float smax[8];
  pdl_launch_dependents();
  pdl_wait();
  const size_t row = blockIdx.x;
  const int slice = blockIdx.y;
  const int tid = threadIdx.x;
  const float* Lp = lse + row * nChunks;
  const float mx = lse_row_max(Lp, nChunks, smax);
  const int vv = tid % V4, g = tid / V4;
  const float4* O = reinterpret_cast<const float4*>(opart + row * (size_t)nChunks * D + slice * 64) + vv;
  float4 acc = make_float4(0.f, 0.f, 0.f, 0.f);
  float wsum = 0.f;
#pragma unroll 8
  for (int i = g; i < nChunks; i += NG) {
    const float w = exp2f(__ldg(Lp + i) - mx);
    const float4 x = __ldg(O + (size_t)i * (D / 4));
    wsum += w;
    acc.x = fmaf(w, x.x, acc.x); acc.y = fmaf(w, x.y, acc.y);
    acc.z = fmaf(w, x.z, acc.z); acc.w = fmaf(w, x.w, acc.w);
  }
  combine_chunk_groups(acc, wsum, sacc, sw, g, vv, out + row * D + slice * 64 + 4 * vv);
}

template <int D>
static void launch_reduce_wide(const float* opart, const float* lse, bf16* out, int rows, int nChunks,
                               cudaStream_t st) {
  launch_maybe_pdl(splitk_reduce_wide_kernel<D>, dim3(rows, D / 64), dim3(256), 0, st, opart, lse, out, nChunks);
}

// Chunk sizes the stage kernel accepts for a given group size: multiple of 16 * (8 / MT) tokens,
// dividing S, at most 384 tokens (192 KB of K/V in shared memory).
static bool stage_chunk_ok(int G, int S, int chunk) {
  const int MT = (G + 15) / 16;
  if (MT > 2) return false;
  const int R = 8 / MT;
  if (chunk % (16 * R) != 0 || chunk > 384 || S % chunk != 0) return false;
  return (chunk / (16 * R)) <= 8;
}

static void launch_gqa_stage(const bf16* q, const bf16* k, const bf16* v, float* opart, float* lse, bf16* out, int B,
                             int H, int Hkv, int S, int chunk, cudaStream_t st) {
  static bool attr = false;
  if (!attr) {
    CK(cudaFuncSetAttribute(gqa_stage_kernel<1>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)stage_smem_bytes(384)));
    CK(cudaFuncSetAttribute(gqa_stage_kernel<2>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)stage_smem_bytes(384)));
    attr = true;
  }
  const int G = H / Hkv;
  const int MT = (G + 15) / 16;
  const int nChunks = S / chunk;
  const float sl2 = (1.0f / sqrtf(128.0f)) * 1.4426950408889634f;
  const dim3 grid(nChunks, Hkv, B);
  const size_t sm = stage_smem_bytes(chunk);
  if (MT == 1)
    launch_maybe_pdl(gqa_stage_kernel<1>, grid, dim3(STG_THREADS), sm, st, q, k, v, opart, lse, out, H, Hkv, S, chunk,
                     nChunks, sl2);
  else
    launch_maybe_pdl(gqa_stage_kernel<2>, grid, dim3(STG_THREADS), sm, st, q, k, v, opart, lse, out, H, Hkv, S, chunk,
                     nChunks, sl2);
  if (nChunks > 1) launch_reduce_wide<128>(opart, lse, out, B * H, nChunks, st);
}
