package dev.hwplan.scaling.fit;

import java.util.logging.Logger;

/**
 * The inner loop of {@link HuberLogLoss}: the summed Huber loss over the points and its gradient in
 * x = (a, b, e, α, β). Two implementations: {@link ScalarHuberKernel}, and a Vector API one that
 * computes exp and log for a vector of points at once; it is loaded by reflection only where the
 * {@code jdk.incubator.vector} module is present (as Lucene does), so that the scalar path never
 * touches a class with vector-typed fields.
 */
interface HuberKernel {
  /** System property: {@code false} forces the scalar kernel. */
  String PROPERTY = "hwplan.scaling.vector";

  /**
   * The summed Huber loss of {@code points} at {@code x} = (a, b, e, α, β); writes its gradient
   * into {@code g} (length 5).
   */
  double evaluate(HuberPoints points, double[] x, double[] g);

  /** A short name for reports, e.g. "vector (8 lanes)" or "scalar". */
  String name();

  /** The vector kernel where the module is present and not switched off, the scalar one else. */
  static HuberKernel best() {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
      return new ScalarHuberKernel();
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      Logger.getLogger(HuberKernel.class.getName())
          .fine(
              "scaling fit: scalar kernel; run java with --add-modules jdk.incubator.vector for"
                  + " the faster vector kernel");
      return new ScalarHuberKernel();
    }
    try {
      return (HuberKernel)
          Class.forName("dev.hwplan.scaling.fit.VectorHuberKernel")
              .getDeclaredConstructor()
              .newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return new ScalarHuberKernel();
    }
  }
}
