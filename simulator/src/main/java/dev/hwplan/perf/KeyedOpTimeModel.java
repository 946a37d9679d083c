package dev.hwplan.perf;

/**
 * An op-time model with value identity: it predicts as the model it wraps, and two such models are
 * equal when they were made for equal keys ({@code Calibrations} passes the GPU profile and the
 * mode, from which the wrapped model follows), so they predict alike. Memos above the op-time
 * models (the step model's step times) key on it by value, never by the instance.
 */
public final class KeyedOpTimeModel extends ForwardingOpTimeModel {
  private final Object key;

  /**
   * {@code model}, known by {@code key}.
   *
   * @param key a value that determines {@code model} (every model made for an equal key predicts
   *     alike)
   */
  public KeyedOpTimeModel(OpTimeModel model, Object key) {
    super(model);
    this.key = key;
  }

  /**
   * {@code model}, a decoration of {@code base}, with value identity where {@code base} has it
   * (known by {@code key}, which must hold {@code base} and what the decoration adds), else as it
   * is: a decorated model keeps the step-time memos' keys by value.
   */
  public static OpTimeModel like(OpTimeModel base, OpTimeModel model, Object key) {
    return base instanceof KeyedOpTimeModel ? new KeyedOpTimeModel(model, key) : model;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyedOpTimeModel m && (key == m.key || key.equals(m.key));
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }
}
