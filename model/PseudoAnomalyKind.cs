namespace STADNet.Model;

/// <summary>The kinds of anomalous clip <see cref="PseudoAnomalies"/> makes from normal footage.</summary>
public enum PseudoAnomalyKind
{
    /// <summary>Every frame skips two to four: the whole view moves too fast.</summary>
    SkippedFrames,
    /// <summary>A piece of another frame crosses the view faster than anyone walks.</summary>
    ForeignPatch,
    /// <summary>One busy place plays two to four times too fast; the rest of the view keeps time.</summary>
    SpedUpPlace,
    /// <summary>One busy place is magnified, wider or bigger than anything that walks there, and so also faster.</summary>
    MagnifiedPlace,
}
