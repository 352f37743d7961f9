namespace STADNet.Model.Pretrained;

/// <summary>A named float initialiser of an ONNX graph.</summary>
public sealed record OnnxTensor(string Name, long[] Dims, float[] Values);
