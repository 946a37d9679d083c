package dev.hwplan.kernels.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species the kernels use, in a class of their own: any class with a vector-typed static
 * field fails to initialise without {@code jdk.incubator.vector}, so only the vector path may touch
 * this one (Lucene's {@code PanamaVectorConstants} does the same).
 */
final class Species {
  private Species() {}

  /** fp32 at the preferred width: 16 lanes on AVX-512, 8 on AVX2. */
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  /** Lanes of {@link #F}. */
  static final int LANES = F.length();

  /** bf16 (as short) at half the width, so that widening fills one {@link #F} vector. */
  static final VectorSpecies<Short> BF16 =
      VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));

  /** int at the full width, the intermediate of the bf16 widening. */
  static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
}
