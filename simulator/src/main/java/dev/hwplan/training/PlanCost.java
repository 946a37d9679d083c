package dev.hwplan.training;

/**
 * Time and money to train {@code tokens} tokens with a plan: {@code trainSeconds = tokens /
 * tokensPerSecond}, GPU-hours = GPUs x hours, cost = GPU-hours x price (null without a price).
 */
public record PlanCost(
    double tokens, double trainSeconds, double trainDays, double gpuHours, Double cost) {
  public static PlanCost of(TrainingPlan p, int gpus, double tokens, Double pricePerGpuHour) {
    double s = tokens / p.tokensPerSecond();
    double h = s / 3600 * gpus;
    return new PlanCost(
        tokens, s, s / 86400, h, pricePerGpuHour == null ? null : h * pricePerGpuHour);
  }
}
