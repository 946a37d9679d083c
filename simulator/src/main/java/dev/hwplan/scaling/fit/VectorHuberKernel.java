package dev.hwplan.scaling.fit;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link HuberKernel} on the Vector API: exp and log for a whole vector of points (SVML
 * intrinsics on x86), the Huber branches as masks. A vector whose exp over- or underflows goes
 * through the scalar code, which shifts by the largest exponent; so does the tail. Loaded only by
 * {@link HuberKernel#best()}.
 */
final class VectorHuberKernel implements HuberKernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

  @Override
  public String name() {
    return "vector (" + S.length() + " lanes)";
  }

  @Override
  public double evaluate(HuberPoints points, double[] x, double[] g) {
    final double d = points.delta();
    final double a = x[0];
    final double b = x[1];
    final double expE = Math.exp(x[2]);
    final double negAlpha = -x[3];
    final double negBeta = -x[4];
    DoubleVector f = DoubleVector.zero(S);
    DoubleVector ga = DoubleVector.zero(S);
    DoubleVector gb = DoubleVector.zero(S);
    DoubleVector ge = DoubleVector.zero(S);
    DoubleVector gAlpha = DoubleVector.zero(S);
    DoubleVector gBeta = DoubleVector.zero(S);
    double[] acc = new double[6];
    int n = points.size();
    int bound = S.loopBound(n);
    for (int i = 0; i < bound; i += S.length()) {
      DoubleVector ln = DoubleVector.fromArray(S, points.logN(), i);
      DoubleVector ld = DoubleVector.fromArray(S, points.logD(), i);
      DoubleVector t1 = ln.fma(negAlpha, a).lanewise(VectorOperators.EXP);
      DoubleVector t2 = ld.fma(negBeta, b).lanewise(VectorOperators.EXP);
      DoubleVector s = t1.add(t2).add(expE);
      VectorMask<Double> ok =
          s.compare(VectorOperators.GT, Double.MIN_NORMAL)
              .and(s.compare(VectorOperators.LT, Double.POSITIVE_INFINITY));
      if (!ok.allTrue()) {
        ScalarHuberKernel.range(points, x, i, i + S.length(), acc);
        continue;
      }
      DoubleVector r =
          s.lanewise(VectorOperators.LOG).sub(DoubleVector.fromArray(S, points.logL(), i));
      DoubleVector wv = DoubleVector.fromArray(S, points.weight(), i);
      DoubleVector absR = r.abs();
      VectorMask<Double> quadratic = absR.compare(VectorOperators.LE, d);
      DoubleVector h = absR.sub(0.5 * d).mul(d).blend(r.mul(r).mul(0.5), quadratic);
      DoubleVector dh =
          DoubleVector.broadcast(S, -d)
              .blend(d, r.compare(VectorOperators.GT, 0))
              .blend(r, quadratic);
      f = h.fma(wv, f);
      DoubleVector k = wv.mul(dh).div(s);
      DoubleVector k1 = k.mul(t1);
      DoubleVector k2 = k.mul(t2);
      ga = ga.add(k1);
      gb = gb.add(k2);
      ge = ge.add(k);
      gAlpha = k1.fma(ln, gAlpha);
      gBeta = k2.fma(ld, gBeta);
    }
    ScalarHuberKernel.range(points, x, bound, n, acc);
    g[0] = acc[1] + ga.reduceLanes(VectorOperators.ADD);
    g[1] = acc[2] + gb.reduceLanes(VectorOperators.ADD);
    g[2] = acc[3] + expE * ge.reduceLanes(VectorOperators.ADD);
    g[3] = acc[4] - gAlpha.reduceLanes(VectorOperators.ADD);
    g[4] = acc[5] - gBeta.reduceLanes(VectorOperators.ADD);
    return acc[0] + f.reduceLanes(VectorOperators.ADD);
  }
}
