package dev.hwplan.scenario.study;

import dev.hwplan.scenario.Study;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What every study declares, held in one place: its kind, the fields it requires, and the fields it
 * reads with their defaults (in the order given, which is the order of the report's columns and
 * messages). A study declares them in its constructor.
 *
 * @param <R> the result of one point
 */
abstract class StudyBase<R> implements Study<R> {
  private final String kind;
  private final Set<String> required;
  private final Map<String, Object> defaults = new LinkedHashMap<>();

  /**
   * @param kind the {@link dev.hwplan.scenario.StudyKind} key this study implements
   * @param required the fields without a default that the study reads
   */
  StudyBase(String kind, String... required) {
    this.kind = kind;
    this.required = Set.of(required);
  }

  /**
   * Declares a field the study reads and its default ({@code null}: none, the field is optional).
   */
  final void field(String name, Object defaultValue) {
    defaults.put(name, defaultValue);
  }

  @Override
  public final String kind() {
    return kind;
  }

  @Override
  public final Map<String, Object> defaults() {
    return Collections.unmodifiableMap(defaults);
  }

  @Override
  public final Set<String> required() {
    return required;
  }
}
