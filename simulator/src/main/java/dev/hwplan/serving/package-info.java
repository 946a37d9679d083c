/**
 * The serving simulator: discrete-event, iteration-level replicas with schedulers and paged KV
 * caches, workloads and traces, vLLM-style metrics, and the capacity searches. Iterations are timed
 * by the step model.
 */
package dev.hwplan.serving;
