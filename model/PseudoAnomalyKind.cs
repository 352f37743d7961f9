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
    /// <summary>
    /// Who stands in a walker-sized place of another held-out frame, cut out of its ground and turned on its side,
    /// crosses the view at walking pace: a thing of a shape the camera never showed, moving as things there move. Only the held-out check
    /// uses it (see <see cref="PseudoAnomalies.TrainingKinds"/>), so it also judges a kind the network never trained on.
    /// </summary>
    TurnedObject,
    /// <summary>
    /// What stands in a walker-sized place of another held-out frame where someone stands, cut out of its ground and striped or checked with a period of one network pixel, crosses
    /// the view at walking pace: detail the network's input averages away but the object windows, at twice the decode
    /// size, still show (as a bicycle's wheels are). Only the held-out check uses it, to judge the object term.
    /// </summary>
    PatternedObject,
    /// <summary>
    /// Who stands in a walker-sized place of another held-out frame, as it is but cut out of its ground, glides across the view at walking pace:
    /// a person carried along in one pose, as a skater or a rider is, with no legs swinging. Only the held-out check uses
    /// it, to judge the mover glide term (<see cref="MoverGlide"/>).
    /// </summary>
    GlidingWalker,
}
