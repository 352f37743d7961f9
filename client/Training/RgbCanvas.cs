using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace STADNet.Client.Training;

/// <summary>
/// An 8-bit RGB raster with the few primitives a line plot needs, saved as PNG.
/// No anti-aliasing: every pixel has exactly the colour it was drawn with, which keeps the encoder trivial and
/// lets tests find a series by its colour.
/// </summary>
internal sealed class RgbCanvas
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = BuildCrcTable();

    private readonly byte[] _pixels;

    public RgbCanvas(int width, int height, int background)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        _pixels = new byte[width * height * 3];
        FillRect(0, 0, width, height, background);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Fills a rectangle with an 0xRRGGBB colour; parts outside the canvas are dropped.</summary>
    public void FillRect(int x, int y, int width, int height, int rgb)
    {
        int x0 = Math.Max(x, 0), y0 = Math.Max(y, 0);
        int x1 = Math.Min(x + width, Width), y1 = Math.Min(y + height, Height);
        byte r = (byte)(rgb >> 16), g = (byte)(rgb >> 8), b = (byte)rgb;
        for (var row = y0; row < y1; row++)
        {
            for (var col = x0; col < x1; col++)
            {
                var i = (row * Width + col) * 3;
                _pixels[i] = r;
                _pixels[i + 1] = g;
                _pixels[i + 2] = b;
            }
        }
    }

    /// <summary>Outline of a rectangle, one pixel wide.</summary>
    public void StrokeRect(int x, int y, int width, int height, int rgb)
    {
        FillRect(x, y, width, 1, rgb);
        FillRect(x, y + height - 1, width, 1, rgb);
        FillRect(x, y, 1, height, rgb);
        FillRect(x + width - 1, y, 1, height, rgb);
    }

    /// <summary>A segment drawn by stamping a square brush at every pixel step: no gaps at any slope.</summary>
    public void Line(double x0, double y0, double x1, double y1, int rgb, int thickness)
    {
        var steps = Math.Max(1, (int)Math.Ceiling(Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0))));
        var half = thickness / 2;
        for (var i = 0; i <= steps; i++)
        {
            var t = (double)i / steps;
            var x = (int)Math.Round(x0 + (x1 - x0) * t);
            var y = (int)Math.Round(y0 + (y1 - y0) * t);
            FillRect(x - half, y - half, thickness, thickness, rgb);
        }
    }

    /// <summary>Text left to right; (<paramref name="x"/>, <paramref name="y"/>) is the top-left of the first glyph.</summary>
    public void Text(int x, int y, string text, int scale, int rgb)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var rows = PixelFont.Glyph(text[i]);
            var left = x + i * PixelFont.Advance * scale;
            for (var r = 0; r < rows.Length; r++)
                for (var c = 0; c < PixelFont.GlyphWidth; c++)
                    if (rows[r][c] == '#') FillRect(left + c * scale, y + r * scale, scale, scale, rgb);
        }
    }

    /// <summary>
    /// Text rotated a quarter turn anticlockwise, read bottom to top as y-axis titles are;
    /// (<paramref name="x"/>, <paramref name="y"/>) is the bottom-left corner of the first glyph after rotation.
    /// </summary>
    public void TextUp(int x, int y, string text, int scale, int rgb)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var rows = PixelFont.Glyph(text[i]);
            var bottom = y - i * PixelFont.Advance * scale;
            for (var r = 0; r < rows.Length; r++)
                for (var c = 0; c < PixelFont.GlyphWidth; c++)
                    if (rows[r][c] == '#') FillRect(x + r * scale, bottom - (c + 1) * scale, scale, scale, rgb);
        }
    }

    /// <summary>Writes a truecolour, non-interlaced PNG: IHDR, one zlib IDAT, IEND.</summary>
    public void SavePng(string path)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
        header[8] = 8; // bits per channel
        header[9] = 2; // colour type: RGB
        // Bytes 10-12 stay 0: deflate, adaptive filtering, no interlace.

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var stride = Width * 3;
            for (var row = 0; row < Height; row++)
            {
                zlib.WriteByte(0); // filter "None": the flat colours deflate well without prediction
                zlib.Write(_pixels, row * stride, stride);
            }
        }

        using var file = File.Create(path);
        file.Write(PngSignature);
        WriteChunk(file, "IHDR", header);
        WriteChunk(file, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(file, "IEND", []);
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);
        output.Write(typeBytes);
        output.Write(data);
        // The chunk CRC covers type and data, not the length.
        var crc = ~Crc(Crc(0xFFFFFFFFu, typeBytes), data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    // CRC-32 (ISO-HDLC, reflected 0xEDB88320) as PNG specifies; a few lines here rather than a package for it.
    private static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
