namespace STADNet.Model.Pretrained;

/// <summary>One operation of an ONNX graph: its type, input and output value names, and integer attributes.</summary>
public sealed record OnnxNode(string Op, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyDictionary<string, long[]> Attributes);
