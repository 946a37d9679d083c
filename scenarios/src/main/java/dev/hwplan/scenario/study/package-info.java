/**
 * The study kinds a scenario can hold (kv, memory, infer, serve, accuracy, scaling, budget, fit,
 * cpu, bench), each registered as a ServiceLoader provider of Study.
 */
package dev.hwplan.scenario.study;
