package dev.hwplan.scaling.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.io.InvalidInputException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunsCsvTest {
  private static List<ScalingRun> parse(String text) throws Exception {
    return RunsCsv.parse(new StringReader(text), "runs.csv");
  }

  @Test
  void readsParamsTokensLoss_skippingCommentsAndBlankLines() throws Exception {
    List<ScalingRun> runs = parse("# my runs\nparams,tokens,loss\n\n1e8,2e9,3.1\n4e8, 8e9 ,2.7\n");
    assertThat(runs)
        .containsExactly(new ScalingRun(1e8, 2e9, 3.1, 4), new ScalingRun(4e8, 8e9, 2.7, 5));
  }

  @Test
  void readsEpochsFormat_tokensFromTrainingFlop() throws Exception {
    List<ScalingRun> runs =
        parse("x,y,color,Model Size,Training FLOP,hex_color,loss\n1,2,#fff,1e9,6e19,#fff,2.5\n");
    assertThat(runs.get(0).tokens()).isEqualTo(1e10);
  }

  @Test
  void badNumber_namesTheLineAndColumn() {
    assertThatThrownBy(() -> parse("params,tokens,loss\n1e8,2e9,3.1\n1e9,2e10,abc\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("runs.csv, line 3: field 'loss': cannot read 'abc' as a number");
  }

  @Test
  void negativeOrMissingValues_areRejected() {
    assertThatThrownBy(() -> parse("params,tokens,loss\n-1e8,2e9,3.1\n"))
        .hasMessageContaining("line 2: field 'params': must be a positive finite number");
    assertThatThrownBy(() -> parse("params,tokens,loss\n1e8,2e9\n"))
        .hasMessageContaining("line 2: field 'loss': missing value");
  }

  @Test
  void headerWithoutTokensOrFlops_isRejected() {
    assertThatThrownBy(() -> parse("params,loss\n1e8,3\n"))
        .hasMessageContaining("need a tokens column or a Training FLOP column");
    assertThatThrownBy(() -> parse("")).hasMessageContaining("empty");
  }

  @Test
  void missingFile_isBadInput(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> RunsCsv.read(dir.resolve("nope.csv")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageEndingWith("nope.csv: no such file");
    Path f = dir.resolve("runs.csv");
    Files.writeString(f, "params,tokens,loss\n1e8,2e9,3.1\n");
    assertThat(RunsCsv.read(f)).hasSize(1);
  }

  @Test
  void dropHighestLoss_followsEpochsRule() {
    List<ScalingRun> runs =
        List.of(
            new ScalingRun(1, 1, 5),
            new ScalingRun(1, 1, 2),
            new ScalingRun(1, 1, 4),
            new ScalingRun(1, 1, 3));
    assertThat(ScalingRuns.dropHighestLoss(runs, 2))
        .extracting(ScalingRun::loss)
        .containsExactly(2.0, 3.0);
    assertThat(ScalingRuns.dropHighestLoss(runs, 0)).hasSize(4);
  }

  @Test
  void interval_isNumpysLinearPercentile() {
    Interval i = Interval.of(new double[] {1, 2, 3, 4, 5}, 0.5);
    assertThat(i.low()).isEqualTo(2.0);
    assertThat(i.high()).isEqualTo(4.0);
    assertThat(i.standardError()).isEqualTo(Math.sqrt(2.5));
  }
}
