using STADNet.Client.Evaluation;

namespace STADNet.Tests.Evaluation;

public sealed class RocMetricsTests
{
    private static bool[] L(params int[] labels) => labels.Select(l => l == 1).ToArray();

    [Fact]
    public void Auc_with_tied_scores_counts_ties_half()
    {
        // Pairs (anomalous, normal): (0.8,0.1)=1, (0.8,0.4)=1, (0.4,0.1)=1, (0.4,0.4)=½ → 3.5 / 4 = 0.875.
        // Same by trapezoid with the tie merged: points (0,0),(0,½),(½,1),(1,1) → ½·(½+1)/2 + ½·1 = 0.875.
        var auc = RocMetrics.Auc([0.1, 0.4, 0.4, 0.8], L(0, 0, 1, 1));
        Assert.Equal(0.875, auc, 12);
    }

    [Fact]
    public void Auc_does_not_depend_on_input_order()
    {
        var auc = RocMetrics.Auc([0.4, 0.8, 0.1, 0.4], L(1, 1, 0, 0));
        Assert.Equal(0.875, auc, 12);
    }

    [Fact]
    public void Auc_of_perfect_and_inverted_rankers()
    {
        Assert.Equal(1.0, RocMetrics.Auc([0.1, 0.2, 0.8, 0.9], L(0, 0, 1, 1)), 12);
        Assert.Equal(0.0, RocMetrics.Auc([0.9, 0.8, 0.2, 0.1], L(0, 0, 1, 1)), 12);
    }

    [Fact]
    public void Auc_of_all_tied_scores_is_one_half()
    {
        Assert.Equal(0.5, RocMetrics.Auc([0.3, 0.3, 0.3, 0.3, 0.3], L(0, 1, 0, 0, 1)), 12);
    }

    [Fact]
    public void Auc_matches_pairwise_count_on_larger_input()
    {
        var rng = new Random(7);
        // Coarse scores force many ties.
        var scores = Enumerable.Range(0, 300).Select(_ => Math.Round(rng.NextDouble(), 1)).ToArray();
        var labels = scores.Select(s => rng.NextDouble() < 0.3 + 0.4 * s).ToArray();

        double wins = 0, pairs = 0;
        for (var i = 0; i < scores.Length; i++)
        for (var j = 0; j < scores.Length; j++)
        {
            if (!labels[i] || labels[j]) continue;
            pairs++;
            wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
        }
        Assert.Equal(wins / pairs, RocMetrics.Auc(scores, labels), 12);
    }

    [Fact]
    public void Split_class_auc_matches_list_auc_with_ties()
    {
        var rng = new Random(11);
        // Coarse levels force ties within and across classes, as quantised heatmaps do.
        var scores = Enumerable.Range(0, 5000).Select(_ => (float)Math.Round(rng.NextDouble() * 20) / 4).ToArray();
        var labels = scores.Select(s => rng.NextDouble() < 0.1 + 0.1 * s).ToArray();
        var anomalous = scores.Where((_, i) => labels[i]).ToArray();
        var normal = scores.Where((_, i) => !labels[i]).ToArray();

        var expected = RocMetrics.Auc(scores.Select(s => (double)s).ToArray(), labels);
        Assert.Equal(expected, RocMetrics.Auc(anomalous.AsSpan(), normal.AsSpan()), 12);
    }

    [Fact]
    public void Split_class_auc_counts_ties_half_and_needs_both_classes()
    {
        // The tied example again: anomalous {0.4, 0.8}, normal {0.1, 0.4} → 0.875.
        Assert.Equal(0.875, RocMetrics.Auc([0.8f, 0.4f], [0.4f, 0.1f]), 12);
        Assert.Equal(0.5, RocMetrics.Auc([0.3f, 0.3f], [0.3f, 0.3f, 0.3f]), 12);
        Assert.Equal(0.0, RocMetrics.Auc([0.1f], [0.2f, 0.3f]), 12);
        Assert.Throws<ArgumentException>(() => RocMetrics.Auc([], [0.2f]));
        Assert.Throws<ArgumentException>(() => RocMetrics.Auc([0.2f, float.NaN], [0.1f]));
    }

    [Fact]
    public void Auc_with_one_class_throws_clearly()
    {
        var ex = Assert.Throws<ArgumentException>(() => RocMetrics.Auc([0.1, 0.2], L(0, 0)));
        Assert.Contains("both normal and anomalous", ex.Message);
        Assert.Throws<ArgumentException>(() => RocMetrics.Auc([0.1, 0.2], L(1, 1)));
    }

    [Fact]
    public void Mismatched_lengths_and_nan_throw()
    {
        Assert.Throws<ArgumentException>(() => RocMetrics.Auc([0.1, 0.2, 0.3], L(0, 1)));
        Assert.Throws<ArgumentException>(() => RocMetrics.Auc([0.1, double.NaN], L(0, 1)));
        Assert.Throws<ArgumentException>(() => RocMetrics.Auc([], L()));
    }

    [Fact]
    public void Eer_interpolates_between_roc_points()
    {
        // Descending: 0.8(+) → FPR 0, FNR ½; tie 0.4(+,−) → FPR ½, FNR 0.
        // FPR−FNR goes −½ → +½, crossing halfway: EER = 0 + ½·(½ − 0) = 0.25.
        Assert.Equal(0.25, RocMetrics.EqualErrorRate([0.1, 0.4, 0.4, 0.8], L(0, 0, 1, 1)), 12);
    }

    [Fact]
    public void Eer_hits_exact_crossing()
    {
        // 0.4(+) → FPR 0, FNR ½; 0.3(−) → FPR ½, FNR ½: equal at a real point, EER = 0.5.
        Assert.Equal(0.5, RocMetrics.EqualErrorRate([0.1, 0.2, 0.3, 0.4], L(0, 1, 0, 1)), 12);
    }

    [Fact]
    public void Eer_of_perfect_inverted_and_tied_rankers()
    {
        Assert.Equal(0.0, RocMetrics.EqualErrorRate([0.1, 0.2, 0.8, 0.9], L(0, 0, 1, 1)), 12);
        Assert.Equal(1.0, RocMetrics.EqualErrorRate([0.9, 0.8, 0.2, 0.1], L(0, 0, 1, 1)), 12);
        // One tied group: (FPR,FNR) jumps (0,1) → (1,0); the line crosses at ½.
        Assert.Equal(0.5, RocMetrics.EqualErrorRate([0.5, 0.5, 0.5], L(0, 1, 1)), 12);
    }

    [Fact]
    public void Average_precision_groups_tied_scores()
    {
        // 0.8: R ½, P 1 → ½·1. Tie 0.4: R 1, P ⅔ → ½·⅔. 0.1: R unchanged.
        // AP = ½ + ⅓ = 0.8333… (sklearn average_precision_score gives the same).
        Assert.Equal(5.0 / 6, RocMetrics.AveragePrecision([0.1, 0.4, 0.4, 0.8], L(0, 0, 1, 1)), 12);
    }

    [Fact]
    public void Average_precision_is_stepwise_not_interpolated()
    {
        // Descending labels 0,1,0,1,1: recall steps of ⅓ at precisions ½ (1/2), ½ (2/4), 0.6 (3/5).
        // AP = ⅓·(½ + ½ + 0.6) = 0.5333…
        Assert.Equal(1.6 / 3, RocMetrics.AveragePrecision([0.9, 0.8, 0.7, 0.6, 0.5], L(0, 1, 0, 1, 1)), 12);
        Assert.Equal(1.0, RocMetrics.AveragePrecision([0.1, 0.2, 0.8, 0.9], L(0, 0, 1, 1)), 12);
    }

    [Fact]
    public void Average_precision_without_anomalies_throws()
    {
        Assert.Throws<ArgumentException>(() => RocMetrics.AveragePrecision([0.1, 0.2], L(0, 0)));
    }

    [Fact]
    public void Confusion_flags_scores_at_or_above_threshold()
    {
        // Threshold 0.4: flagged 0.4(−), 0.4(+), 0.8(+), 0.9(−) → TP 2, FP 2; unflagged 0.1(−), 0.2(+) → TN 1, FN 1.
        var c = RocMetrics.ConfusionAt([0.1, 0.2, 0.4, 0.4, 0.8, 0.9], L(0, 1, 0, 1, 1, 0), 0.4);
        Assert.Equal(new Confusion(2, 2, 1, 1), c);
        Assert.Equal(0.5, c.Accuracy, 12);
        Assert.Equal(0.5, c.Precision, 12);
        Assert.Equal(2.0 / 3, c.Recall, 12);
        Assert.Equal(2 * 0.5 * (2.0 / 3) / (0.5 + 2.0 / 3), c.F1, 12);
    }

    [Fact]
    public void Confusion_ratios_are_zero_when_undefined()
    {
        // Nothing flagged and nothing anomalous: precision, recall and F1 have zero denominators.
        var c = RocMetrics.ConfusionAt([0.1, 0.2], L(0, 0), 1.0);
        Assert.Equal(1.0, c.Accuracy);
        Assert.Equal(0.0, c.Precision);
        Assert.Equal(0.0, c.Recall);
        Assert.Equal(0.0, c.F1);
    }
}
