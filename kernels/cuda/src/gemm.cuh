// Tensor-core GEMM probe through cuBLASLt: Y[M,N] = X[M,K] * W[N,K]^T (a linear layer),
// bf16 x bf16 -> bf16 and fp8 e4m3 x e4m3 -> bf16 (fp32 accumulation in both).
// cuBLAS is column-major, so we compute D(N x M) = op_T(W stored K x N) * X(K x M): the "TN"
// layout that Hopper fp8 requires.
#pragma once
#include "common.cuh"

// --gemm-grid "LAYER:N:K:M/M/...,...": weight matrices and token counts to run in place of the built-in
// grid (a validation grid declared before it is measured); LAYER names the row, without ':' or ','.
static std::string g_gemmGrid;

// One weight matrix (N x K, a layer's linear) and the token counts M it is timed at.
struct GemmShape { std::string layer; int n, k; std::vector<int> Ms; };

// A whole number in [1, 1 << 24] that fills [p, end) exactly, else -1.
static long grid_number(const char* p, const char* end) {
  if (p == end || *p < '0' || *p > '9') return -1;
  char* stop = nullptr;
  const long v = strtol(p, &stop, 10);
  return stop == end && v >= 1 && v <= (1L << 24) ? v : -1;
}

static std::vector<GemmShape> parse_gemm_grid(const std::string& list) {
  std::vector<GemmShape> out;
  const std::vector<std::string> entries = split_commas(list);
  for (const std::string& e : entries) {
    GemmShape g{};
    // LAYER:N:K:M/M/...: exactly three colons, a non-empty layer, whole numbers in range
    const size_t c1 = e.find(':'), c2 = c1 == std::string::npos ? c1 : e.find(':', c1 + 1),
                 c3 = c2 == std::string::npos ? c2 : e.find(':', c2 + 1);
    bool ok = c3 != std::string::npos && c1 > 0 && e.find(':', c3 + 1) == std::string::npos;
    if (ok) {
      const char* s = e.c_str();
      g.layer = e.substr(0, c1);
      g.n = (int)grid_number(s + c1 + 1, s + c2);
      g.k = (int)grid_number(s + c2 + 1, s + c3);
      for (size_t p = c3 + 1; ok;) {  // M/M/...
        size_t q = e.find('/', p);
        if (q == std::string::npos) q = e.size();
        const long m = grid_number(s + p, s + q);
        ok = m > 0;
        g.Ms.push_back((int)m);
        if (q == e.size()) break;
        p = q + 1;
      }
      // fp8 through cuBLASLt wants N and K multiples of 16
      ok = ok && g.n > 0 && g.k > 0 && g.n % 16 == 0 && g.k % 16 == 0;
    }
    if (!ok) {
      fprintf(stderr, "bad --gemm-grid entry '%s' (LAYER:N:K:M/M/..., whole numbers, N and K multiples of 16)\n",
              e.c_str());
      exit(2);
    }
    out.push_back(g);
  }
  if (out.empty()) {
    fprintf(stderr, "bad --gemm-grid: no entries (LAYER:N:K:M/M/...,...)\n");
    exit(2);
  }
  return out;
}

#ifndef HWPLAN_NO_CUBLAS
#include <cublasLt.h>

#define CKB(call)                                                                          \
  do {                                                                                     \
    cublasStatus_t s_ = (call);                                                            \
    if (s_ != CUBLAS_STATUS_SUCCESS) {                                                     \
      fprintf(stderr, "cuBLAS error %d at %s:%d\n", (int)s_, __FILE__, __LINE__);          \
      exit(5);                                                                             \
    }                                                                                      \
  } while (0)

template <class T>
__device__ __forceinline__ float elem_f(T x) { return (float)x; }
template <>
__device__ __forceinline__ float elem_f<bf16>(bf16 x) { return __bfloat162float(x); }

// One warp per output element: R[m][n] = sum_k X[m][k] * W[n][k], accumulated in fp32 per lane then fp64.
template <class T>
__global__ void gemm_ref_kernel(const T* __restrict__ X, const T* __restrict__ W, float* __restrict__ R, int M, int N,
                                int K) {
  const size_t wid = (blockIdx.x * (size_t)blockDim.x + threadIdx.x) >> 5;
  const int lane = threadIdx.x & 31;
  if (wid >= (size_t)M * N) return;
  const int m = (int)(wid / N), n = (int)(wid % N);
  const T* x = X + (size_t)m * K;
  const T* w = W + (size_t)n * K;
  float acc = 0.f;
  for (int kk = lane; kk < K; kk += 32) acc = fmaf(elem_f(x[kk]), elem_f(w[kk]), acc);
  double a = acc;
  for (int off = 16; off; off >>= 1) a += __shfl_xor_sync(0xffffffffu, a, off);
  if (lane == 0) R[wid] = (float)a;
}

static std::vector<std::string> run_gemm(int nsamples, double l2Bytes, bool quick) {
  std::vector<std::string> rows;
  std::vector<int> Ms = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192};
  if (quick) Ms = {1, 64, 4096};
  std::vector<GemmShape> shapes = {
      {"llama-3.1-8b.qkv", 6144, 4096, Ms},      {"llama-3.1-8b.o", 4096, 4096, Ms},
      {"llama-3.1-8b.gate_up", 28672, 4096, Ms}, {"llama-3.1-8b.down", 4096, 14336, Ms},
      {"llama-3.1-70b.qkv", 10240, 8192, Ms},    {"llama-3.1-70b.o", 8192, 8192, Ms},
      {"llama-3.1-70b.gate_up", 57344, 8192, Ms}, {"llama-3.1-70b.down", 8192, 28672, Ms},
      {"square-4096", 4096, 4096, Ms},           {"square-8192", 8192, 8192, Ms},
  };
  if (!g_gemmGrid.empty()) shapes = parse_gemm_grid(g_gemmGrid);
  cublasLtHandle_t lt;
  CKB(cublasLtCreate(&lt));
  const size_t wsBytes = 64ull << 20;
  void* ws;
  CK(cudaMalloc(&ws, wsBytes));

  for (int dt = 0; dt < 2; ++dt) {
    const bool fp8 = dt == 1;
    const size_t es = fp8 ? 1 : 2;
    const cudaDataType_t abType = fp8 ? CUDA_R_8F_E4M3 : CUDA_R_16BF;
    for (const GemmShape& sh : shapes) {
      const int N = sh.n, K = sh.k;
      const size_t wBytes = (size_t)N * K * es;
      const int wCopies = rotation_count((double)wBytes, l2Bytes, 8);
      void* W;
      CK(cudaMalloc(&W, wBytes * wCopies));
      for (int cI = 0; cI < wCopies; ++cI) {
        if (fp8) init_fp8((__nv_fp8_e4m3*)((char*)W + cI * wBytes), (size_t)N * K, 1000 + cI);
        else init_bf16((bf16*)((char*)W + cI * wBytes), (size_t)N * K, 1000 + cI);
      }
      for (int M : sh.Ms) {
        const size_t xBytes = (size_t)M * K * es, yBytes = (size_t)M * N * 2;
        const int nrot = std::min(wCopies, rotation_count((double)(wBytes + xBytes + yBytes), l2Bytes, 8));
        void *X, *Y;
        CK(cudaMalloc(&X, xBytes * nrot));
        CK(cudaMalloc(&Y, yBytes * nrot));
        for (int cI = 0; cI < nrot; ++cI) {
          if (fp8) init_fp8((__nv_fp8_e4m3*)((char*)X + cI * xBytes), (size_t)M * K, 2000 + cI);
          else init_bf16((bf16*)((char*)X + cI * xBytes), (size_t)M * K, 2000 + cI);
        }
        cublasLtMatmulDesc_t desc;
        CKB(cublasLtMatmulDescCreate(&desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
        cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
        CKB(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta));
        CKB(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof tb));
        if (fp8) {
          int8_t fast = 1;
          CKB(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_FAST_ACCUM, &fast, sizeof fast));
        }
        cublasLtMatrixLayout_t la, lb, lc;
        CKB(cublasLtMatrixLayoutCreate(&la, abType, K, N, K));
        CKB(cublasLtMatrixLayoutCreate(&lb, abType, K, M, K));
        CKB(cublasLtMatrixLayoutCreate(&lc, CUDA_R_16BF, N, M, N));
        cublasLtMatmulPreference_t pref;
        CKB(cublasLtMatmulPreferenceCreate(&pref));
        CKB(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &wsBytes, sizeof wsBytes));
        cublasLtMatmulHeuristicResult_t heur[1];
        int nres = 0;
        cublasStatus_t hs = cublasLtMatmulAlgoGetHeuristic(lt, desc, la, lb, lc, lc, pref, 1, heur, &nres);
        Json j;
        j.str("library", "cublasLt").str("dtype", fp8 ? "fp8" : "bf16").str("layer", sh.layer.c_str())
            .i("m", M).i("n", N).i("k", K);
        if (hs != CUBLAS_STATUS_SUCCESS || nres == 0) {
          j.str("error", "no cuBLASLt algorithm (status " + std::to_string((int)hs) + ")");
          logf("  gemm %s M=%d N=%d K=%d: no algorithm\n", fp8 ? "fp8" : "bf16", M, N, K);
        } else {
          const float alpha = 1.f, beta = 0.f;
          cublasLtMatmulAlgo_t algo = heur[0].algo;
          // The heuristic's choice, as cublasLt.h enumerates it (tile and stage ids are its
          // CUBLASLT_MATMUL_TILE_* and CUBLASLT_MATMUL_STAGES_* values): what a model of cuBLAS's
          // tile choice is fitted to. An attribute the library does not report stays -1.
          // CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID is a uint16_t (cublasLt.h), the others 32-bit.
          auto algoAttr = [&algo](cublasLtMatmulAlgoConfigAttributes_t a) {
            size_t written = 0;
            if (a == CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID) {
              uint16_t v = 0;
              return cublasLtMatmulAlgoConfigGetAttribute(&algo, a, &v, sizeof v, &written) == CUBLAS_STATUS_SUCCESS
                         ? (long long)v : -1LL;
            }
            int32_t v = 0;
            return cublasLtMatmulAlgoConfigGetAttribute(&algo, a, &v, sizeof v, &written) == CUBLAS_STATUS_SUCCESS
                       ? (long long)v : -1LL;
          };
          j.i("algoId", algoAttr(CUBLASLT_ALGO_CONFIG_ID)).i("tileId", algoAttr(CUBLASLT_ALGO_CONFIG_TILE_ID))
              .i("splitK", algoAttr(CUBLASLT_ALGO_CONFIG_SPLITK_NUM))
              .i("reductionScheme", algoAttr(CUBLASLT_ALGO_CONFIG_REDUCTION_SCHEME))
              .i("stagesId", algoAttr(CUBLASLT_ALGO_CONFIG_STAGES_ID))
              .i("clusterShapeId", algoAttr(CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID))
              .d("heuristicWaves", heur[0].wavesCount);
          auto op = [&, M, N, K](int rot, cudaStream_t s) {
            CKB(cublasLtMatmul(lt, desc, &alpha, (char*)W + rot * wBytes, la, (char*)X + rot * xBytes, lb, &beta,
                               (char*)Y + rot * yBytes, lc, (char*)Y + rot * yBytes, lc, &algo, ws, wsBytes, s));
          };
          // correctness on a sample of shapes
          double relerr = NAN;
          // A grid's matrices are checked too, each at its first token count (at most 4 Mi outputs,
          // so the one-warp-per-output reference stays short).
          const bool check = ((M == 1 || M == 64 || M == 1024) && ((N == 4096 && K == 4096) || (N == 4096 && K == 14336))) ||
                             (!g_gemmGrid.empty() && M == sh.Ms.front() && (size_t)M * N <= (4u << 20));
          if (check) {
            float* R;
            CK(cudaMalloc(&R, (size_t)M * N * sizeof(float)));
            poison_bf16((bf16*)Y, (size_t)M * N);
            op(0, g_stream);
            const size_t warps = (size_t)M * N;
            if (fp8)
              gemm_ref_kernel<__nv_fp8_e4m3><<<(unsigned)((warps * 32 + 255) / 256), 256, 0, g_stream>>>(
                  (const __nv_fp8_e4m3*)X, (const __nv_fp8_e4m3*)W, R, M, N, K);
            else
              gemm_ref_kernel<bf16><<<(unsigned)((warps * 32 + 255) / 256), 256, 0, g_stream>>>(
                  (const bf16*)X, (const bf16*)W, R, M, N, K);
            CK_LAUNCH();
            relerr = relative_error<bf16>((const bf16*)Y, R, (size_t)M * N);
            CK(cudaFree(R));
          }
          Timing t = time_op(op, nrot, nsamples, 1e-3, 256);
          const double flops = 2.0 * M * (double)N * K;
          j.d("seconds", t.median).d("flopsPerSecond", flops / t.median).d("flops", flops)
              .i("repsPerSample", t.repsPerSample).i("rotation", nrot).arr("samples", t.samples);
          if (fp8) j.b("fastAccum", true);
          if (check) j.d("relativeError", relerr);
          logf("  gemm %-4s %-22s M=%5d N=%5d K=%5d  %9.3f us  %7.1f TFLOP/s%s\n", fp8 ? "fp8" : "bf16", sh.layer.c_str(), M, N,
               K, t.median * 1e6, flops / t.median / 1e12,
               check ? (" relerr=" + Json::num(relerr)).c_str() : "");
        }
        rows.push_back(j.obj());
        CKB(cublasLtMatmulPreferenceDestroy(pref));
        CKB(cublasLtMatrixLayoutDestroy(la));
        CKB(cublasLtMatrixLayoutDestroy(lb));
        CKB(cublasLtMatrixLayoutDestroy(lc));
        CKB(cublasLtMatmulDescDestroy(desc));
        CK(cudaStreamSynchronize(g_stream));
        CK(cudaFree(X));
        CK(cudaFree(Y));
      }
      CK(cudaFree(W));
    }
  }
  CK(cudaFree(ws));
  CKB(cublasLtDestroy(lt));
  return rows;
}
#else
static std::vector<std::string> run_gemm(int, double, bool) {
  logf("  gemm: built without cuBLASLt (HWPLAN_NO_CUBLAS); skipping\n");
  return {};
}
#endif
