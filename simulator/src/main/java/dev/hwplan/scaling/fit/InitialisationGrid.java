package dev.hwplan.scaling.fit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Starting points for the fit, as x = (a, b, e, α, β). Hoffmann et al. 2022 (App. D.2) start from
 * α, β ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5, …, 1}, a, b ∈ {0, 5, …, 25}: 4,500 points, and keep the
 * best fit.
 */
public final class InitialisationGrid {
  private InitialisationGrid() {}

  /** Hoffmann 2022's grid, in the order of Besiroglu et al.'s {@code product(α, β, e, a, b)}. */
  public static List<double[]> hoffmann2022() {
    double[] exponents = {0, 0.5, 1, 1.5, 2};
    double[] es = {-1, -0.5, 0, 0.5, 1};
    double[] coefficients = {0, 5, 10, 15, 20, 25};
    List<double[]> out = new ArrayList<>(4500);
    for (double alpha : exponents) {
      for (double beta : exponents) {
        for (double e : es) {
          for (double a : coefficients) {
            for (double b : coefficients) {
              out.add(new double[] {a, b, e, alpha, beta});
            }
          }
        }
      }
    }
    return Collections.unmodifiableList(out);
  }
}
