/**
 * The post-training planner: the model copies that SFT, DPO, PPO and GRPO keep (which train, in
 * which dtype, under which sharding), LoRA and QLoRA adapters, the memory per GPU and the minimum
 * GPUs that fit, colocated or split into pools, and the time of one step: the rollout through the
 * step model's decode and prefill (the serving path), the frozen copies' forward passes, and the
 * trainable copies' steps from the training planner.
 */
package dev.hwplan.posttrain;
