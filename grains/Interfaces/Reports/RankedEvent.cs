namespace STADNet.Grains.Reports;

/// <summary>An event of the whole archive, with the video it belongs to.</summary>
public sealed record RankedEvent(int Rank, string VideoId, string Source, AnomalyEvent Event);
