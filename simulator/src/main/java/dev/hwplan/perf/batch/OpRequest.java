package dev.hwplan.perf.batch;

import dev.hwplan.perf.Mode;
import dev.hwplan.perf.Op;

/** One op to predict: on which GPU, in which mode, with the dtype as the user gave it. */
public record OpRequest(String gpu, Mode mode, Op op) {}
