// hwplan-cuda-harness: native CUDA reference probes for the hwplan performance model.
//
//   hwplan-cuda-harness [--sections bandwidth,gemm,decode,mla,step] [--samples N] [--quick]
//                       [--device N] [--bw-bytes BYTES] [--step-grid MODEL:LAYERS:B:S,...]
//
// Prints one JSON object on stdout (progress goes to stderr). With no usable GPU it prints
// {"status":"no_gpu",...} and exits 0.
#include "common.cuh"
#include "bandwidth.cuh"
#include "gemm.cuh"
#include "attention.cuh"
#include "decode_stage.cuh"
#include "mla_wgmma.cuh"

#include <dlfcn.h>
#include <unistd.h>
#include <ctime>

#ifndef HWPLAN_TOOL_VERSION
#define HWPLAN_TOOL_VERSION "0.1.0"
#endif

static std::string iso_now() {
  time_t t = time(nullptr);
  struct tm g;
  gmtime_r(&t, &g);
  char b[64];
  strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &g);
  return b;
}

// Driver version string ("580.159.04") through NVML, loaded at run time (no build dependency).
static std::string nvml_driver_version() {
  void* h = dlopen("libnvidia-ml.so.1", RTLD_LAZY);
  if (!h) return "";
  typedef int (*init_t)();
  typedef int (*ver_t)(char*, unsigned);
  init_t init = (init_t)dlsym(h, "nvmlInit_v2");
  ver_t ver = (ver_t)dlsym(h, "nvmlSystemGetDriverVersion");
  init_t shut = (init_t)dlsym(h, "nvmlShutdown");
  std::string out;
  if (init && ver && init() == 0) {
    char buf[96] = {0};
    if (ver(buf, sizeof buf) == 0) out = buf;
    if (shut) shut();
  }
  dlclose(h);
  return out;
}

static bool has_section(const std::string& list, const char* s) {
  std::string l = "," + list + ",";
  return l.find(std::string(",") + s + ",") != std::string::npos || list == "all";
}

// ---------------------------------------------------------------- decode attention section
struct DecodeShape { int H, Hkv, B, S; };

// Optional shape filter (--shapes "H:Hkv:B:S,..." for decode, "B:S,..." for MLA); empty = all.
static std::string g_decodeShapes, g_mlaShapes, g_decodeGrid;

// --decode-grid "H:Hkv:B:S,...": decode shapes to run in place of the built-in grid (head dim 128;
// H/Hkv must be a whole group of 1-32 or 49-64 heads, the group sizes the kernels instantiate).
static std::vector<DecodeShape> parse_decode_grid(const std::string& list) {
  std::vector<DecodeShape> out;
  for (const std::string& e : split_commas(list)) {
    DecodeShape d{};
    if (sscanf(e.c_str(), "%d:%d:%d:%d", &d.H, &d.Hkv, &d.B, &d.S) != 4 || d.Hkv <= 0 ||
        d.H % d.Hkv != 0 || d.B <= 0 || d.S < 16 || d.S % 16 != 0 ||
        ((d.H / d.Hkv + 15) / 16 != 1 && (d.H / d.Hkv + 15) / 16 != 2 && (d.H / d.Hkv + 15) / 16 != 4)) {
      fprintf(stderr, "bad --decode-grid entry '%s' (H:Hkv:B:S, S a multiple of 16, group of 1-32 or 49-64)\n",
              e.c_str());
      exit(2);
    }
    out.push_back(d);
  }
  return out;
}
static bool shape_selected(const std::string& list, const std::string& key) {
  if (list.empty()) return true;
  return ("," + list + ",").find("," + key + ",") != std::string::npos;
}

// nrot rotating copies (see rotation_count) of an n-element bf16 input; copy r is filled from seed seed0 + r.
static bf16* rotating_inputs(size_t n, int nrot, uint64_t seed0) {
  bf16* p;
  CK(cudaMalloc(&p, n * 2 * nrot));
  for (int r = 0; r < nrot; ++r) init_bf16(p + r * n, n, seed0 + r);
  return p;
}

// fp32/fp64 reference output (B * H rows of dv floats) of attention over the given bf16 inputs, for the
// correctness checks; strides as attn_ref_kernel takes them. The caller frees the result.
static float* attention_reference(const bf16* q, const bf16* k, const bf16* v, int B, int H, int Hkv, int S, int dqk,
                                  int dv, size_t kvBatchStride, size_t kvHeadStride, int rowStride, float scale) {
  float *scores, *ref;
  CK(cudaMalloc(&scores, (size_t)B * H * S * sizeof(float)));
  CK(cudaMalloc(&ref, (size_t)B * H * dv * sizeof(float)));
  attn_ref_kernel<<<B * H, 256, dqk * sizeof(float), g_stream>>>(q, k, v, scores, ref, H, Hkv, S, dqk, dv,
                                                                  kvBatchStride, kvHeadStride, rowStride, scale);
  CK_LAUNCH();
  CK(cudaFree(scores));
  return ref;
}

// Correctness check of a split-K attention launch: poisons its bf16 output (rows x dv) and the partials of
// its nChunks chunks, so that anything left unwritten reads as non-finite, runs it once and returns the
// output's relative error against ref (non-finite outputs counted in *bad).
static double poisoned_run_error(const std::function<void()>& launch, bf16* out, float* part, float* lse, size_t rows,
                                 int nChunks, int dv, const float* ref, long long* bad) {
  poison_bf16(out, rows * dv);
  poison_f32(part, rows * nChunks * dv);
  poison_f32(lse, rows * nChunks);
  launch();
  CK_LAUNCH();
  return relative_error<bf16>(out, ref, rows * dv, bad);
}

// variant 0..3: per-warp register kernel (bit 0 pipelined, bit 1 L2 hint); 4: smem-staged CTA kernel
static const char* decode_variant_name(int variant) { return variant == 4 ? "stage" : gqa_variant_name(variant); }
static void launch_decode_variant(const bf16* q, const bf16* k, const bf16* v, float* opart, float* lse, bf16* out,
                                  int B, int H, int Hkv, int S, int chunk, int variant, cudaStream_t st) {
  if (variant == 4) launch_gqa_stage(q, k, v, opart, lse, out, B, H, Hkv, S, chunk, st);
  else launch_gqa_decode(q, k, v, opart, lse, out, B, H, Hkv, S, chunk, variant, st);
}

// The fastest split-K launch of one decode shape, as the harness picks it (the step model takes the
// fastest candidate too): chunk lengths that are powers of two from 16 tokens or give whole waves
// of resident blocks, the plain register kernel at each, the other register variants at the two
// best lengths, and the smem-staged kernel at its lengths. Inputs rotate among nrot sets (strides
// qElems and kvElems). tune gets every candidate's time as JSON members.
static void tune_decode(const bf16* Q, const bf16* K, const bf16* V, float* part, float* lse, bf16* O, int B, int H,
                        int Hkv, int S, int nrot, size_t qElems, size_t kvElems, int* bestChunkOut,
                        int* bestVariantOut, std::string* tuneOut) {
  const int G = H / Hkv;
  const int MT = (G + 15) / 16;
  std::vector<int> cand;
  for (int ch = 16; ch <= S; ch *= 2) cand.push_back(ch);
  for (int resident : {3, 2})
    for (int w : {1, 2, 3, 4, 6, 8}) {
      const double warpsPerChunk = (double)B * Hkv * MT;
      int nc = (int)std::lround(w * g_sms * resident * 4 / warpsPerChunk);
      if (nc < 1) continue;
      int ch = (int)(((S + nc - 1) / nc + 15) / 16 * 16);
      cand.push_back(std::min(ch, S));
    }
  std::sort(cand.begin(), cand.end());
  cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
  std::vector<int> chunks;
  for (int ch : cand) {
    const int nc = (S + ch - 1) / ch;
    const double warps = (double)B * Hkv * MT * nc;
    if (nc > 1 && (double)G / ch > 0.5) continue;                  // partials too large
    if (nc > 1 && warps > (double)g_sms * 12 * 64) continue;       // far more than 64 waves
    chunks.push_back(ch);
  }
  if (chunks.empty()) chunks.push_back(S);
  auto tuneOne = [&](int ch, int variant) {
    auto op = [=](int r, cudaStream_t s) {
      launch_decode_variant(Q + r * qElems, K + r * kvElems, V + r * kvElems, part, lse, O + r * qElems, B, H, Hkv, S,
                            ch, variant, s);
    };
    return time_op(op, nrot, 5, 3e-4, 64).median;
  };
  std::vector<std::pair<double, int>> byChunk;
  std::string tune;
  for (int ch : chunks) {
    const double t = tuneOne(ch, 0);
    byChunk.push_back({t, ch});
    tune += (tune.empty() ? "" : ",") + std::string("\"plain/") + std::to_string((S + ch - 1) / ch) + "\":" + Json::num(t);
  }
  std::sort(byChunk.begin(), byChunk.end());
  int bestChunk = byChunk[0].second, bestVariant = 0;
  double bestT = byChunk[0].first;
  for (size_t top = 0; top < std::min<size_t>(2, byChunk.size()); ++top)
    for (int variant = 1; variant < 4; ++variant) {
      const int ch = byChunk[top].second;
      const double t = tuneOne(ch, variant);
      tune += std::string(",\"") + gqa_variant_name(variant) + "/" + std::to_string((S + ch - 1) / ch) + "\":" + Json::num(t);
      if (t < bestT) { bestT = t; bestChunk = ch; bestVariant = variant; }
    }
  // smem-staged CTA kernel: every accepted chunk length
  for (int sc : {64, 128, 256, 384}) {
    if (!stage_chunk_ok(G, S, sc)) continue;
    if (S / sc > 1 && (double)G / sc > 0.5) continue;
    const double t = tuneOne(sc, 4);
    tune += std::string(",\"stage/") + std::to_string(S / sc) + "\":" + Json::num(t);
    if (t < bestT) { bestT = t; bestChunk = sc; bestVariant = 4; }
  }
  *bestChunkOut = bestChunk;
  *bestVariantOut = bestVariant;
  *tuneOut = tune;
}

static std::vector<std::string> run_decode(int nsamples, double l2Bytes, size_t memBytes, bool quick,
                                           std::vector<std::string>& skipped) {
  std::vector<std::string> rows;
  std::vector<int> Bs = {1, 8, 32}, Ss = {1024, 4096, 16384, 32768};
  std::vector<std::pair<int, int>> heads = {{32, 32}, {32, 8}, {32, 1}, {64, 8}};
  if (quick) { Bs = {1, 32}; Ss = {1024, 32768}; }
  const int D = 128;
  std::vector<DecodeShape> shapes;
  if (!g_decodeGrid.empty()) {
    shapes = parse_decode_grid(g_decodeGrid);
  } else {
    for (auto hh : heads)
      for (int B : Bs)
        for (int S : Ss) shapes.push_back({hh.first, hh.second, B, S});
  }
  for (const DecodeShape& shape : shapes) {
      {
        const int H = shape.H, Hkv = shape.Hkv, B = shape.B, S = shape.S;
        if (!shape_selected(g_decodeShapes, std::to_string(H) + ":" + std::to_string(Hkv) + ":" + std::to_string(B) + ":" +
                                                std::to_string(S)))
          continue;
        const double kvBytes = 2.0 * B * Hkv * (double)S * D * 2;
        if (kvBytes > 0.45 * memBytes) {
          Json s;
          s.str("kernel", "decodeAttention").i("heads", H).i("kvHeads", Hkv).i("batch", B).i("context", S)
              .d("kvBytes", kvBytes).str("reason", "KV cache does not fit comfortably in device memory");
          skipped.push_back(s.obj());
          continue;
        }
        const int nrot = rotation_count(kvBytes, l2Bytes, 16);
        const size_t kvElems = (size_t)B * Hkv * S * D, qElems = (size_t)B * H * D;
        bf16* K = rotating_inputs(kvElems, nrot, 100);
        bf16* V = rotating_inputs(kvElems, nrot, 200);
        bf16* Q = rotating_inputs(qElems, nrot, 300);
        bf16* O;
        CK(cudaMalloc(&O, qElems * 2 * nrot));
        const int maxChunks = S / 16;
        float *part, *lse;
        CK(cudaMalloc(&part, (size_t)B * H * maxChunks * D * sizeof(float)));
        CK(cudaMalloc(&lse, (size_t)B * H * maxChunks * sizeof(float)));

        std::string tune;
        int bestChunk = S, bestVariant = 0;
        tune_decode(Q, K, V, part, lse, O, B, H, Hkv, S, nrot, qElems, kvElems, &bestChunk, &bestVariant, &tune);
        const int ch = bestChunk, variant = bestVariant;
        const int nCh = (S + ch - 1) / ch;
        auto op = [=](int r, cudaStream_t s) {
          launch_decode_variant(Q + r * qElems, K + r * kvElems, V + r * kvElems, part, lse, O + r * qElems, B, H, Hkv,
                                S, ch, variant, s);
        };
        // correctness: poison output and partials, run once, compare with fp32/fp64 reference
        float* ref = attention_reference(Q, K, V, B, H, Hkv, S, D, D, (size_t)Hkv * S * D, (size_t)S * D, D,
                                         1.0f / sqrtf((float)D));
        long long bad = 0;
        const double relerr =
            poisoned_run_error([&] { op(0, g_stream); }, O, part, lse, (size_t)B * H, nCh, D, ref, &bad);
        CK(cudaFree(ref));

        Timing t = time_op(op, nrot, nsamples, 1e-3, 256);
        Json j;
        j.i("heads", H).i("kvHeads", Hkv).i("batch", B).i("context", S).i("headDim", D).str("dtype", "bf16")
            .i("splits", nCh).i("chunkTokens", ch).d("seconds", t.median).d("bytes", kvBytes)
            .d("bytesPerSecond", kvBytes / t.median).i("repsPerSample", t.repsPerSample).i("rotation", nrot)
            .arr("samples", t.samples).d("relativeError", relerr).i("nonFiniteOutputs", bad)
            .str("variant", decode_variant_name(variant)).b("pdl", g_pdl).raw("splitTuning", "{" + tune + "}");
        rows.push_back(j.obj());
        logf("  decode H=%2d Hkv=%2d B=%2d S=%5d splits=%4d %-16s %9.2f us  %7.1f GB/s  relerr=%.2e%s\n", H, Hkv, B, S,
             nCh, decode_variant_name(variant), t.median * 1e6, kvBytes / t.median / 1e9, relerr, bad ? " NONFINITE" : "");
        CK(cudaFree(K)); CK(cudaFree(V)); CK(cudaFree(Q)); CK(cudaFree(O));
        CK(cudaFree(part)); CK(cudaFree(lse));
      }
  }
  return rows;
}

// ---------------------------------------------------------------- MLA section
static std::vector<std::string> run_mla(int nsamples, double l2Bytes, size_t memBytes, bool quick,
                                        std::vector<std::string>& skipped) {
  std::vector<std::string> rows;
  std::vector<int> Bs = {1, 8, 32, 64}, Ss = {1024, 4096, 16384, 32768};
  if (quick) { Bs = {1, 64}; Ss = {1024, 32768}; }
  const int Hq = 128;
  for (int B : Bs)
    for (int S : Ss) {
      if (!shape_selected(g_mlaShapes, std::to_string(B) + ":" + std::to_string(S))) continue;
      const double cacheBytes = (double)B * S * MLA_DQK * 2;
      if (cacheBytes > 0.45 * memBytes) {
        Json s;
        s.str("kernel", "mlaDecode").i("batch", B).i("context", S).d("kvBytes", cacheBytes)
            .str("reason", "latent cache does not fit comfortably in device memory");
        skipped.push_back(s.obj());
        continue;
      }
      const int nrot = rotation_count(cacheBytes, l2Bytes, 16);
      const size_t cElems = (size_t)B * S * MLA_DQK, qElems = (size_t)B * Hq * MLA_DQK, oElems = (size_t)B * Hq * MLA_DV;
      bf16* C = rotating_inputs(cElems, nrot, 500);
      bf16* Q = rotating_inputs(qElems, nrot, 600);
      bf16* O;
      CK(cudaMalloc(&O, oElems * 2 * nrot));
      const int maxChunks = S / MLA_T;
      float *part, *lse;
      CK(cudaMalloc(&part, (size_t)B * Hq * maxChunks * MLA_DV * sizeof(float)));
      CK(cudaMalloc(&lse, (size_t)B * Hq * maxChunks * sizeof(float)));
      std::vector<int> chunks;
      for (int ch = S; ch >= MLA_T; ch /= 2) {
        const int blocks = B * 2 * (S / ch);
        if (blocks > g_sms * 16) break;
        chunks.push_back(ch);
      }
      // variant 0: mma.sync, Q in registers; 1: mma.sync, Q in shared memory;
      //         2: wgmma (sm_90a), Q in registers; 3: wgmma, Q in shared memory
      auto mlaLaunch = [=](int variant, int r, int ch, cudaStream_t s) {
        if (variant >= 2)
          launch_mla_wgmma(Q + r * qElems, C + r * cElems, part, lse, O + r * oElems, B, S, ch, variant == 3, s);
        else
          launch_mla_decode(Q + r * qElems, C + r * cElems, part, lse, O + r * oElems, B, S, ch, variant == 1, s);
      };
      static const char* mlaNames[] = {"q-in-registers", "q-in-smem", "wgmma", "wgmma-q-in-smem"};
      static const char* mlaTags[] = {"qreg/", "qsmem/", "wgmma/", "wgmma-qsmem/"};
      int bestWgChunk = 0, bestWgVar = -1;
      double bestWgT = 1e30;
      int bestChunk = S, bestVar = 0;
      double bestT = 1e30;
      std::string tune;
      for (int var = 0; var < (g_wgmma ? 4 : 2); ++var)
        for (int ch : chunks) {
          if (var >= 2 && !mla_wgmma_ok(S, ch)) continue;
          auto op = [=](int r, cudaStream_t s) { mlaLaunch(var, r, ch, s); };
          Timing t = time_op(op, nrot, 5, 3e-4, 64);
          tune += std::string(tune.empty() ? "\"" : ",\"") + mlaTags[var] + std::to_string(S / ch) + "\":" +
                  Json::num(t.median);
          if (t.median < bestT) { bestT = t.median; bestChunk = ch; bestVar = var; }
          if (var >= 2 && t.median < bestWgT) { bestWgT = t.median; bestWgChunk = ch; bestWgVar = var; }
        }
      const int ch = bestChunk, nCh = S / ch;
      const int var = bestVar;
      auto op = [=](int r, cudaStream_t s) { mlaLaunch(var, r, ch, s); };
      double relerr = NAN, wgRelerr = NAN;
      long long bad = -1, wgBad = -1;
      const bool check = (double)B * S <= 262144.0;
      if (check) {
        float* ref = attention_reference(Q, C, C, B, Hq, 1, S, MLA_DQK, MLA_DV, (size_t)S * MLA_DQK, 0, MLA_DQK,
                                         1.0f / sqrtf(192.0f));
        relerr = poisoned_run_error([&] { op(0, g_stream); }, O, part, lse, (size_t)B * Hq, nCh, MLA_DV, ref, &bad);
        if (bestWgVar >= 0 && bestWgVar != var) {  // also check the fastest wgmma configuration
          const int wch = bestWgChunk, wnc = S / wch;
          wgRelerr = poisoned_run_error([&] { mlaLaunch(bestWgVar, 0, wch, g_stream); }, O, part, lse, (size_t)B * Hq,
                                        wnc, MLA_DV, ref, &wgBad);
        }
        CK(cudaFree(ref));
      }
      Timing t = time_op(op, nrot, nsamples, 1e-3, 256);
      const double flops = 2.0 * B * Hq * (double)S * (MLA_DQK + MLA_DV);
      Json j;
      j.i("heads", Hq).i("kvLoraRank", 512).i("ropeDim", 64).i("batch", B).i("context", S).str("dtype", "bf16")
          .i("splits", nCh).i("chunkTokens", ch).d("seconds", t.median).d("bytes", cacheBytes)
          .d("bytesPerSecond", cacheBytes / t.median).d("flops", flops).d("flopsPerSecond", flops / t.median)
          .i("repsPerSample", t.repsPerSample).i("rotation", nrot).arr("samples", t.samples)
          .d("softmaxScale", 1.0 / std::sqrt(192.0)).str("variant", mlaNames[var]).b("pdl", g_pdl && var >= 2)
          .raw("splitTuning", "{" + tune + "}");
      if (check) j.d("relativeError", relerr).i("nonFiniteOutputs", bad);
      if (check && bestWgVar >= 0 && bestWgVar != var)
        j.str("wgmmaCheckedVariant", mlaNames[bestWgVar]).i("wgmmaCheckedChunkTokens", bestWgChunk)
            .d("wgmmaRelativeError", wgRelerr).i("wgmmaNonFiniteOutputs", wgBad);
      rows.push_back(j.obj());
      logf("  mla B=%2d S=%5d splits=%4d %-14s %9.2f us  %7.1f GB/s  %6.1f TFLOP/s  relerr=%s\n", B, S, nCh,
           mlaNames[var], t.median * 1e6, cacheBytes / t.median / 1e9, flops / t.median / 1e12, Json::num(relerr).c_str());
      CK(cudaFree(C)); CK(cudaFree(Q)); CK(cudaFree(O));
      CK(cudaFree(part)); CK(cudaFree(lse));
    }
  return rows;
}

#include "serving_step.cuh"

int main(int argc, char** argv) {
  std::string sections = "bandwidth,gemm,decode,mla";
  int nsamples = 30, device = 0;
  bool quick = false, gemmGridGiven = false;
  size_t bwBytes = 4ull << 30;
  for (int a = 1; a < argc; ++a) {
    std::string s = argv[a];
    if (s == "--sections" && a + 1 < argc) sections = argv[++a];
    else if (s == "--samples" && a + 1 < argc) nsamples = std::max(3, std::min(30, atoi(argv[++a])));
    else if (s == "--device" && a + 1 < argc) device = atoi(argv[++a]);
    else if (s == "--bw-bytes" && a + 1 < argc) bwBytes = strtoull(argv[++a], nullptr, 10);
    else if (s == "--quick") quick = true;
    else if (s == "--decode-shapes" && a + 1 < argc) g_decodeShapes = argv[++a];
    else if (s == "--mla-shapes" && a + 1 < argc) g_mlaShapes = argv[++a];
    else if (s == "--decode-grid" && a + 1 < argc) g_decodeGrid = argv[++a];
    else if (s == "--gemm-grid" && a + 1 < argc) { g_gemmGrid = argv[++a]; gemmGridGiven = true; }
    else if (s == "--step-grid" && a + 1 < argc) g_stepGrid = argv[++a];
    else if (s == "--version") { printf("hwplan-cuda-harness %s\n", HWPLAN_TOOL_VERSION); return 0; }
    else if (s == "--help" || s == "-h") {
      printf("usage: %s [--sections bandwidth,gemm,decode,mla,step] [--samples N<=30] [--quick] [--device N] [--bw-bytes B] [--decode-shapes H:Hkv:B:S,...] [--decode-grid H:Hkv:B:S,...] [--gemm-grid LAYER:N:K:M/M/...,...] [--mla-shapes B:S,...] [--step-grid MODEL:LAYERS:B:S,...]\n", argv[0]);
      return 0;
    }
  }

  // a bad grid entry exits 2 before any GPU work
  if (gemmGridGiven) parse_gemm_grid(g_gemmGrid);  // an empty grid is an error, not the built-in one
  if (!g_decodeGrid.empty()) parse_decode_grid(g_decodeGrid);
  if (!g_stepGrid.empty()) parse_step_grid(g_stepGrid);
  if (has_section(sections, "step") && g_stepGrid.empty()) {
    fprintf(stderr, "--sections step needs --step-grid MODEL:LAYERS:BATCH:CONTEXT,...\n");
    return 2;
  }
  int count = 0;
  cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess || count == 0) {
    std::string reason = e != cudaSuccess ? std::string("cudaGetDeviceCount: ") + cudaGetErrorName(e) + ": " + cudaGetErrorString(e)
                                          : std::string("cudaGetDeviceCount returned 0 devices");
    Json j;
    j.str("status", "no_gpu").str("tool", "hwplan-cuda-harness").str("reason", reason);
    printf("%s\n", j.obj().c_str());
    return 0;
  }
  CK(cudaSetDevice(device));
  cudaDeviceProp p;
  CK(cudaGetDeviceProperties(&p, device));
  int clk = 0, mclk = 0, bus = 0, rt = 0, drv = 0;
  cudaDeviceGetAttribute(&clk, cudaDevAttrClockRate, device);
  cudaDeviceGetAttribute(&mclk, cudaDevAttrMemoryClockRate, device);
  cudaDeviceGetAttribute(&bus, cudaDevAttrGlobalMemoryBusWidth, device);
  cudaRuntimeGetVersion(&rt);
  cudaDriverGetVersion(&drv);
  g_sms = p.multiProcessorCount;
  CK(cudaStreamCreateWithFlags(&g_stream, cudaStreamNonBlocking));
  probe_pdl();
  g_wgmma = p.major == 9;  // the wgmma MLA kernel is sm_90a SASS only
  size_t freeB = 0, totalB = 0;
  CK(cudaMemGetInfo(&freeB, &totalB));

  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  std::string drvStr = nvml_driver_version();
  Json dev;
  dev.str("name", p.name).str("driver", drvStr.empty() ? ("cuda-driver-api-" + std::to_string(drv)) : drvStr)
      .str("cudaDriverApi", std::to_string(drv / 1000) + "." + std::to_string((drv % 1000) / 10))
      .str("cudaRuntime", std::to_string(rt / 1000) + "." + std::to_string((rt % 1000) / 10))
      .str("computeCapability", std::to_string(p.major) + "." + std::to_string(p.minor))
      .i("sms", p.multiProcessorCount).i("memoryBytes", (long long)p.totalGlobalMem).i("l2Bytes", p.l2CacheSize)
      .i("maxClockMHz", clk / 1000).i("memoryClockMHz", mclk / 1000).i("memoryBusWidthBits", bus)
      .i("sharedMemPerBlockOptinBytes", (long long)p.sharedMemPerBlockOptin).str("pciBusId", std::to_string(p.pciBusID));
  logf("device: %s, %d SMs, %.1f GiB, L2 %d MiB, driver %s\n", p.name, p.multiProcessorCount,
       p.totalGlobalMem / 1073741824.0, p.l2CacheSize >> 20, drvStr.c_str());

  const double l2 = p.l2CacheSize;
  Json root;
  root.str("status", "ok").str("tool", "hwplan-cuda-harness").str("toolVersion", HWPLAN_TOOL_VERSION)
      .str("date", iso_now()).raw("device", dev.obj());
  Json hostj;
  hostj.str("hostname", host);
  root.raw("host", hostj.obj());
  Json method;
  method.i("warmup", 3).i("repeats", nsamples).str("timer", "cudaEvent").str("launchOverhead", "cudaGraph")
      .str("statistic", "median")
      .str("l2Rotation", "inputs rotated among ceil(4*L2/working-set) copies (max 16; gemm max 8) inside each graph")
      .str("sampleDefinition", "one CUDA-graph replay of repsPerSample back-to-back operations, divided by repsPerSample")
      .b("programmaticDependentLaunch", g_pdl)
      .str("data", "uniform random in [-1,1) (never zeros); outputs poisoned with NaN before correctness checks");
  root.raw("method", method.obj());
  std::vector<std::string> skipped;
  if (has_section(sections, "bandwidth")) {
    logf("[bandwidth]\n");
    root.raw("bandwidth", json_array(run_bandwidth(nsamples, bwBytes)));
  }
  if (has_section(sections, "gemm")) {
    logf("[gemm]\n");
    root.raw("gemm", json_array(run_gemm(nsamples, l2, quick)));
  }
  if (has_section(sections, "decode")) {
    logf("[decode attention]\n");
    root.raw("decodeAttention", json_array(run_decode(nsamples, l2, totalB, quick, skipped)));
  }
  if (has_section(sections, "mla")) {
    logf("[mla decode]\n");
    root.raw("mlaDecode", json_array(run_mla(nsamples, l2, totalB, quick, skipped)));
  }
  if (has_section(sections, "step")) {
    logf("[serving step]\n");
    root.raw("servingStep", json_array(run_step(nsamples, totalB, skipped)));
  }
  root.raw("skipped", json_array(skipped));
  printf("%s\n", root.obj().c_str());
  return 0;
}
