package dev.hwplan.kernels.provider;

import dev.hwplan.kernels.KernelProvider;
import dev.hwplan.kernels.scalar.ScalarKernelProvider;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the kernel provider once per JVM, as Lucene's {@code VectorizationProvider} does: the
 * vector provider when {@code jdk.incubator.vector} is in the boot layer and loads, otherwise the
 * scalar one, with one line on stderr that says why and how to enable it.
 *
 * <p>{@code -Dhwplan.kernels.provider=scalar} forces the scalar path; {@code vector} asks for the
 * vector path and says so on stderr when it cannot have it; {@code auto} (the default) takes the
 * best available. The vector classes are only ever loaded by reflection, so the scalar path runs on
 * a JVM without the module.
 */
public final class KernelProviders {
  /** System property that picks the provider: {@code auto}, {@code scalar} or {@code vector}. */
  public static final String PROPERTY = "hwplan.kernels.provider";

  static final String VECTOR_CLASS = "dev.hwplan.kernels.vector.VectorKernelProvider";
  static final String MODULE = "jdk.incubator.vector";

  private static final KernelProvider SCALAR = new ScalarKernelProvider();

  private KernelProviders() {}

  /** The provider for this JVM, chosen on first use. */
  public static KernelProvider get() {
    return Holder.SELECTED;
  }

  /** Why the scalar path was chosen, or empty when the vector path runs. */
  public static Optional<String> fallbackReason() {
    return Optional.ofNullable(Holder.REASON);
  }

  /** The scalar provider, always available. */
  public static KernelProvider scalar() {
    return SCALAR;
  }

  /** The vector provider, if this JVM can run it. */
  public static Optional<KernelProvider> vector() {
    return Optional.ofNullable(VectorHolder.VECTOR);
  }

  private static final class Holder {
    static final String REASON;
    static final KernelProvider SELECTED;

    static {
      String requested = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
      String reason = null;
      KernelProvider chosen;
      switch (requested) {
        case "scalar" -> {
          chosen = SCALAR;
          reason = "-D" + PROPERTY + "=scalar";
        }
        case "vector", "auto", "" -> {
          if (VectorHolder.VECTOR != null) {
            chosen = VectorHolder.VECTOR;
          } else {
            chosen = SCALAR;
            reason = VectorHolder.WHY_NOT;
            System.err.println(
                "hwplan: using the scalar kernels: "
                    + reason
                    + "; run java with --add-modules "
                    + MODULE
                    + " for the Vector API kernels");
          }
        }
        default -> {
          chosen = SCALAR;
          reason = "unknown -D" + PROPERTY + "=" + requested;
          System.err.println(
              "hwplan: using the scalar kernels: unknown -D"
                  + PROPERTY
                  + "="
                  + requested
                  + " (expected auto, scalar or vector)");
        }
      }
      REASON = reason;
      SELECTED = chosen;
    }
  }

  private static final class VectorHolder {
    static final String WHY_NOT;
    static final KernelProvider VECTOR;

    static {
      KernelProvider v = null;
      String why = null;
      if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
        why = "module " + MODULE + " is not in the boot layer";
      } else {
        try {
          v = (KernelProvider) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
          Throwable cause =
              e instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null
                  ? ite.getCause()
                  : e;
          why = "the vector provider did not load (" + cause + ")";
        }
      }
      WHY_NOT = why;
      VECTOR = v;
    }
  }
}
