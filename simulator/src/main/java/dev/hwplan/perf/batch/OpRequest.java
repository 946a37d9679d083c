package dev.hwplan.perf.batch;

import dev.hwplan.op.Op;
import dev.hwplan.perf.Mode;

/** One op to predict: on which GPU, in which mode, with the dtype as the user gave it. */
public record OpRequest(String gpu, Mode mode, Op op) {}
