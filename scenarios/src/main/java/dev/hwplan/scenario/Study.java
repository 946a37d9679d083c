package dev.hwplan.scenario;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A kind of study: the fields it reads, how it evaluates one point of its sweep, and how it turns
 * the results into a report section.
 *
 * @param <R> the result of one point
 */
public interface Study<R> {
  /**
   * The {@link StudyKind} key this study implements. Implementations are found through {@link
   * java.util.ServiceLoader} ({@code META-INF/services/dev.hwplan.scenario.Study}), so that this
   * package, which defines what a study is, does not depend on the package of the studies.
   */
  String kind();

  /** Fields with their default values; written fields override them. */
  Map<String, Object> defaults();

  /** Fields without a default that the study also reads. */
  default Set<String> required() {
    return Set.of();
  }

  /**
   * Evaluates one point. Called from several threads at once, so it must not share mutable state;
   * it must be deterministic.
   */
  R evaluate(Point point, StudyContext context);

  /** Builds the section (and a few summary lines) from the results, in point order. */
  StudyResult finish(StudySpec spec, List<Point> points, List<R> results, StudyContext context);
}
