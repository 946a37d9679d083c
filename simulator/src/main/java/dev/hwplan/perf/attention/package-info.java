/**
 * Calibrated attention time models: the split-K decode kernel (registers and staged variants) and
 * MLA latent decode ({@link dev.hwplan.perf.attention.SplitKTimeModel}), PyTorch SDPA's flash
 * decode on its split-KV kernel ({@link dev.hwplan.perf.attention.SdpaFlashTimeModel}), and causal
 * prefill attention, forward and backward, flash and cuDNN ({@link
 * dev.hwplan.perf.attention.PrefillAttentionTimeModel}), which also times SDPA flash decode at
 * large batch, where FlashAttention-2 runs it on its one-split prefill kernel.
 */
package dev.hwplan.perf.attention;
