"""Temperature scaling, calibration error, the coverage curve and the 'unknown' decision (numpy only)."""
import numpy as np

from app.core.search import calibration as cal


def overconfident(n=600, classes=4, seed=0, true_t=2.5):
    """Probabilities from logits sharpened by 1/true_t: a model that is too sure of itself."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, n)
    logits = rng.normal(0, 1.0, (n, classes))
    logits[np.arange(n), labels] += 1.2
    # Sample labels from the honest probabilities, then make the model overconfident.
    honest = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    labels = np.array([rng.choice(classes, p=p) for p in honest])
    sharp = np.exp(logits * true_t)
    return sharp / sharp.sum(-1, keepdims=True), labels


def test_the_fitted_temperature_undoes_overconfidence_and_lowers_the_calibration_error():
    probs, labels = overconfident()
    record = cal.fit([probs], labels, threshold=0.6)
    assert 2.0 < record["temperature"] < 3.1
    assert record["ece_after"] < record["ece_before"] / 2 and record["nll_after"] < record["nll_before"]
    assert record["threshold"] == 0.6 and len(record["reliability_after"]) == cal.ECE_BINS
    assert sum(b["count"] for b in record["reliability_before"]) == len(labels)
    # Temperature never changes the winning class.
    assert np.array_equal(cal.scale(probs, 2.5).argmax(-1), probs.argmax(-1))


def test_coverage_falls_and_accuracy_rises_with_the_threshold_and_unknown_is_below_it():
    probs, labels = overconfident(seed=1)
    curve = cal.coverage_curve(cal.scale(probs, 2.5), labels)
    assert curve[0]["coverage"] == 1.0 and curve[-1]["coverage"] < 0.2
    assert curve[60]["accuracy"] > curve[0]["accuracy"]
    p = np.array([[0.7, 0.2, 0.1], [0.4, 0.35, 0.25]])
    assert cal.decide(p, ["a", "b", "c"], 0.5) == ["a", cal.UNKNOWN]
    assert cal.decide(p, ["a", "b", "c"], 0.0) == ["a", "a"]


def test_an_average_of_members_is_calibrated_member_by_member():
    a, labels = overconfident(seed=2)
    b, _ = overconfident(seed=3)
    t = cal.fit_temperature([a, b], labels)
    assert np.allclose(cal.scale_members([a, b], t), (cal.scale(a, t) + cal.scale(b, t)) / 2)
