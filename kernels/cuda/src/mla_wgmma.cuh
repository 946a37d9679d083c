// MLA decode (DeepSeek-V3 absorbed/latent form) on Hopper warpgroup MMA (wgmma), "wgmma" variant.
//
// Latent cache [B, S, 576] bf16 (kv_lora_rank 512 + rope 64), q [B, 128, 576], output [B, 128, 512].
// A CTA (256 threads = 2 warpgroups, one CTA per SM) owns 64 heads (half of 128) x one context
// chunk. 32-token tiles of the latent cache go through a 5-stage cp.async pipeline into shared
// memory in the canonical no-swizzle "core matrix" layout (8 tokens x 8 dims = 128 contiguous
// bytes; cores along tokens 128 B apart, along dims 512 B apart), which wgmma reads directly both
// as K (K-major B operand of QK^T) and as V (MN-major, transposed B operand of PV) - one copy.
//  QK^T: warpgroup g computes the partial scores of all 64 heads over dims 288g..288g+287 with
//        18 wgmma m64n32k16, Q (A operand) held in registers. The two partial 64x32 score tiles
//        are exchanged through shared memory and summed, so both warpgroups hold the full scores
//        (bit-identical: fp32 addition commutes) and run the same online softmax (base 2).
//  PV:   warpgroup g accumulates O[:, 256g..256g+255] (64 x 256 fp32 = 128 registers/thread)
//        with 2 wgmma m64n256k16, P (A operand) converted in registers from the score accumulators.
// Split-K partials go to the same wide reduce kernel as decode attention.
#pragma once
#include "decode_stage.cuh"

#if defined(__CUDA_ARCH__) && (__CUDA_ARCH__ >= 900) && defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define HWPLAN_SM90A 1
#endif

__device__ __forceinline__ void wg_fence() {
#ifdef HWPLAN_SM90A
  asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
#endif
}
__device__ __forceinline__ void wg_commit() {
#ifdef HWPLAN_SM90A
  asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
#endif
}
__device__ __forceinline__ void wg_wait0() {
#ifdef HWPLAN_SM90A
  asm volatile("wgmma.wait_group.sync.aligned 0;\n" ::: "memory");
#endif
}
__device__ __forceinline__ void fence_proxy_async_smem() {
#if defined(__CUDA_ARCH__) && (__CUDA_ARCH__ >= 900)
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
#endif
}
template <int N>
__device__ __forceinline__ void reg_fence(float (&d)[N]) {
#pragma unroll
  for (int i = 0; i < N; ++i) asm volatile("" : "+f"(d[i])::"memory");
}
// wgmma shared-memory matrix descriptor, no swizzle: start, leading (K-direction core stride) and
// stride (M/N-direction core stride) byte offsets, each >> 4.
__device__ __forceinline__ uint64_t wg_desc(uint32_t saddr, uint32_t lbo, uint32_t sbo) {
  return (uint64_t)((saddr & 0x3FFFFu) >> 4) | ((uint64_t)(lbo >> 4) << 16) | ((uint64_t)(sbo >> 4) << 32);
}

__device__ __forceinline__ void wgmma_m64n32k16_rs(float (&d)[16], const uint32_t (&a)[4], uint64_t desc, int scaleD) {
#ifdef HWPLAN_SM90A
  asm volatile(
      "{\n.reg .pred p;\nsetp.ne.b32 p, %21, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n32k16.f32.bf16.bf16 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15}, {%16,%17,%18,%19}, %20, p, 1, 1, 0;\n}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc), "r"(scaleD));
#endif
}

__device__ __forceinline__ void wgmma_m64n256k16_rs_tb(float (&d)[128], const uint32_t (&a)[4], uint64_t desc, int scaleD) {
#ifdef HWPLAN_SM90A
  asm volatile(
      "{\n.reg .pred p;\nsetp.ne.b32 p, %133, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31,%32,%33,%34,%35,%36,%37,%38,%39,%40,%41,%42,%43,%44,%45,%46,%47,%48,%49,%50,%51,%52,%53,%54,%55,%56,%57,%58,%59,%60,%61,%62,%63,%64,%65,%66,%67,%68,%69,%70,%71,%72,%73,%74,%75,%76,%77,%78,%79,%80,%81,%82,%83,%84,%85,%86,%87,%88,%89,%90,%91,%92,%93,%94,%95,%96,%97,%98,%99,%100,%101,%102,%103,%104,%105,%106,%107,%108,%109,%110,%111,%112,%113,%114,%115,%116,%117,%118,%119,%120,%121,%122,%123,%124,%125,%126,%127}, {%128,%129,%130,%131}, %132, p, 1, 1, 1;\n}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63]), "+f"(d[64]), "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]), "+f"(d[70]), "+f"(d[71]), "+f"(d[72]), "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]), "+f"(d[77]), "+f"(d[78]), "+f"(d[79]), "+f"(d[80]), "+f"(d[81]), "+f"(d[82]), "+f"(d[83]), "+f"(d[84]), "+f"(d[85]), "+f"(d[86]), "+f"(d[87]), "+f"(d[88]), "+f"(d[89]), "+f"(d[90]), "+f"(d[91]), "+f"(d[92]), "+f"(d[93]), "+f"(d[94]), "+f"(d[95]), "+f"(d[96]), "+f"(d[97]), "+f"(d[98]), "+f"(d[99]), "+f"(d[100]), "+f"(d[101]), "+f"(d[102]), "+f"(d[103]), "+f"(d[104]), "+f"(d[105]), "+f"(d[106]), "+f"(d[107]), "+f"(d[108]), "+f"(d[109]), "+f"(d[110]), "+f"(d[111]), "+f"(d[112]), "+f"(d[113]), "+f"(d[114]), "+f"(d[115]), "+f"(d[116]), "+f"(d[117]), "+f"(d[118]), "+f"(d[119]), "+f"(d[120]), "+f"(d[121]), "+f"(d[122]), "+f"(d[123]), "+f"(d[124]), "+f"(d[125]), "+f"(d[126]), "+f"(d[127])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc), "r"(scaleD));
#endif
}

__device__ __forceinline__ void wgmma_m64n32k16_ss(float (&d)[16], uint64_t descA, uint64_t descB, int scaleD) {
#ifdef HWPLAN_SM90A
  asm volatile(
      "{\n.reg .pred p;\nsetp.ne.b32 p, %18, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n32k16.f32.bf16.bf16 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15}, %16, %17, p, 1, 1, 0, 0;\n}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15])
      : "l"(descA), "l"(descB), "r"(scaleD));
#endif
}

constexpr int MW_NT = 32, MW_ST = 5;
constexpr int MW_STAGE_BYTES = MW_NT * 576 * 2;                  // 36864
constexpr int MW_X_BYTES = 2 * 4 * 128 * 16;                     // [wg][4 float4][128 threads]
constexpr int MW_SMEM = MW_ST * MW_STAGE_BYTES + MW_X_BYTES;     // 200704
constexpr int MW_Q_BYTES = 64 * 576 * 2;                         // QS variant: Q tile in shared memory
constexpr int MW_SMEM_QS = 3 * MW_STAGE_BYTES + MW_X_BYTES + MW_Q_BYTES;  // 200704

// QS = false: Q in registers (A operand from registers), 5 stages, one QK accumulator chain.
// QS = true:  Q in shared memory (both operands from shared memory), 3 stages, two QK chains.
template <bool QS>
__global__ void __launch_bounds__(256, 1) mla_wgmma_kernel(const bf16* __restrict__ q, const bf16* __restrict__ ckv,
                                                           float* __restrict__ opart, float* __restrict__ lse,
                                                           bf16* __restrict__ out, int S, int chunk, int nChunks,
                                                           float scale_log2) {
#ifdef HWPLAN_SM90A
  extern __shared__ __align__(16) unsigned char smem[];
  const int h2 = blockIdx.x & 1, ci = blockIdx.x >> 1, b = blockIdx.y;
  const int tid = threadIdx.x, wg = tid >> 7, wt = tid & 127, warp = tid >> 5, lane = tid & 31;
  const int wq = warp & 3, r = lane >> 2, c = lane & 3;
  const int t0 = ci * chunk;
  const int ntiles = chunk / MW_NT;
  constexpr int ST = QS ? 3 : MW_ST;
  const uint32_t sbase = smem_u32(smem);
  float* xb = reinterpret_cast<float*>(smem + ST * MW_STAGE_BYTES);
  const uint32_t sq = sbase + ST * MW_STAGE_BYTES + MW_X_BYTES;  // QS: [72 dim-cores][8 head-cores] x 128 B

  pdl_launch_dependents();
  pdl_wait();
  const bf16* cb = ckv + ((size_t)b * S + t0) * 576;
  auto load_tile = [&](int it) {
    if (it < ntiles) {
      const bf16* src = cb + (size_t)it * MW_NT * 576;
      const uint32_t dst = sbase + (it % ST) * MW_STAGE_BYTES;
#pragma unroll
      for (int i = 0; i < 9; ++i) {
        const int qd = tid + 256 * i;  // 2304 16-byte pieces: 72 groups of (8 tokens x 4 dim-chunks)
        const int w = qd >> 5, ln = qd & 31;
        const int tg = w & 3, ch = (w >> 2) * 4 + (ln >> 3), t = tg * 8 + (ln & 7);
        cp_async16_u(dst + (ch * 4 + tg) * 128 + (ln & 7) * 16, src + (size_t)t * 576 + ch * 8);
      }
    }
    cp_async_commit();
  };
  if (QS) {  // Q tile (64 heads x 576) into the core-matrix layout, first commit group
    const bf16* qs = q + ((size_t)b * 128 + h2 * 64) * 576;
    for (int i = 0; i < 18; ++i) {
      const int qd = tid + 256 * i;  // 4608 pieces: 144 groups of (8 heads x 4 dim-chunks)
      const int w = qd >> 5, ln = qd & 31;
      const int hg = w & 7, ch = (w >> 3) * 4 + (ln >> 3), h = hg * 8 + (ln & 7);
      cp_async16_u(sq + (ch * 8 + hg) * 128 + (ln & 7) * 16, qs + (size_t)h * 576 + ch * 8);
    }
  }
#pragma unroll
  for (int s = 0; s < ST - 1; ++s) load_tile(s);

  const int hq0 = h2 * 64 + wq * 16 + r;
  const bf16* q0 = q + ((size_t)b * 128 + hq0) * 576 + 288 * wg;
  const bf16* q1 = q0 + 8 * 576;
  uint32_t qf[QS ? 1 : 18][4];
#pragma unroll
  for (int j = 0; j < (QS ? 0 : 18); ++j) {
    qf[j][0] = __ldg(reinterpret_cast<const uint32_t*>(q0 + 16 * j + 2 * c));
    qf[j][1] = __ldg(reinterpret_cast<const uint32_t*>(q1 + 16 * j + 2 * c));
    qf[j][2] = __ldg(reinterpret_cast<const uint32_t*>(q0 + 16 * j + 8 + 2 * c));
    qf[j][3] = __ldg(reinterpret_cast<const uint32_t*>(q1 + 16 * j + 8 + 2 * c));
  }
  float o[128];
#pragma unroll
  for (int i = 0; i < 128; ++i) o[i] = 0.f;
  float m0 = -INFINITY, m1 = -INFINITY, l0 = 0.f, l1 = 0.f;

  for (int it = 0; it < ntiles; ++it) {
    cp_async_wait<ST - 2>();
    fence_proxy_async_smem();
    __syncthreads();
    load_tile(it + ST - 1);
    const uint32_t st = sbase + (it % ST) * MW_STAGE_BYTES;
    // ---- partial scores over this warpgroup's 288 dims
    float s[16];
#pragma unroll
    for (int i = 0; i < 16; ++i) s[i] = 0.f;
    if (QS) {
      // two independent accumulator chains (even / odd k-steps), both operands from shared memory
      float s2[16];
#pragma unroll
      for (int i = 0; i < 16; ++i) s2[i] = 0.f;
      wg_fence();
#pragma unroll
      for (int j = 0; j < 18; j += 2) {
        wgmma_m64n32k16_ss(s, wg_desc(sq + (36 * wg + 2 * j) * 1024, 1024, 128),
                           wg_desc(st + (36 * wg + 2 * j) * 512, 512, 128), 1);
        wgmma_m64n32k16_ss(s2, wg_desc(sq + (36 * wg + 2 * j + 2) * 1024, 1024, 128),
                           wg_desc(st + (36 * wg + 2 * j + 2) * 512, 512, 128), 1);
      }
      wg_commit();
      wg_wait0();
      reg_fence(s);
      reg_fence(s2);
#pragma unroll
      for (int i = 0; i < 16; ++i) s[i] += s2[i];
    } else {
      wg_fence();
#pragma unroll
      for (int j = 0; j < 18; ++j)
        wgmma_m64n32k16_rs(s, qf[QS ? 0 : j], wg_desc(st + (36 * wg + 2 * j) * 512, 512, 128), 1);
      wg_commit();
      wg_wait0();
      reg_fence(s);
    }
    // ---- exchange the partial scores between the two warpgroups
    float4* xw = reinterpret_cast<float4*>(xb) + wg * 512;
    const float4* xr = reinterpret_cast<const float4*>(xb) + (1 - wg) * 512;
#pragma unroll
    for (int i = 0; i < 4; ++i) xw[i * 128 + wt] = make_float4(s[4 * i], s[4 * i + 1], s[4 * i + 2], s[4 * i + 3]);
    __syncthreads();
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const float4 y = xr[i * 128 + wt];
      s[4 * i] += y.x; s[4 * i + 1] += y.y; s[4 * i + 2] += y.z; s[4 * i + 3] += y.w;
    }
    // ---- online softmax, rows r (regs 4j, 4j+1) and r + 8 (regs 4j+2, 4j+3)
    float mx0 = -INFINITY, mx1 = -INFINITY;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      mx0 = fmaxf(mx0, fmaxf(s[4 * j], s[4 * j + 1]));
      mx1 = fmaxf(mx1, fmaxf(s[4 * j + 2], s[4 * j + 3]));
    }
    float cr0, cr1;
    online_max_step(mx0 * scale_log2, mx1 * scale_log2, m0, m1, cr0, cr1);
    float ps0 = 0.f, ps1 = 0.f;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      s[4 * j] = exp2f(fmaf(s[4 * j], scale_log2, -m0));
      s[4 * j + 1] = exp2f(fmaf(s[4 * j + 1], scale_log2, -m0));
      s[4 * j + 2] = exp2f(fmaf(s[4 * j + 2], scale_log2, -m1));
      s[4 * j + 3] = exp2f(fmaf(s[4 * j + 3], scale_log2, -m1));
      ps0 += s[4 * j] + s[4 * j + 1];
      ps1 += s[4 * j + 2] + s[4 * j + 3];
    }
    l0 = l0 * cr0 + ps0;
    l1 = l1 * cr1 + ps1;
    if (__any_sync(0xffffffffu, cr0 != 1.f || cr1 != 1.f)) {
#pragma unroll
      for (int j = 0; j < 32; ++j) { o[4 * j] *= cr0; o[4 * j + 1] *= cr0; o[4 * j + 2] *= cr1; o[4 * j + 3] *= cr1; }
    }
    uint32_t pa[2][4];
#pragma unroll
    for (int ks = 0; ks < 2; ++ks) {
      pa[ks][0] = pack_bf16(s[8 * ks + 0], s[8 * ks + 1]);
      pa[ks][1] = pack_bf16(s[8 * ks + 2], s[8 * ks + 3]);
      pa[ks][2] = pack_bf16(s[8 * ks + 4], s[8 * ks + 5]);
      pa[ks][3] = pack_bf16(s[8 * ks + 6], s[8 * ks + 7]);
    }
    // ---- O[:, 256wg ..] += P V   (V = dims 0..511 of the same tile, MN-major)
    wg_fence();
#pragma unroll
    for (int ks = 0; ks < 2; ++ks) wgmma_m64n256k16_rs_tb(o, pa[ks], wg_desc(st + 32 * wg * 512 + 2 * ks * 128, 128, 512), 1);
    wg_commit();
    wg_wait0();
    reg_fence(o);
  }
  cp_async_wait<0>();

  l0 = quad_sum(l0);
  l1 = quad_sum(l1);
  const float inv0 = 1.f / l0, inv1 = 1.f / l1;
  const size_t row0 = (size_t)b * 128 + hq0, row1 = row0 + 8;
#pragma unroll
  for (int j = 0; j < 32; ++j) {
    const int dim = 256 * wg + 8 * j + 2 * c;
    if (nChunks == 1) {
      *reinterpret_cast<uint32_t*>(out + row0 * MLA_DV + dim) = pack_bf16(o[4 * j] * inv0, o[4 * j + 1] * inv0);
      *reinterpret_cast<uint32_t*>(out + row1 * MLA_DV + dim) = pack_bf16(o[4 * j + 2] * inv1, o[4 * j + 3] * inv1);
    } else {
      *reinterpret_cast<float2*>(opart + (row0 * nChunks + ci) * MLA_DV + dim) = make_float2(o[4 * j] * inv0, o[4 * j + 1] * inv0);
      *reinterpret_cast<float2*>(opart + (row1 * nChunks + ci) * MLA_DV + dim) = make_float2(o[4 * j + 2] * inv1, o[4 * j + 3] * inv1);
    }
  }
  if (nChunks > 1 && wg == 0 && c == 0) {
    lse[row0 * nChunks + ci] = m0 + log2f(l0);
    lse[row1 * nChunks + ci] = m1 + log2f(l1);
  }
#else
  __trap();
#endif
}

static bool mla_wgmma_ok(int S, int chunk) { return chunk % MW_NT == 0 && S % chunk == 0; }

static void launch_mla_wgmma(const bf16* q, const bf16* ckv, float* opart, float* lse, bf16* out, int B, int S,
                             int chunk, bool qs, cudaStream_t st) {
  static bool attr = false;
  if (!attr) {
    CK(cudaFuncSetAttribute(mla_wgmma_kernel<false>, cudaFuncAttributeMaxDynamicSharedMemorySize, MW_SMEM));
    CK(cudaFuncSetAttribute(mla_wgmma_kernel<true>, cudaFuncAttributeMaxDynamicSharedMemorySize, MW_SMEM_QS));
    attr = true;
  }
  const int nChunks = S / chunk;
  const float scale_log2 = (1.0f / sqrtf(192.0f)) * 1.4426950408889634f;
  if (qs)
    launch_maybe_pdl(mla_wgmma_kernel<true>, dim3(nChunks * 2, B), dim3(256), (size_t)MW_SMEM_QS, st, q, ckv, opart, lse,
                     out, S, chunk, nChunks, scale_log2);
  else
    launch_maybe_pdl(mla_wgmma_kernel<false>, dim3(nChunks * 2, B), dim3(256), (size_t)MW_SMEM, st, q, ckv, opart, lse,
                     out, S, chunk, nChunks, scale_log2);
  if (nChunks > 1) launch_reduce_wide<MLA_DV>(opart, lse, out, B * 128, nChunks, st);
}
