package dev.hwplan.scenario.study;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.scenario.Point;
import dev.hwplan.scenario.StudyContext;

/**
 * The deployment fields that the inference studies read from a point, in the order they are
 * checked: {@code model}, {@code gpu}, {@code tp}, {@code pp}, {@code weightsDtype} and {@code
 * kvDtype}.
 *
 * @param model the model
 * @param gpu the GPU profile
 * @param tp tensor parallel size
 * @param pp pipeline parallel size
 * @param weights the weights' dtype
 * @param kv the KV cache's dtype
 */
record Deployment(
    ModelSpec model, GpuProfile gpu, int tp, int pp, WeightDtype weights, KvDtype kv) {

  /** Reads and checks the fields of point {@code p}; the first bad one is bad input. */
  static Deployment of(Point p, StudyContext ctx) {
    ModelSpec m = p.model("model");
    GpuProfile gpu = p.gpu("gpu", ctx.profiles());
    int tp = (int) p.whole("tp", 1);
    int pp = (int) p.whole("pp", 1);
    WeightDtype w = p.parsed("weightsDtype", s -> WeightDtype.parse(s, "weightsDtype"));
    KvDtype kv = p.parsed("kvDtype", s -> KvDtype.parse(s, "kvDtype"));
    return new Deployment(m, gpu, tp, pp, w, kv);
  }

  /** TP x PP, no data or expert parallelism. */
  Parallelism parallelism() {
    return Parallelism.of(tp, pp);
  }
}
