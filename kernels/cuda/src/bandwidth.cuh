// Device-memory bandwidth probes: read (reduction whose result is stored), copy, write.
#pragma once
#include "common.cuh"

__global__ void bw_read_kernel(const uint4* __restrict__ p, size_t n, uint32_t* __restrict__ sink) {
  const size_t stride = (size_t)gridDim.x * blockDim.x;
  size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
  uint32_t acc = 0;
  for (; i + 3 * stride < n; i += 4 * stride) {
    uint4 a = __ldg(p + i), b = __ldg(p + i + stride), c = __ldg(p + i + 2 * stride), d = __ldg(p + i + 3 * stride);
    acc += (a.x ^ b.x ^ c.x ^ d.x) + (a.y ^ b.y ^ c.y ^ d.y) + (a.z ^ b.z ^ c.z ^ d.z) + (a.w ^ b.w ^ c.w ^ d.w);
  }
  for (; i < n; i += stride) { uint4 a = __ldg(p + i); acc += a.x + a.y + a.z + a.w; }
  for (int off = 16; off; off >>= 1) acc += __shfl_xor_sync(0xffffffffu, acc, off);
  if ((threadIdx.x & 31) == 0) sink[(blockIdx.x * (size_t)blockDim.x + threadIdx.x) >> 5] = acc;
}

__global__ void bw_copy_kernel(const uint4* __restrict__ src, uint4* __restrict__ dst, size_t n) {
  const size_t stride = (size_t)gridDim.x * blockDim.x;
  size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
  for (; i + 3 * stride < n; i += 4 * stride) {
    uint4 a = __ldg(src + i), b = __ldg(src + i + stride), c = __ldg(src + i + 2 * stride), d = __ldg(src + i + 3 * stride);
    dst[i] = a; dst[i + stride] = b; dst[i + 2 * stride] = c; dst[i + 3 * stride] = d;
  }
  for (; i < n; i += stride) dst[i] = __ldg(src + i);
}

__global__ void bw_write_kernel(uint4* __restrict__ dst, size_t n, uint32_t v) {
  const size_t stride = (size_t)gridDim.x * blockDim.x;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += stride)
    dst[i] = make_uint4(v, (uint32_t)i, v ^ (uint32_t)i, (uint32_t)(i >> 32));
}

static std::vector<std::string> run_bandwidth(int nsamples, size_t bufBytes) {
  std::vector<std::string> rows;
  const size_t n = bufBytes / 16;
  uint4 *a = nullptr, *b = nullptr;
  uint32_t* sink = nullptr;
  CK(cudaMalloc(&a, bufBytes));
  CK(cudaMalloc(&b, bufBytes));
  CK(cudaMalloc(&sink, (size_t)g_sms * 64 * 1024 / 32 * sizeof(uint32_t)));
  init_u32_kernel<<<fill_grid(), 256, 0, g_stream>>>((uint32_t*)a, n * 4, 11); CK_LAUNCH();
  init_u32_kernel<<<fill_grid(), 256, 0, g_stream>>>((uint32_t*)b, n * 4, 12); CK_LAUNCH();
  CK(cudaStreamSynchronize(g_stream));

  struct Cfg { int threads, blocksPerSm; };
  const Cfg cfgs[] = {{256, 4}, {256, 8}, {512, 4}, {1024, 2}};
  const char* kinds[] = {"read", "copy", "write"};
  for (const char* kind : kinds) {
    Timing best;
    Cfg bestCfg{0, 0};
    size_t bytes = 0;
    for (const Cfg& c : cfgs) {
      const int grid = g_sms * c.blocksPerSm;
      std::function<void(int, cudaStream_t)> op;
      // copy moves half the buffer each way so that it also spans bufBytes in total per buffer
      if (!strcmp(kind, "read")) {
        bytes = n * 16;
        op = [=](int, cudaStream_t s) { bw_read_kernel<<<grid, c.threads, 0, s>>>(a, n, sink); };
      } else if (!strcmp(kind, "copy")) {
        bytes = 2 * n * 16;
        op = [=](int, cudaStream_t s) { bw_copy_kernel<<<grid, c.threads, 0, s>>>(a, b, n); };
      } else {
        bytes = n * 16;
        op = [=](int, cudaStream_t s) { bw_write_kernel<<<grid, c.threads, 0, s>>>(b, n, 0x5a5a5a5au); };
      }
      Timing t = time_op(op, 1, nsamples, 2e-3, 8);
      logf("  bw %-5s threads=%4d blocks/SM=%d  %.3f ms  %.1f GB/s\n", kind, c.threads, c.blocksPerSm,
           t.median * 1e3, bytes / t.median / 1e9);
      if (!(best.median <= t.median)) { best = t; bestCfg = c; }
    }
    Json j;
    j.str("kernel", kind).i("bytes", (long long)bytes).i("bufferBytes", (long long)bufBytes)
        .d("seconds", best.median).d("bytesPerSecond", bytes / best.median)
        .str("config", "threads=" + std::to_string(bestCfg.threads) + ",blocksPerSm=" + std::to_string(bestCfg.blocksPerSm))
        .i("repsPerSample", best.repsPerSample).arr("samples", best.samples);
    if (!strcmp(kind, "copy")) j.str("bytesCounted", "read+write");
    rows.push_back(j.obj());
  }
  CK(cudaFree(a));
  CK(cudaFree(b));
  CK(cudaFree(sink));
  return rows;
}
