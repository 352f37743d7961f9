using STADNet.Grains.Reports;

namespace STADNet.Grains;

/// <summary>
/// Events are runs of frames at or above the threshold; runs split by a gap of a couple of frames
/// are one event. Unscored frames (NaN) are below every threshold.
/// </summary>
public static class EventDetector
{
    public const int MergeGapFrames = 2;

    public static IReadOnlyList<AnomalyEvent> Find(IReadOnlyList<float> scores, double threshold, double fps)
    {
        var events = new List<AnomalyEvent>();
        var i = 0;
        while (i < scores.Count)
        {
            if (!(scores[i] >= threshold)) { i++; continue; }
            var start = i;
            var end = i;
            for (var j = i + 1; j < scores.Count && j - end <= MergeGapFrames + 1; j++)
                if (scores[j] >= threshold) end = j;
            events.Add(Describe(scores, start, end, fps));
            i = end + 1;
        }
        return events;
    }

    private static AnomalyEvent Describe(IReadOnlyList<float> scores, int start, int end, double fps)
    {
        var peak = start;
        double sum = 0;
        var scored = 0;
        for (var k = start; k <= end; k++)
        {
            if (float.IsNaN(scores[k])) continue;
            sum += scores[k];
            scored++;
            if (scores[k] > scores[peak]) peak = k;
        }
        return new AnomalyEvent(start, end, Math.Round(start / fps, 3), Math.Round((end + 1) / fps, 3), peak,
            Math.Round(scores[peak], 4), Math.Round(sum / scored, 4));
    }
}
