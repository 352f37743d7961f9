using System.Text;

namespace STADNet.Model.Pretrained;

/// <summary>
/// The parts of an ONNX model file a plain convolutional network needs: its float initialisers
/// (weights) and its nodes in order. A minimal protocol-buffer reader, so the pretrained backbone
/// runs in TorchSharp like the rest of the model, with no second inference runtime.
/// </summary>
public sealed class OnnxGraph
{
    private OnnxGraph(IReadOnlyDictionary<string, OnnxTensor> initialisers, IReadOnlyList<OnnxNode> nodes)
    {
        Initialisers = initialisers;
        Nodes = nodes;
    }

    public IReadOnlyDictionary<string, OnnxTensor> Initialisers { get; }
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <exception cref="InvalidDataException">The file is not an ONNX model this reader understands.</exception>
    public static OnnxGraph Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"cannot read the pretrained model {path}: {e.Message}", e);
        }
        try
        {
            return Parse(bytes);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or OverflowException or InvalidDataException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is not a readable ONNX model: {e.Message}", e);
        }
    }

    private static OnnxGraph Parse(byte[] bytes)
    {
        var model = new ProtoReader(bytes);
        var graph = model.Fields(0, bytes.Length).LastOrDefault(f => f.Number == ModelGraph);
        if (graph.Length == 0) throw new InvalidDataException("no graph in the file");
        var initialisers = new Dictionary<string, OnnxTensor>();
        var nodes = new List<OnnxNode>();
        foreach (var field in model.Fields(graph.Start, graph.End))
        {
            if (field.Number == GraphInitialiser)
            {
                var tensor = ReadTensor(model, field);
                initialisers[tensor.Name] = tensor;
            }
            else if (field.Number == GraphNode) nodes.Add(ReadNode(model, field));
        }
        if (nodes.Count == 0) throw new InvalidDataException("the graph has no nodes");
        return new OnnxGraph(initialisers, nodes);
    }

    private static OnnxTensor ReadTensor(ProtoReader reader, ProtoField field)
    {
        var fields = reader.Fields(field.Start, field.End);
        var dims = fields.Where(f => f.Number == TensorDims).SelectMany(reader.Integers).ToArray();
        var type = fields.Where(f => f.Number == TensorDataType).Select(f => f.Value).FirstOrDefault();
        var name = reader.Text(fields.First(f => f.Number == TensorName));
        if (type != FloatType) throw new InvalidDataException($"initialiser {name} is of ONNX data type {type}; only 32-bit floats are read");
        var data = fields.FirstOrDefault(f => f.Number == TensorRawData);
        if (data.Length == 0) data = fields.FirstOrDefault(f => f.Number == TensorFloatData);
        var values = new float[data.Length / sizeof(float)];
        Buffer.BlockCopy(reader.Bytes, data.Start, values, 0, values.Length * sizeof(float));
        if (values.Length != dims.Aggregate(1L, (a, b) => a * b)) throw new InvalidDataException($"initialiser {name} holds {values.Length} values for shape [{string.Join(", ", dims)}]");
        return new OnnxTensor(name, dims, values);
    }

    private static OnnxNode ReadNode(ProtoReader reader, ProtoField field)
    {
        var fields = reader.Fields(field.Start, field.End);
        var attributes = new Dictionary<string, long[]>();
        foreach (var attribute in fields.Where(f => f.Number == NodeAttribute))
        {
            var parts = reader.Fields(attribute.Start, attribute.End);
            var values = parts.Where(f => f.Number is AttributeInts or AttributeInt).SelectMany(reader.Integers).ToArray();
            attributes[reader.Text(parts.First(f => f.Number == AttributeName))] = values;
        }
        return new OnnxNode(
            reader.Text(fields.First(f => f.Number == NodeOpType)),
            fields.Where(f => f.Number == NodeInput).Select(reader.Text).ToArray(),
            fields.Where(f => f.Number == NodeOutput).Select(reader.Text).ToArray(),
            attributes);
    }

    // Field numbers of onnx.proto.
    private const int ModelGraph = 7;
    private const int GraphNode = 1;
    private const int GraphInitialiser = 5;
    private const int NodeInput = 1;
    private const int NodeOutput = 2;
    private const int NodeOpType = 4;
    private const int NodeAttribute = 5;
    private const int AttributeName = 1;
    private const int AttributeInt = 3;
    private const int AttributeInts = 8;
    private const int TensorDims = 1;
    private const int TensorDataType = 2;
    private const int TensorFloatData = 4;
    private const int TensorName = 8;
    private const int TensorRawData = 9;
    private const ulong FloatType = 1;

    private readonly record struct ProtoField(int Number, int Wire, int Start, int Length, ulong Value)
    {
        public int End => Start + Length;
    }

    private sealed class ProtoReader(byte[] bytes)
    {
        public byte[] Bytes => bytes;

        public List<ProtoField> Fields(int start, int end)
        {
            var fields = new List<ProtoField>();
            var p = start;
            while (p < end)
            {
                var key = Varint(ref p);
                int number = (int)(key >> 3), wire = (int)(key & 7);
                switch (wire)
                {
                    case 0: fields.Add(new ProtoField(number, wire, p, 0, Varint(ref p))); break;
                    case 1: fields.Add(new ProtoField(number, wire, p, 8, 0)); p += 8; break;
                    case 2:
                        var length = checked((int)Varint(ref p));
                        if (length < 0 || p + length > end) throw new InvalidDataException("a field runs past its message");
                        fields.Add(new ProtoField(number, wire, p, length, 0));
                        p += length;
                        break;
                    case 5: fields.Add(new ProtoField(number, wire, p, 4, 0)); p += 4; break;
                    default: throw new InvalidDataException($"unknown protocol-buffer wire type {wire}");
                }
            }
            if (p != end) throw new InvalidDataException("a message ends mid-field");
            return fields;
        }

        /// <summary>A varint field's value, or every value of a packed repeated field.</summary>
        public IEnumerable<long> Integers(ProtoField field)
        {
            if (field.Wire == 0) return [(long)field.Value];
            var values = new List<long>();
            var p = field.Start;
            while (p < field.End) values.Add((long)Varint(ref p));
            return values;
        }

        public string Text(ProtoField field) => Encoding.UTF8.GetString(bytes, field.Start, field.Length);

        private ulong Varint(ref int p)
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = bytes[p++];
                result |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return result;
            }
            throw new InvalidDataException("a varint is longer than 10 bytes");
        }
    }
}
