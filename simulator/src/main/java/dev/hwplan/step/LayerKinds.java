package dev.hwplan.step;

import dev.hwplan.model.LayerSpec;
import dev.hwplan.model.ModelSpec;
import java.util.Arrays;
import java.util.List;

/**
 * A model's layers by kind: its distinct pairs of MLP kind (dense or MoE) and attention window, in
 * the order of their first layer, with the number of layers of each. A step groups the layers by
 * MLP kind and the window that binds at its contexts ({@link #at}, for {@link TransformerStep}),
 * which merges kinds whose windows do not bind, in this order: it is taken from these few kinds
 * rather than from every layer. Immutable; one per model, by value ({@link StepTimes#layerKinds}).
 */
final class LayerKinds {
  /** The window of a layer without one: {@link #cachedTokens} is then the context. */
  private static final long NO_WINDOW = Long.MAX_VALUE;

  private final boolean[] moe;
  private final long[] window;
  private final int[] count;

  private LayerKinds(boolean[] moe, long[] window, int[] count) {
    this.moe = moe;
    this.window = window;
    this.count = count;
  }

  /** {@code m}'s layers by kind. */
  static LayerKinds of(ModelSpec m) {
    List<LayerSpec> layers = m.layers();
    Grouping g = new Grouping(layers.size());
    for (LayerSpec l : layers) {
      g.add(l.moe(), l.slidingWindow() == null ? NO_WINDOW : l.slidingWindow(), 1);
    }
    return g.kinds();
  }

  /**
   * The kinds as a step whose longest context is {@code context} sees them: each window is the
   * tokens its layers keep there ({@link #cachedTokens}), and kinds of one MLP kind whose windows
   * do not bind are one kind, in the order of their first layer.
   */
  LayerKinds at(long context) {
    Grouping g = new Grouping(size());
    for (int k = 0; k < size(); k++) {
      g.add(moe[k], cachedTokens(k, context), count[k]);
    }
    return g.kinds();
  }

  /** Kinds in the making: the distinct (MLP kind, window) pairs added, in order, with counts. */
  private static final class Grouping {
    private final boolean[] moe;
    private final long[] window;
    private final int[] count;
    private int kinds;

    Grouping(int capacity) {
      moe = new boolean[capacity];
      window = new long[capacity];
      count = new int[capacity];
    }

    /** Adds {@code layers} layers of MLP kind {@code isMoe} and window {@code w}. */
    void add(boolean isMoe, long w, int layers) {
      int k = 0;
      while (k < kinds && (moe[k] != isMoe || window[k] != w)) {
        k++;
      }
      if (k == kinds) {
        moe[k] = isMoe;
        window[k] = w;
        kinds++;
      }
      count[k] += layers;
    }

    LayerKinds kinds() {
      return kinds == count.length
          ? new LayerKinds(moe, window, count)
          : new LayerKinds(
              Arrays.copyOf(moe, kinds), Arrays.copyOf(window, kinds), Arrays.copyOf(count, kinds));
    }
  }

  /** The number of kinds. */
  int size() {
    return count.length;
  }

  /** Whether the layers of kind {@code k} are MoE layers. */
  boolean moe(int k) {
    return moe[k];
  }

  /** The layers of kind {@code k}. */
  int count(int k) {
    return count[k];
  }

  /** The window of kind {@code k}: the tokens its layers keep at any longer context. */
  long window(int k) {
    return window[k];
  }

  /** Tokens a layer of kind {@code k} keeps at {@code context} ({@link LayerSpec#cachedTokens}). */
  long cachedTokens(int k, long context) {
    return Math.min(context, window[k]);
  }
}
