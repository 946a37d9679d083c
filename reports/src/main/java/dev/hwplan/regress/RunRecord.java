package dev.hwplan.regress;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.StrictMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One benchmark run: what {@code hwplan bench} writes, what {@code hwplan regress --current} reads,
 * and one line of a history file. The format is DESIGN.md's ("Data that lasts"):
 *
 * <pre>{"commit": "3f2a9c1", "machine": "ci-2core", "date": "2026-11-22T06:00:00Z",
 *  "benchmarks": [{"name": "kv.calculator", "unit": "seconds", "direction": "smaller_is_better",
 *                  "value": 1.2e-6, "samples": [1.19e-6, 1.2e-6, 1.22e-6]}]}</pre>
 *
 * @param date ISO-8601 with a zone or offset, e.g. {@code 2026-11-22T06:00:00Z}
 */
public record RunRecord(
    String commit, String machine, String date, List<BenchmarkResult> benchmarks) {
  public RunRecord {
    requireText(commit, "commit");
    requireText(machine, "machine");
    if (date == null) {
      throw new InvalidInputException(
          "", "date", "is missing (ISO-8601, e.g. 2026-11-22T06:00:00Z)");
    }
    parseDate(date, "date");
    if (benchmarks == null || benchmarks.isEmpty()) {
      throw new InvalidInputException("", "benchmarks", "must list at least one benchmark");
    }
    benchmarks = List.copyOf(benchmarks);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < benchmarks.size(); i++) {
      BenchmarkResult b = benchmarks.get(i);
      if (b == null) {
        throw new InvalidInputException("", "benchmarks[" + i + "]", "is null");
      }
      if (!names.add(b.name())) {
        throw new InvalidInputException(
            "", "benchmarks[" + i + "].name", "'" + b.name() + "' appears twice");
      }
    }
  }

  /** The date as an instant. */
  public Instant instant() {
    return parseDate(date, "date");
  }

  /** The metric called {@code name}, if this run has it. */
  public Optional<BenchmarkResult> benchmark(String name) {
    return benchmarks.stream().filter(b -> b.name().equals(name)).findFirst();
  }

  /** Reads a run record file strictly; errors name the file, the field and the line. */
  public static RunRecord read(Path file) {
    return StrictMapper.readJson(file, RunRecord.class);
  }

  /** The record as one line of JSON (no newline), as a history file holds it. */
  public String toJsonLine() {
    try {
      return StrictMapper.json().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a run record always serialises", e);
    }
  }

  static Instant parseDate(String text, String field) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(
          "",
          field,
          "'" + text + "' is not an ISO-8601 date-time with a zone, e.g. 2026-11-22T06:00:00Z");
    }
  }

  /** Refuses a text field of a record that is missing or blank, naming the field. */
  static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException("", field, "is missing or empty");
    }
  }
}
