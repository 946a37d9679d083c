package dev.hwplan.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A report: a title, an optional subtitle, ordered metadata (hwplan version, the date the caller
 * gives, inputs) and sections. Immutable; built with {@link #builder}. Nothing in a report reads
 * the clock, so the same inputs give the same files.
 */
public final class Report {
  private final String title;
  private final String subtitle;
  private final Map<String, String> meta;
  private final List<Section> sections;

  private Report(Builder b) {
    this.title = b.title;
    this.subtitle = b.subtitle;
    this.meta = Collections.unmodifiableMap(new LinkedHashMap<>(b.meta));
    this.sections = List.copyOf(b.sections);
  }

  /** Starts a report with its title. */
  public static Builder builder(String title) {
    return new Builder(title);
  }

  /** The title, shown as the page heading. */
  public String title() {
    return title;
  }

  /** The subtitle, or the empty string. */
  public String subtitle() {
    return subtitle;
  }

  /** Metadata in the order it was added. */
  public Map<String, String> meta() {
    return meta;
  }

  /** The sections in the order they were added. */
  public List<Section> sections() {
    return sections;
  }

  /** Builds a {@link Report}; ids of sections, tables and charts must be unique in the report. */
  public static final class Builder {
    private final String title;
    private String subtitle = "";
    private final Map<String, String> meta = new LinkedHashMap<>();
    private final List<Section> sections = new ArrayList<>();
    private final Set<String> sectionIds = new HashSet<>();
    private final Set<String> tableIds = new HashSet<>();
    private final Set<String> chartIds = new HashSet<>();

    private Builder(String title) {
      this.title = Ids.requireText(title, "report title");
    }

    /** A line under the title; null or blank for none. */
    public Builder subtitle(String subtitle) {
      this.subtitle = subtitle == null ? "" : subtitle;
      return this;
    }

    /** Adds a metadata line; a key given twice keeps its first place and takes the new value. */
    public Builder meta(String key, String value) {
      Ids.requireText(key, "meta key");
      meta.put(key, value == null ? "" : value);
      return this;
    }

    /** Adds a section; its id and its tables' and charts' ids must be new to this report. */
    public Builder section(Section section) {
      if (!sectionIds.add(section.id())) {
        throw new IllegalArgumentException("section id '" + section.id() + "' used twice");
      }
      for (Block b : section.blocks()) {
        if (b instanceof TableBlock t && !tableIds.add(t.id())) {
          throw new IllegalArgumentException("table id '" + t.id() + "' used twice");
        }
        if (b instanceof ChartBlock c && !chartIds.add(c.chart().id())) {
          throw new IllegalArgumentException("chart id '" + c.chart().id() + "' used twice");
        }
      }
      sections.add(section);
      return this;
    }

    /** The report; the builder may be used again afterwards. */
    public Report build() {
      return new Report(this);
    }
  }
}
