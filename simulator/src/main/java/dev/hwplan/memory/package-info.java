/**
 * Memory: KV cache by attention design and dtype (one definition of KV bytes per GPU), weight and
 * KV dtypes, and inference memory per GPU with the sequences that fit.
 */
package dev.hwplan.memory;
