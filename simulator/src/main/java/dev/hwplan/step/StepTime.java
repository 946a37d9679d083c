package dev.hwplan.step;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A step's predicted time: the sum of its ops (they run one after another on a GPU), with its
 * interval: the sum of the ops' intervals (errors taken as fully correlated, the wide case), or,
 * from {@link StepModel#time(StepComposition)}, the spread of measured steps where there are some.
 *
 * @param ops the per-op breakdown, in graph order
 * @param notes the caveats of the op-time models behind the prediction, each once, in order
 */
public record StepTime(
    double seconds, double lowSeconds, double highSeconds, List<OpTime> ops, List<String> notes) {
  public StepTime {
    ops = List.copyOf(ops);
    notes = List.copyOf(notes);
  }

  /** Notes beyond which {@link #distinct} keeps a set rather than compare each with those kept. */
  private static final int SCAN_LIMIT = 64;

  /**
   * The notes of two steps (an estimate's prefill and decode, say), each once, in order: a step's
   * own list where the other has none.
   */
  public static List<String> notes(StepTime a, StepTime b) {
    List<String> an = a.notes();
    List<String> bn = b.notes();
    if (an.isEmpty()) {
      return bn;
    }
    if (bn.isEmpty()) {
      return an;
    }
    return distinct(List.of(an, bn));
  }

  /**
   * The strings of {@code lists}, each once, in the order of their first appearance: the one list
   * itself where it has no repeat. Notes are few, so each is compared with those kept; a set keeps
   * them past {@value #SCAN_LIMIT}.
   */
  static List<String> distinct(List<List<String>> lists) {
    int total = 0;
    for (int i = 0; i < lists.size(); i++) {
      total += lists.get(i).size();
    }
    if (total > SCAN_LIMIT) {
      Set<String> set = new LinkedHashSet<>();
      for (List<String> l : lists) {
        set.addAll(l);
      }
      return List.copyOf(set);
    }
    String[] kept = new String[total];
    int k = 0;
    for (int i = 0; i < lists.size(); i++) {
      List<String> l = lists.get(i);
      for (int j = 0, size = l.size(); j < size; j++) {
        String s = l.get(j);
        int seen = 0;
        while (seen < k && !kept[seen].equals(s)) {
          seen++;
        }
        if (seen == k) {
          kept[k++] = s;
        }
      }
    }
    if (lists.size() == 1 && k == total) {
      return lists.get(0);
    }
    return List.of(k == total ? kept : Arrays.copyOf(kept, k));
  }
}
