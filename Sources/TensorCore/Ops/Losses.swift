// Losses with PyTorch's default mean reduction, as composites. Prediction and target must have the
// same shape (PyTorch would broadcast `l1_loss`/`mse_loss` with only a warning, a common silent bug).

/// The mean absolute error, mean(|prediction − target|) (`torch.nn.functional.l1_loss`).
public func l1Loss(_ prediction: Tensor, _ target: Tensor) -> Tensor {
    precondition(prediction.shape == target.shape,
                 "l1Loss: prediction \(prediction.shape) and target \(target.shape) differ in shape")
    return (prediction - target).abs().mean()
}

/// The mean squared error, mean((prediction − target)²) (`torch.nn.functional.mse_loss`).
public func mseLoss(_ prediction: Tensor, _ target: Tensor) -> Tensor {
    precondition(prediction.shape == target.shape,
                 "mseLoss: prediction \(prediction.shape) and target \(target.shape) differ in shape")
    let difference = prediction - target
    return (difference * difference).mean()
}

/// The binary cross-entropy of sigmoid(logits) against targets in [0, 1], averaged
/// (`torch.nn.functional.binary_cross_entropy_with_logits`).
///
/// Computed as softplus(x) − x·y, which equals −y·log σ(x) − (1 − y)·log(1 − σ(x)) but never takes
/// the logarithm of a rounded 0; its gradient in x is (σ(x) − y)/n.
public func binaryCrossEntropyWithLogits(_ logits: Tensor, targets: Tensor) -> Tensor {
    precondition(logits.shape == targets.shape,
                 "binaryCrossEntropyWithLogits: logits \(logits.shape) and targets \(targets.shape) differ in shape")
    return (logits.softplus() - logits * targets).mean()
}
