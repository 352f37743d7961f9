namespace STADNet.Tests.Deployment;

/// <summary>Compose durations (<c>90s</c>, <c>1m30s</c>, <c>2m</c>).</summary>
public static class ComposeDuration
{
    public static TimeSpan Parse(string text)
    {
        var parts = System.Text.RegularExpressions.Regex.Matches(text, @"(\d+(?:\.\d+)?)(h|ms|us|m|s)");
        if (parts.Count == 0 || string.Concat(parts.Select(p => p.Value)) != text)
            throw new FormatException($"not a Compose duration: '{text}'");
        return parts.Aggregate(TimeSpan.Zero, (total, p) =>
        {
            var n = double.Parse(p.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            return total + p.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                "s" => TimeSpan.FromSeconds(n),
                "ms" => TimeSpan.FromMilliseconds(n),
                _ => TimeSpan.FromMicroseconds(n),
            };
        });
    }
}
