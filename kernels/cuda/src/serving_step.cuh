// A whole dense decode step as a serving engine runs it: the step model's `fused` form (hwplan
// infer's default execution), built from this harness's own kernels and cuBLASLt, one CUDA graph a
// step. Per layer, as vLLM runs a Llama layer (its fused_add_rms_norm, rotary_embedding plus
// reshape_and_cache, silu_and_mul kernels and cuBLAS GEMMs), with hwplan's split-K decode attention:
//
//   add+RMSNorm, QKV GEMM, RoPE + K/V cache write, split-K attention (+ reduce), O GEMM,
//   add+RMSNorm, gate/up GEMM, SiLU x up, down GEMM
//
// and around the layers the embedding gather, the final add+RMSNorm and the LM head GEMM. The
// attention launch (kernel variant and chunk length) is the fastest of the decode section's
// candidates for the shape (tune_decode), timed on the first layer's cache before the capture: the
// step model assumes that choice too. Weights are bf16, distinct for every layer; the KV cache is
// bf16, [batch][kv head][context][128] a layer. A row is one step of `batch` sequences, each with
// `context` tokens in its cache (the new token's K/V written at position context - 1).
//
//   --step-grid MODEL:LAYERS:BATCH:CONTEXT,...   MODEL llama-3.1-8b or llama-3.1-70b (the HF
//   configs' dimensions; LAYERS may be fewer than the model's)
#pragma once

#include "common.cuh"

static std::string g_stepGrid;

struct StepDims {
  const char* name;
  int layers, hidden, heads, kvHeads, headDim, intermediate, vocab;
  double ropeTheta;
};

// Dimensions of the HF configs (config.json) of the bundled models of the same names.
static const StepDims STEP_MODELS[] = {
    {"llama-3.1-8b", 32, 4096, 32, 8, 128, 14336, 128256, 500000.0},
    {"llama-3.1-70b", 80, 8192, 64, 8, 128, 28672, 128256, 500000.0},
};

struct StepShape {
  StepDims dims;
  int batch, context;
};

static std::vector<StepShape> parse_step_grid(const std::string& list) {
  std::vector<StepShape> out;
  for (const std::string& item : split_commas(list)) {
    char name[64] = {0};
    int layers = 0, batch = 0, context = 0;
    char tail = 0;
    if (sscanf(item.c_str(), "%63[^:]:%d:%d:%d%c", name, &layers, &batch, &context, &tail) != 4) {
      fprintf(stderr, "--step-grid: '%s' is not MODEL:LAYERS:BATCH:CONTEXT\n", item.c_str());
      exit(2);
    }
    const StepDims* d = nullptr;
    for (const StepDims& m : STEP_MODELS)
      if (std::string(m.name) == name) d = &m;
    if (d == nullptr) {
      fprintf(stderr, "--step-grid: unknown model '%s' (llama-3.1-8b or llama-3.1-70b)\n", name);
      exit(2);
    }
    if (layers < 1 || layers > d->layers || batch < 1 || batch > 1024 || context < 16 || context > (1 << 20)) {
      fprintf(stderr, "--step-grid: '%s' out of range (layers 1-%d, batch 1-1024, context 16-1048576)\n",
              item.c_str(), d->layers);
      exit(2);
    }
    StepDims dims = *d;
    dims.layers = layers;
    out.push_back({dims, batch, context});
  }
  if (out.empty()) {
    fprintf(stderr, "--step-grid: no entries\n");
    exit(2);
  }
  return out;
}

#ifndef HWPLAN_NO_CUBLAS
#include <cublasLt.h>

// One row a block: the embedding rows of the step's tokens, 16 bytes a thread.
__global__ void step_embed_kernel(const int* __restrict__ ids, const bf16* __restrict__ table,
                                  bf16* __restrict__ out, int d) {
  const uint4* src = reinterpret_cast<const uint4*>(table + (size_t)ids[blockIdx.x] * d);
  uint4* dst = reinterpret_cast<uint4*>(out + (size_t)blockIdx.x * d);
  for (int i = threadIdx.x; i < d / 8; i += blockDim.x) dst[i] = src[i];
}

// One row a block (vLLM's fused_add_rms_norm): residual += x when add, then
// out = residual / rms(residual) * w, in fp32; 256 threads.
__global__ void __launch_bounds__(256) step_add_rmsnorm_kernel(const bf16* __restrict__ x, bf16* __restrict__ residual,
                                                               const bf16* __restrict__ w, bf16* __restrict__ out,
                                                               int d, float eps, int add) {
  const size_t row = (size_t)blockIdx.x * d;
  float ss = 0.f;
  for (int i = threadIdx.x * 2; i < d; i += blockDim.x * 2) {
    float2 r = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(residual + row + i));
    if (add) {
      float2 a = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(x + row + i));
      r.x += a.x;
      r.y += a.y;
      *reinterpret_cast<__nv_bfloat162*>(residual + row + i) = __float22bfloat162_rn(r);
    }
    ss += r.x * r.x + r.y * r.y;
  }
  __shared__ float part[8];
  for (int o = 16; o > 0; o >>= 1) ss += __shfl_xor_sync(0xffffffffu, ss, o);
  if ((threadIdx.x & 31) == 0) part[threadIdx.x >> 5] = ss;
  __syncthreads();
  float total = 0.f;
  for (int k = 0; k < (int)(blockDim.x >> 5); ++k) total += part[k];
  const float inv = rsqrtf(total / d + eps);
  for (int i = threadIdx.x * 2; i < d; i += blockDim.x * 2) {
    float2 r = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(residual + row + i));
    float2 g = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(w + i));
    *reinterpret_cast<__nv_bfloat162*>(out + row + i) = __float22bfloat162_rn(make_float2(r.x * inv * g.x, r.y * inv * g.y));
  }
}

// One token a block (vLLM's rotary_embedding with reshape_and_cache): rotate-half RoPE of the
// query and key heads at position pos, the query to q [batch][heads][128], the key and value to the
// layer's cache [batch][kv head][context][128] at pos. cs holds cos and sin of the 64 frequencies.
__global__ void step_rope_cache_kernel(const bf16* __restrict__ qkv, const float2* __restrict__ cs,
                                       bf16* __restrict__ q, bf16* __restrict__ kc, bf16* __restrict__ vc, int heads,
                                       int kvHeads, int context, int pos) {
  const int b = blockIdx.x, D = 128, half = 64;
  const bf16* row = qkv + (size_t)b * (heads + 2 * kvHeads) * D;
  for (int t = threadIdx.x; t < (heads + kvHeads) * half; t += blockDim.x) {
    const int h = t / half, j = t % half;
    const float2 c = cs[j];
    const float x1 = __bfloat162float(row[h * D + j]), x2 = __bfloat162float(row[h * D + j + half]);
    const bf16 o1 = __float2bfloat16(x1 * c.x - x2 * c.y), o2 = __float2bfloat16(x2 * c.x + x1 * c.y);
    if (h < heads) {
      bf16* dst = q + ((size_t)b * heads + h) * D;
      dst[j] = o1;
      dst[j + half] = o2;
    } else {
      bf16* dst = kc + (((size_t)b * kvHeads + (h - heads)) * context + pos) * D;
      dst[j] = o1;
      dst[j + half] = o2;
    }
  }
  for (int t = threadIdx.x; t < kvHeads * D; t += blockDim.x) {
    const int h = t / D, e = t % D;
    vc[(((size_t)b * kvHeads + h) * context + pos) * D + e] = row[(heads + kvHeads + h) * D + e];
  }
}

// vLLM's silu_and_mul: out = silu(gate) x up, the row [gate | up] of width 2 n.
__global__ void step_silu_mul_kernel(const bf16* __restrict__ gu, bf16* __restrict__ out, int n) {
  const size_t row = blockIdx.x;
  const bf16* g = gu + row * 2 * n;
  for (int i = threadIdx.x * 2; i < n; i += blockDim.x * 2) {
    float2 a = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(g + i));
    float2 u = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(g + n + i));
    a.x = a.x / (1.f + __expf(-a.x)) * u.x;
    a.y = a.y / (1.f + __expf(-a.y)) * u.y;
    *reinterpret_cast<__nv_bfloat162*>(out + row * n + i) = __float22bfloat162_rn(a);
  }
}

__global__ void step_nonfinite_kernel(const bf16* p, size_t n, unsigned long long* count) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    if (!isfinite(__bfloat162float(p[i]))) atomicAdd(count, 1ull);
}

// Y[M x N] = X[M x K] W[N x K]^T in bf16 with fp32 accumulation, as the gemm section runs it
// (cuBLASLt's first heuristic choice).
struct StepGemm {
  cublasLtMatmulDesc_t desc = nullptr;
  cublasLtMatrixLayout_t la = nullptr, lb = nullptr, lc = nullptr;
  cublasLtMatmulAlgo_t algo;
  bool ok = false;
};

static StepGemm step_gemm(cublasLtHandle_t lt, int M, int N, int K, size_t wsBytes) {
  StepGemm g;
  CKB(cublasLtMatmulDescCreate(&g.desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
  CKB(cublasLtMatmulDescSetAttribute(g.desc, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta));
  CKB(cublasLtMatmulDescSetAttribute(g.desc, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof tb));
  CKB(cublasLtMatrixLayoutCreate(&g.la, CUDA_R_16BF, K, N, K));
  CKB(cublasLtMatrixLayoutCreate(&g.lb, CUDA_R_16BF, K, M, K));
  CKB(cublasLtMatrixLayoutCreate(&g.lc, CUDA_R_16BF, N, M, N));
  cublasLtMatmulPreference_t pref;
  CKB(cublasLtMatmulPreferenceCreate(&pref));
  CKB(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &wsBytes, sizeof wsBytes));
  cublasLtMatmulHeuristicResult_t heur[1];
  int nres = 0;
  if (cublasLtMatmulAlgoGetHeuristic(lt, g.desc, g.la, g.lb, g.lc, g.lc, pref, 1, heur, &nres) ==
          CUBLAS_STATUS_SUCCESS &&
      nres > 0) {
    g.algo = heur[0].algo;
    g.ok = true;
  }
  CKB(cublasLtMatmulPreferenceDestroy(pref));
  return g;
}

static void step_gemm_free(StepGemm& g) {
  CKB(cublasLtMatrixLayoutDestroy(g.la));
  CKB(cublasLtMatrixLayoutDestroy(g.lb));
  CKB(cublasLtMatrixLayoutDestroy(g.lc));
  CKB(cublasLtMatmulDescDestroy(g.desc));
}

static void step_gemm_run(cublasLtHandle_t lt, const StepGemm& g, const bf16* W, const bf16* X, bf16* Y, void* ws,
                          size_t wsBytes, cudaStream_t s) {
  const float alpha = 1.f, beta = 0.f;
  CKB(cublasLtMatmul(lt, g.desc, &alpha, W, g.la, X, g.lb, &beta, Y, g.lc, Y, g.lc, &g.algo, ws, wsBytes, s));
}

static double quantile_of(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const double at = q * (v.size() - 1);
  const size_t lo = (size_t)at;
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (at - lo) * (v[hi] - v[lo]);
}

// Parts of the step, each also timed alone (the same launches, the others left out) to show where
// the whole step's time goes: what it costs beyond their sum is the graph's gaps between kernels.
enum StepPart { PART_GEMM = 1, PART_ATTENTION = 2, PART_OTHER = 4, PART_ALL = 7 };

static std::vector<std::string> run_step(int nsamples, size_t memBytes, std::vector<std::string>& skipped) {
  std::vector<std::string> rows;
  if (g_stepGrid.empty()) return rows;
  cublasLtHandle_t lt;
  CKB(cublasLtCreate(&lt));
  const size_t wsBytes = 64ull << 20;
  void* ws;
  CK(cudaMalloc(&ws, wsBytes));
  for (const StepShape& sh : parse_step_grid(g_stepGrid)) {
    const StepDims& m = sh.dims;
    const int L = m.layers, d = m.hidden, H = m.heads, Hkv = m.kvHeads, D = m.headDim, ff = m.intermediate,
              V = m.vocab, B = sh.batch, S = sh.context;
    const size_t qkvN = (size_t)(H + 2 * Hkv) * D;
    const size_t layerWeights = qkvN * d + (size_t)d * H * D + 2ull * ff * d + (size_t)d * ff + 2ull * d;
    const size_t weightElems = layerWeights * L + 2ull * V * d + d;
    const size_t cacheElems = 2ull * L * B * Hkv * (size_t)S * D;
    const double bytes = 2.0 * (weightElems + cacheElems);
    Json j;
    j.str("kernel", "servingStep").str("model", m.name).i("layers", L).i("batch", B).i("context", S).i("hidden", d)
        .i("heads", H).i("kvHeads", Hkv).i("headDim", D).i("intermediate", ff).i("vocab", V)
        .d("weightBytes", 2.0 * weightElems).d("kvCacheBytes", 2.0 * cacheElems);
    if (bytes > 0.8 * memBytes) {
      j.str("reason", "weights and KV cache do not fit comfortably in device memory");
      skipped.push_back(j.obj());
      continue;
    }
    bf16 *emb, *lmHead, *lnF, *wqkv, *wo, *wgu, *wd, *ln1, *ln2, *kc, *vc;
    CK(cudaMalloc(&emb, (size_t)V * d * 2));
    CK(cudaMalloc(&lmHead, (size_t)V * d * 2));
    CK(cudaMalloc(&lnF, (size_t)d * 2));
    CK(cudaMalloc(&wqkv, qkvN * d * L * 2));
    CK(cudaMalloc(&wo, (size_t)d * H * D * L * 2));
    CK(cudaMalloc(&wgu, 2ull * ff * d * L * 2));
    CK(cudaMalloc(&wd, (size_t)d * ff * L * 2));
    CK(cudaMalloc(&ln1, (size_t)d * L * 2));
    CK(cudaMalloc(&ln2, (size_t)d * L * 2));
    const size_t cacheLayer = (size_t)B * Hkv * S * D;
    CK(cudaMalloc(&kc, cacheLayer * L * 2));
    CK(cudaMalloc(&vc, cacheLayer * L * 2));
    // weights about N(0, 0.02)-sized (uniform [-0.035, 0.035)), norms about 1, the cache and
    // embeddings uniform [-1, 1): activations stay O(1) through the layers.
    init_bf16(emb, (size_t)V * d, 11);
    init_bf16(lmHead, (size_t)V * d, 12, 0.035f);
    init_bf16(wqkv, qkvN * d * L, 13, 0.035f);
    init_bf16(wo, (size_t)d * H * D * L, 14, 0.035f);
    init_bf16(wgu, 2ull * ff * d * L, 15, 0.035f);
    init_bf16(wd, (size_t)d * ff * L, 16, 0.035f);
    init_bf16(ln1, (size_t)d * L, 17, 0.1f);
    init_bf16(ln2, (size_t)d * L, 18, 0.1f);
    init_bf16(lnF, (size_t)d, 19, 0.1f);
    init_bf16(kc, cacheLayer * L, 20);
    init_bf16(vc, cacheLayer * L, 21);
    // norm weights 1 + u/10
    {
      std::vector<bf16> ones((size_t)d * L);
      for (size_t i = 0; i < ones.size(); ++i) ones[i] = __float2bfloat16(1.0f + 0.1f * (float)((i * 2654435761u) % 1000) / 1000.f);
      CK(cudaMemcpy(ln1, ones.data(), ones.size() * 2, cudaMemcpyHostToDevice));
      CK(cudaMemcpy(ln2, ones.data(), ones.size() * 2, cudaMemcpyHostToDevice));
      CK(cudaMemcpy(lnF, ones.data(), (size_t)d * 2, cudaMemcpyHostToDevice));
    }
    int* ids;
    CK(cudaMalloc(&ids, B * sizeof(int)));
    {
      std::vector<int> h(B);
      for (int b = 0; b < B; ++b) h[b] = (int)((1000003ull * (b + 1)) % V);
      CK(cudaMemcpy(ids, h.data(), B * sizeof(int), cudaMemcpyHostToDevice));
    }
    float2* cs;
    CK(cudaMalloc(&cs, 64 * sizeof(float2)));
    {
      std::vector<float2> h(64);
      const int pos = S - 1;
      for (int i = 0; i < 64; ++i) {
        const double f = pos * std::pow(m.ropeTheta, -2.0 * i / D);
        h[i] = make_float2((float)std::cos(f), (float)std::sin(f));
      }
      CK(cudaMemcpy(cs, h.data(), 64 * sizeof(float2), cudaMemcpyHostToDevice));
    }
    bf16 *res, *hn, *qkv, *q, *att, *oOut, *gu, *act, *down, *logits;
    CK(cudaMalloc(&res, (size_t)B * d * 2));
    CK(cudaMalloc(&hn, (size_t)B * d * 2));
    CK(cudaMalloc(&qkv, (size_t)B * qkvN * 2));
    CK(cudaMalloc(&q, (size_t)B * H * D * 2));
    CK(cudaMalloc(&att, (size_t)B * H * D * 2));
    CK(cudaMalloc(&oOut, (size_t)B * d * 2));
    CK(cudaMalloc(&gu, 2ull * B * ff * 2));
    CK(cudaMalloc(&act, (size_t)B * ff * 2));
    CK(cudaMalloc(&down, (size_t)B * d * 2));
    CK(cudaMalloc(&logits, (size_t)B * V * 2));
    const int maxChunks = S / 16 + 1;
    float *part, *lse;
    CK(cudaMalloc(&part, (size_t)B * H * maxChunks * D * sizeof(float)));
    CK(cudaMalloc(&lse, (size_t)B * H * maxChunks * sizeof(float)));
    init_bf16(q, (size_t)B * H * D, 22);

    // the attention launch: the decode section's fastest candidate, on the first layer's cache
    std::string tune;
    int chunk = S, variant = 0;
    tune_decode(q, kc, vc, part, lse, att, B, H, Hkv, S, 1, 0, 0, &chunk, &variant, &tune);

    StepGemm gQkv = step_gemm(lt, B, (int)qkvN, d, wsBytes), gO = step_gemm(lt, B, d, H * D, wsBytes),
             gGu = step_gemm(lt, B, 2 * ff, d, wsBytes), gDown = step_gemm(lt, B, d, ff, wsBytes),
             gHead = step_gemm(lt, B, V, d, wsBytes);
    if (!gQkv.ok || !gO.ok || !gGu.ok || !gDown.ok || !gHead.ok) {
      j.str("error", "no cuBLASLt algorithm for a GEMM of the step");
      rows.push_back(j.obj());
    } else {
      const float eps = 1e-5f;
      auto step = [&](int parts, cudaStream_t s) {
        const bool gemm = parts & PART_GEMM, attn = parts & PART_ATTENTION, other = parts & PART_OTHER;
        if (other) step_embed_kernel<<<B, 128, 0, s>>>(ids, emb, res, d);
        for (int l = 0; l < L; ++l) {
          bf16* kl = kc + cacheLayer * l;
          bf16* vl = vc + cacheLayer * l;
          if (other) step_add_rmsnorm_kernel<<<B, 256, 0, s>>>(down, res, ln1 + (size_t)d * l, hn, d, eps, l > 0);
          if (gemm) step_gemm_run(lt, gQkv, wqkv + qkvN * d * l, hn, qkv, ws, wsBytes, s);
          if (other) step_rope_cache_kernel<<<B, 256, 0, s>>>(qkv, cs, q, kl, vl, H, Hkv, S, S - 1);
          if (attn) launch_decode_variant(q, kl, vl, part, lse, att, B, H, Hkv, S, chunk, variant, s);
          if (gemm) step_gemm_run(lt, gO, wo + (size_t)d * H * D * l, att, oOut, ws, wsBytes, s);
          if (other) step_add_rmsnorm_kernel<<<B, 256, 0, s>>>(oOut, res, ln2 + (size_t)d * l, hn, d, eps, 1);
          if (gemm) step_gemm_run(lt, gGu, wgu + 2ull * ff * d * l, hn, gu, ws, wsBytes, s);
          if (other) step_silu_mul_kernel<<<B, 256, 0, s>>>(gu, act, ff);
          if (gemm) step_gemm_run(lt, gDown, wd + (size_t)d * ff * l, act, down, ws, wsBytes, s);
        }
        if (other) step_add_rmsnorm_kernel<<<B, 256, 0, s>>>(down, res, lnF, hn, d, eps, 1);
        if (gemm) step_gemm_run(lt, gHead, lmHead, hn, logits, ws, wsBytes, s);
      };
      // one step, then its logits checked for NaN and infinities
      poison_bf16(logits, (size_t)B * V);
      step(PART_ALL, g_stream);
      CK_LAUNCH();
      unsigned long long* bad;
      CK(cudaMalloc(&bad, sizeof *bad));
      CK(cudaMemsetAsync(bad, 0, sizeof *bad, g_stream));
      step_nonfinite_kernel<<<g_sms * 4, 256, 0, g_stream>>>(logits, (size_t)B * V, bad);
      CK_LAUNCH();
      unsigned long long nonFinite = 0;
      CK(cudaMemcpyAsync(&nonFinite, bad, sizeof nonFinite, cudaMemcpyDeviceToHost, g_stream));
      CK(cudaStreamSynchronize(g_stream));
      CK(cudaFree(bad));

      Timing whole = time_op([&](int, cudaStream_t s) { step(PART_ALL, s); }, 1, nsamples, 1e-3, 4);
      Json parts;
      for (int p : {PART_GEMM, PART_ATTENTION, PART_OTHER}) {
        Timing t = time_op([&](int, cudaStream_t s) { step(p, s); }, 1, std::max(3, nsamples / 3), 1e-3, 4);
        parts.d(p == PART_GEMM ? "gemm" : p == PART_ATTENTION ? "attention" : "other", t.median);
      }
      const int nCh = (S + chunk - 1) / chunk;
      Json attn;
      attn.str("variant", decode_variant_name(variant)).i("chunkTokens", chunk).i("splits", nCh).b("pdl", g_pdl)
          .raw("splitTuning", "{" + tune + "}");
      j.d("seconds", whole.median).d("p10", quantile_of(whole.samples, 0.1)).d("p90", quantile_of(whole.samples, 0.9))
          .i("repsPerSample", whole.repsPerSample).arr("samples", whole.samples).raw("partsSeconds", parts.obj())
          .raw("attention", attn.obj()).i("nonFiniteLogits", (long long)nonFinite);
      rows.push_back(j.obj());
      logf("  step %-14s L=%2d B=%4d S=%6d  %9.3f ms  (attention %s/%d)%s\n", m.name, L, B, S, whole.median * 1e3,
           decode_variant_name(variant), nCh, nonFinite ? " NONFINITE" : "");
    }
    step_gemm_free(gQkv);
    step_gemm_free(gO);
    step_gemm_free(gGu);
    step_gemm_free(gDown);
    step_gemm_free(gHead);
    for (void* p : {(void*)emb, (void*)lmHead, (void*)lnF, (void*)wqkv, (void*)wo, (void*)wgu, (void*)wd, (void*)ln1,
                    (void*)ln2, (void*)kc, (void*)vc, (void*)ids, (void*)cs, (void*)res, (void*)hn, (void*)qkv, (void*)q,
                    (void*)att, (void*)oOut, (void*)gu, (void*)act, (void*)down, (void*)logits, (void*)part,
                    (void*)lse})
      CK(cudaFree(p));
  }
  CK(cudaFree(ws));
  CKB(cublasLtDestroy(lt));
  return rows;
}
#else
static std::vector<std::string> run_step(int, size_t, std::vector<std::string>& skipped) {
  if (!g_stepGrid.empty()) {
    Json j;
    j.str("kernel", "servingStep").str("reason", "built without cuBLASLt (HWPLAN_NO_CUBLAS)");
    skipped.push_back(j.obj());
  }
  return {};
}
#endif
