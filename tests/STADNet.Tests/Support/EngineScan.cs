using STADNet.Model;

namespace STADNet.Tests.Support;

/// <summary>What a silo's scoring engine makes of footage, checked against evidence the test scored itself.</summary>
public static class EngineScan
{
    /// <summary>
    /// Scores <paramref name="footage"/> (its first frame as context) through a scoring engine given the checkpoint at
    /// <paramref name="path"/>, whose <paramref name="calibration"/> has an opt-in term, and asserts the engine measured it:
    /// its combined evidence is the calibration's of <paramref name="measured"/> (scored with the term's measurements), which
    /// lifts some frame above <paramref name="skipped"/> (scored without them).
    /// </summary>
    public static async Task AssertScoresWithTermAsync(string path, TrainingVideo footage, ScoreCalibration calibration,
        FrameEvidence measured, FrameEvidence skipped, string term)
    {
        using var engine = new ScoringEngine(1);
        var scanned = (await engine.ScoreAsync(path, footage.Pixels, footage.FrameCount, 1, CancellationToken.None)).Combined;
        var with = calibration.CombineFrames(measured);
        var without = calibration.CombineFrames(skipped);
        Assert.Contains(Enumerable.Range(0, scanned.Length), i => with[i] > without[i] + 0.1);
        for (var i = 0; i < scanned.Length; i++)
            Assert.True(Math.Abs(scanned[i] - with[i]) < 1e-3, $"frame {i}: scanned {scanned[i]}, scored with {term} {with[i]}");
    }
}
