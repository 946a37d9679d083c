package dev.hwplan.kernels;

/** Argument checks shared by the kernels: a short array is a caller's bug, named clearly. */
final class Bounds {
  private Bounds() {}

  static void check(float[] a, long needed, String name) {
    if (a == null) {
      throw new NullPointerException(name);
    }
    if (a.length < needed) {
      throw new IllegalArgumentException(
          name + " has " + a.length + " elements, the shape needs " + needed);
    }
  }

  static void check(Storage a, long needed, String name) {
    if (a == null) {
      throw new NullPointerException(name);
    }
    if (a.length() < needed) {
      throw new IllegalArgumentException(
          name + " has " + a.length() + " elements, the shape needs " + needed);
    }
  }

  static int positive(int v, String name) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + v);
    }
    return v;
  }
}
