package dev.hwplan.op;

import dev.hwplan.io.Keyed;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Collective operations with the ring algorithm's traffic and step counts. {@code bytes} is the
 * size nccl-tests reports for the op (the buffer for all-reduce, the gathered output for all-gather
 * and the reduce-scatter input), so {@link #trafficFactor(int)} is nccl-tests' bus-bandwidth factor
 * (NVIDIA nccl-tests doc/PERFORMANCE.md): all-reduce 2(n-1)/n, all-gather and reduce-scatter
 * (n-1)/n, all-to-all (n-1)/n, send 1.
 */
public enum Collective implements Keyed {
  ALL_REDUCE("all-reduce"),
  ALL_GATHER("all-gather"),
  REDUCE_SCATTER("reduce-scatter"),
  ALL_TO_ALL("all-to-all"),
  SEND("send");

  private static final Set<String> SEND_ALIASES = Set.of("send-recv", "p2p", "sendrecv");

  private final String key;

  Collective(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** Bytes each GPU moves over its link, per byte of {@code bytes}. */
  public double trafficFactor(int gpus) {
    double n = gpus;
    return switch (this) {
      case ALL_REDUCE -> 2 * (n - 1) / n;
      case ALL_GATHER, REDUCE_SCATTER, ALL_TO_ALL -> (n - 1) / n;
      case SEND -> 1;
    };
  }

  /** Parses {@code all-reduce}, {@code send-recv} (as {@code send}), {@code p2p} and so on. */
  public static Collective parse(String s, String field) {
    String k = s == null ? null : s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    if (SEND_ALIASES.contains(k)) {
      return SEND;
    }
    Collective c = Keyed.find(List.of(values()), k);
    if (c == null) {
      throw Keyed.unknown(List.of(values()), s, field, "collective");
    }
    return c;
  }
}
