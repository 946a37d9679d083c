// Common helpers for hwplan-cuda-harness: error checks, JSON writer, random init,
// poison fills, relative-error reduction and the CUDA-graph timing loop.
#pragma once

#include <cuda_runtime.h>
#include <cuda_bf16.h>
#include <cuda_fp8.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

typedef __nv_bfloat16 bf16;

// ---------------------------------------------------------------- errors
#define CK(call)                                                                  \
  do {                                                                            \
    cudaError_t e_ = (call);                                                      \
    if (e_ != cudaSuccess) {                                                      \
      fprintf(stderr, "CUDA error %s at %s:%d: %s\n", cudaGetErrorName(e_),       \
              __FILE__, __LINE__, cudaGetErrorString(e_));                        \
      exit(3);                                                                    \
    }                                                                             \
  } while (0)

#define CK_LAUNCH() CK(cudaGetLastError())

static void logf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fflush(stderr);
}

// ---------------------------------------------------------------- JSON
// Minimal JSON object/array builder. Non-finite numbers become null.
struct Json {
  std::string s;
  bool first = true;
  static std::string esc(const std::string& in) {
    std::string o;
    for (char c : in) {
      if (c == '"' || c == '\\') { o += '\\'; o += c; }
      else if ((unsigned char)c < 0x20) { char b[8]; snprintf(b, sizeof b, "\\u%04x", c); o += b; }
      else o += c;
    }
    return o;
  }
  static std::string num(double v) {
    if (!std::isfinite(v)) return "null";
    char b[64];
    snprintf(b, sizeof b, "%.9g", v);
    return b;
  }
  void key(const char* k) { if (!first) s += ","; first = false; s += "\""; s += k; s += "\":"; }
  Json& str(const char* k, const std::string& v) { key(k); s += "\"" + esc(v) + "\""; return *this; }
  Json& d(const char* k, double v) { key(k); s += num(v); return *this; }
  Json& i(const char* k, long long v) { key(k); s += std::to_string(v); return *this; }
  Json& b(const char* k, bool v) { key(k); s += v ? "true" : "false"; return *this; }
  Json& raw(const char* k, const std::string& v) { key(k); s += v; return *this; }
  Json& arr(const char* k, const std::vector<double>& v) {
    key(k); s += "[";
    for (size_t j = 0; j < v.size(); ++j) { if (j) s += ","; s += num(v[j]); }
    s += "]"; return *this;
  }
  std::string obj() const { return "{" + s + "}"; }
};

// The entries of a comma-separated list ("a,b,,c" gives a, b, "" and c; an empty list none).
static std::vector<std::string> split_commas(const std::string& list) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < list.size()) {
    size_t end = list.find(',', pos);
    if (end == std::string::npos) end = list.size();
    out.push_back(list.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

static std::string json_array(const std::vector<std::string>& items) {
  std::string o = "[";
  for (size_t j = 0; j < items.size(); ++j) { if (j) o += ",\n  "; o += items[j]; }
  return o + "]";
}

// ---------------------------------------------------------------- random init
__device__ __forceinline__ uint32_t hash_u64(uint64_t x) {
  x ^= x >> 33; x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return (uint32_t)x;
}
// uniform in [-1, 1)
__device__ __forceinline__ float hash_unit(uint64_t seed, uint64_t i) {
  return (float)(hash_u64(seed * 0x9E3779B97F4A7C15ULL + i) >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

__global__ void init_bf16_kernel(bf16* p, size_t n, uint64_t seed, float scale) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    p[i] = __float2bfloat16(hash_unit(seed, i) * scale);
}
__global__ void init_fp8_kernel(__nv_fp8_e4m3* p, size_t n, uint64_t seed, float scale) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    p[i] = __nv_fp8_e4m3(hash_unit(seed, i) * scale);
}
__global__ void init_u32_kernel(uint32_t* p, size_t n, uint64_t seed) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    p[i] = hash_u64(seed * 0x9E3779B97F4A7C15ULL + i) | 1u;
}
__global__ void fill_u16_kernel(uint16_t* p, size_t n, uint16_t v) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) p[i] = v;
}
__global__ void fill_u32_kernel(uint32_t* p, size_t n, uint32_t v) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) p[i] = v;
}

static int g_sms = 132;
static cudaStream_t g_stream = nullptr;

static dim3 fill_grid() { return dim3(g_sms * 8); }
static void init_bf16(bf16* p, size_t n, uint64_t seed, float scale = 1.0f) {
  init_bf16_kernel<<<fill_grid(), 256, 0, g_stream>>>(p, n, seed, scale); CK_LAUNCH();
}
static void init_fp8(__nv_fp8_e4m3* p, size_t n, uint64_t seed, float scale = 1.0f) {
  init_fp8_kernel<<<fill_grid(), 256, 0, g_stream>>>(p, n, seed, scale); CK_LAUNCH();
}
// bf16 0xFFFF is a NaN: used to poison outputs before correctness checks.
static void poison_bf16(bf16* p, size_t n) {
  fill_u16_kernel<<<fill_grid(), 256, 0, g_stream>>>((uint16_t*)p, n, 0xFFFFu); CK_LAUNCH();
}
static void poison_f32(float* p, size_t n) {
  fill_u32_kernel<<<fill_grid(), 256, 0, g_stream>>>((uint32_t*)p, n, 0x7FC00001u); CK_LAUNCH();
}

// ---------------------------------------------------------------- relative error
__device__ __forceinline__ float to_f(float x) { return x; }
__device__ __forceinline__ float to_f(bf16 x) { return __bfloat162float(x); }

// acc[0] += sum (out-ref)^2, acc[1] += sum ref^2, acc[2] += count of non-finite outputs
template <class T>
__global__ void relerr_kernel(const T* out, const float* ref, size_t n, double* acc) {
  double num = 0, den = 0, bad = 0;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
    float o = to_f(out[i]);
    float r = ref[i];
    if (!isfinite(o)) { bad += 1; continue; }
    double dd = (double)o - (double)r;
    num += dd * dd;
    den += (double)r * r;
  }
  for (int off = 16; off; off >>= 1) {
    num += __shfl_xor_sync(0xffffffffu, num, off);
    den += __shfl_xor_sync(0xffffffffu, den, off);
    bad += __shfl_xor_sync(0xffffffffu, bad, off);
  }
  if ((threadIdx.x & 31) == 0) { atomicAdd(acc, num); atomicAdd(acc + 1, den); atomicAdd(acc + 2, bad); }
}

// Returns relative error ||out-ref|| / ||ref||, or NaN if any output was not finite (unwritten / NaN).
template <class T>
static double relative_error(const T* out, const float* ref, size_t n, long long* nonfinite = nullptr) {
  double* acc;
  CK(cudaMalloc(&acc, 3 * sizeof(double)));
  CK(cudaMemsetAsync(acc, 0, 3 * sizeof(double), g_stream));
  relerr_kernel<T><<<g_sms * 4, 256, 0, g_stream>>>(out, ref, n, acc);
  CK_LAUNCH();
  double h[3];
  CK(cudaMemcpyAsync(h, acc, sizeof h, cudaMemcpyDeviceToHost, g_stream));
  CK(cudaStreamSynchronize(g_stream));
  CK(cudaFree(acc));
  if (nonfinite) *nonfinite = (long long)h[2];
  if (h[2] > 0 || h[1] <= 0) return NAN;
  return std::sqrt(h[0] / h[1]);
}

// ---------------------------------------------------------------- timing
struct Timing {
  double median = NAN;
  std::vector<double> samples;  // seconds per operation, one per graph replay
  int repsPerSample = 0;        // operations captured in each graph
};

static double median_of(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Times op(rot, stream): warm-up, estimate, capture R back-to-back calls (rotating among
// nrot input sets) into one CUDA graph, replay nsamples times, each replay timed with
// CUDA events; a sample is replay time / R. Launch overhead is thus amortised over R.
static Timing time_op(const std::function<void(int, cudaStream_t)>& op, int nrot, int nsamples,
                      double target_s = 1e-3, int maxR = 256) {
  Timing t;
  nrot = std::max(1, nrot);
  for (int i = 0; i < 3; ++i) op(i % nrot, g_stream);
  CK(cudaStreamSynchronize(g_stream));
  CK_LAUNCH();
  cudaEvent_t e0, e1;
  CK(cudaEventCreate(&e0));
  CK(cudaEventCreate(&e1));
  const int nest = 4;
  CK(cudaEventRecord(e0, g_stream));
  for (int i = 0; i < nest; ++i) op(i % nrot, g_stream);
  CK(cudaEventRecord(e1, g_stream));
  CK(cudaEventSynchronize(e1));
  float ms = 0;
  CK(cudaEventElapsedTime(&ms, e0, e1));
  double est = std::max(1e-7, ms * 1e-3 / nest);
  int R = (int)std::ceil(target_s / est);
  R = std::max(1, std::min(R, maxR));
  if (R > 1 && nrot > 1) R = ((R + nrot - 1) / nrot) * nrot;  // every input set equally often

  cudaGraph_t graph;
  cudaGraphExec_t exec;
  CK(cudaStreamBeginCapture(g_stream, cudaStreamCaptureModeThreadLocal));
  for (int i = 0; i < R; ++i) op(i % nrot, g_stream);
  CK(cudaStreamEndCapture(g_stream, &graph));
  CK(cudaGraphInstantiate(&exec, graph, 0));
  for (int i = 0; i < 2; ++i) CK(cudaGraphLaunch(exec, g_stream));
  CK(cudaStreamSynchronize(g_stream));

  std::vector<cudaEvent_t> ev(2 * nsamples);
  for (auto& e : ev) CK(cudaEventCreate(&e));
  for (int s = 0; s < nsamples; ++s) {
    CK(cudaEventRecord(ev[2 * s], g_stream));
    CK(cudaGraphLaunch(exec, g_stream));
    CK(cudaEventRecord(ev[2 * s + 1], g_stream));
  }
  CK(cudaStreamSynchronize(g_stream));
  CK_LAUNCH();
  for (int s = 0; s < nsamples; ++s) {
    float m = 0;
    CK(cudaEventElapsedTime(&m, ev[2 * s], ev[2 * s + 1]));
    t.samples.push_back(m * 1e-3 / R);
  }
  for (auto& e : ev) CK(cudaEventDestroy(e));
  CK(cudaGraphExecDestroy(exec));
  CK(cudaGraphDestroy(graph));
  CK(cudaEventDestroy(e0));
  CK(cudaEventDestroy(e1));
  t.median = median_of(t.samples);
  t.repsPerSample = R;
  return t;
}

// Number of input sets to rotate among so that the working set is >= 4x L2.
static int rotation_count(double bytesPerSet, double l2Bytes, int maxRot = 16) {
  if (bytesPerSet <= 0) return 1;
  int n = (int)std::ceil(4.0 * l2Bytes / bytesPerSet);
  return std::max(1, std::min(n, maxRot));
}
