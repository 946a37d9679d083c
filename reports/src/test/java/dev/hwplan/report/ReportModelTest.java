package dev.hwplan.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class ReportModelTest {
  @Test
  void blocksKeepTheirOrderAndMetaItsInsertionOrder() {
    Report r = SampleReports.small();
    assertThat(r.meta().keySet()).containsExactly("hwplan", "date");
    Section s = r.sections().get(0);
    assertThat(s.blocks())
        .hasExactlyElementsOfTypes(TextBlock.class, TableBlock.class, ChartBlock.class);
  }

  @Test
  void idsMustBeUniqueAndFileSafe() {
    Section a =
        Section.builder("a", "A").chart(ReportChart.of("c", "c", SampleReports.line("c"))).build();
    Section b =
        Section.builder("b", "B").chart(ReportChart.of("c", "c", SampleReports.line("c"))).build();
    assertThatThrownBy(() -> Report.builder("r").section(a).section(b))
        .hasMessageContaining("chart id 'c' used twice");
    assertThatThrownBy(() -> Report.builder("r").section(a).section(a))
        .hasMessageContaining("section id 'a' used twice");
    assertThatThrownBy(() -> Section.builder("../x", "X"))
        .hasMessageContaining("section id must be");
    assertThatThrownBy(() -> Section.builder("x", "X").table("A B", "t", SampleReports.gpus()))
        .hasMessageContaining("table id must be");
  }

  @Test
  void aTableBlockIsACopy() {
    Table t = SampleReports.gpus();
    Section s = Section.builder("s", "S").table("t", "t", t).build();
    t.removeColumns("gpu");
    assertThat(((TableBlock) s.blocks().get(0)).table().columnNames()).contains("gpu");
  }

  @Test
  void markdownSubsetEscapesEverythingElse() {
    assertThat(MarkdownText.toHtml("a <b> & **c** `d<e>`\ncontinued\n\n* x\n  more\n- y"))
        .isEqualTo(
            "<p>a &lt;b&gt; &amp; <strong>c</strong> <code>d&lt;e&gt;</code> continued</p>\n"
                + "<ul>\n<li>x more</li>\n<li>y</li>\n</ul>\n");
    assertThat(MarkdownText.inline("2 ** 3 and a lone `")).isEqualTo("2 ** 3 and a lone `");
  }
}
