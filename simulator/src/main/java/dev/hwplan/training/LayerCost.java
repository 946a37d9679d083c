package dev.hwplan.training;

/**
 * One layer kind's costs for one micro-batch: seconds of compute and TP communication, the CP and
 * EP bytes, the activation bytes it keeps ({@link LayerCosts}), and what its times rest on (the
 * step model's notes, and the cluster's for TP across nodes), each once.
 */
record LayerCost(
    double forward,
    double backward,
    double core,
    double tpForward,
    double tpBackward,
    double cpBytes,
    double attentionForward,
    double attentionBackward,
    double a2aBytes,
    int forwardKernels,
    int backwardKernels,
    double actNone,
    double actSelective,
    double checkpoint,
    double logits,
    java.util.List<String> notes) {}
