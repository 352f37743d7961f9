using System.CommandLine;
using System.Diagnostics;
using STADNet.Client.Hosting;
using STADNet.Client.Terminal;
using STADNet.Grains;
using STADNet.Media;
using STADNet.Model;

namespace STADNet.Client.Commands;

/// <summary>
/// <c>stadnet bench &lt;source&gt;</c>: on the same footage, in one run, FFmpeg decode-only
/// frames/s, model-only frames/s and end-to-end scan frames/s through the grains.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "A video file or folder to measure on." };
        var model = new Option<string?>("--model") { Description = "Checkpoint (default: the shipped model)." };
        var slots = new Option<int>("--slots") { Description = "Model slots.", DefaultValueFactory = _ => 1 };
        var passes = new Option<int>("--passes") { Description = "End-to-end scans of the footage in one silo (memory is printed after each).", DefaultValueFactory = _ => 3 };
        var command = new Command("bench", "Measure decode, model and end-to-end throughput and memory.") { source, model, slots, passes };
        command.SetAction((result, cancellationToken) => CommandErrors.Guard(() =>
            RunAsync(result.GetValue(source)!, result.GetValue(model), result.GetValue(slots), result.GetValue(passes), cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(string source, string? model, int slots, int passes, CancellationToken cancellationToken)
    {
        var output = Path.Combine(Path.GetTempPath(), $"stadnet-bench-{Guid.NewGuid():N}");
        var spec = ScanCommand.Validate(source, output, model);
        var checkpoint = Checkpoint.Load(spec.CheckpointPath);
        var settings = checkpoint.Header.Settings;
        var format = new FrameFormat(settings.DecodeWidth, settings.DecodeHeight, settings.Colour);
        // A model with object novelty also needs every shard at the object size, as the workers decode it.
        var objects = checkpoint.Header.Calibration.UsesObjects;
        var shardFrames = new ScanOptions().ShardFrames;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; model {checkpoint.Id} at {settings.Width}x{settings.Height}, {slots} slot(s)");
        var rssStart = CurrentRssMiB();

        // 1. Decode only: every video, shard by shard as workers do, to the model's input format.
        var shards = new List<DecodedFrames>();
        var objectShards = new List<DecodedFrames?>();
        var contexts = new List<int>();
        var clock = Stopwatch.StartNew();
        foreach (var path in VideoArchive.List(spec.Source))
        {
            VideoInfo info;
            try { info = await VideoProbe.ProbeAsync(path, cancellationToken); }
            catch (VideoInputException) { continue; }
            for (var first = 0; first < info.FrameCount; first += shardFrames)
            {
                var context = ObjectNovelty.ShardContext(first, objects); // as the video scan plans shards
                contexts.Add(context);
                var count = Math.Min(shardFrames, info.FrameCount - first);
                shards.Add(await ShardDecoder.DecodeAsync(path, info.Fps, info.StartOffsetSeconds, first - context, count + context,
                    first + count >= info.FrameCount, format, cancellationToken));
                objectShards.Add(objects
                    ? await ShardDecoder.DecodeLargerAsync(path, info.Fps, info.StartOffsetSeconds, shards[^1], first + count >= info.FrameCount,
                        ObjectNovelty.FrameScale, cancellationToken)
                    : null);
            }
        }
        var decodeSeconds = clock.Elapsed.TotalSeconds;
        var frames = shards.Sum(s => s.Count) - contexts.Sum();
        if (frames == 0) throw new UsageException($"no readable video in {source}");

        // 2. Model only: the same shards through the silo's scoring engine, after one warm-up pass.
        double modelSeconds;
        using (var engine = new ScoringEngine(slots))
        {
            await engine.ScoreAsync(spec.CheckpointPath, shards[0].Pixels, shards[0].Count, 0, cancellationToken, objectShards[0]?.Pixels);
            clock.Restart();
            await Task.WhenAll(shards.Select((s, i) => engine.ScoreAsync(spec.CheckpointPath, s.Pixels, s.Count, contexts[i], cancellationToken,
                objectShards[i]?.Pixels, s.FirstFrame)));
            modelSeconds = clock.Elapsed.TotalSeconds;
        }
        shards.Clear();
        objectShards.Clear();
        var rssBeforeScan = CurrentRssMiB();

        // 3. End to end: an embedded silo scans the footage through the grains, several times over:
        //    resident memory after each pass shows whether a long scan grows.
        clock.Restart();
        await using (var cluster = await EmbeddedCluster.StartAsync(slots, null, cancellationToken))
        {
            var startup = clock.Elapsed.TotalSeconds;
            var quiet = new ProgressReporter(TextWriter.Null, interactive: false);
            var scanSeconds = double.PositiveInfinity;
            long scored = 0;
            var rssAfter = new List<double>();
            for (var pass = 1; pass <= Math.Max(1, passes); pass++)
            {
                var passSpec = ScanCommand.Validate(source, Path.Combine(output, $"pass{pass}"), model);
                clock.Restart();
                var progress = await ScanCommand.RunJobAsync(cluster.Client, passSpec, quiet, cancellationToken, TextWriter.Null);
                scanSeconds = Math.Min(scanSeconds, clock.Elapsed.TotalSeconds);
                scored = progress.FramesScored;
                rssAfter.Add(CurrentRssMiB());
            }

            var decodeFps = frames / decodeSeconds;
            var modelFps = frames / modelSeconds;
            var scanFps = scored / scanSeconds;
            var slower = Math.Min(decodeFps, modelFps);
            Console.WriteLine($"frames                 {frames}");
            Console.WriteLine($"decode only            {decodeFps,10:F1} frames/s  ({decodeSeconds:F2} s)");
            Console.WriteLine($"model only             {modelFps,10:F1} frames/s  ({modelSeconds:F2} s)");
            Console.WriteLine($"end-to-end scan        {scanFps,10:F1} frames/s  ({scanSeconds:F2} s, best of {rssAfter.Count}; silo start-up {startup:F2} s more)");
            Console.WriteLine($"end-to-end / slower    {scanFps / slower,10:P0}   (target: at least 70%)");
            Console.WriteLine($"resident memory        start {rssStart:F0} MiB, before scanning {rssBeforeScan:F0} MiB, after each scan pass "
                + string.Join(", ", rssAfter.Select(r => $"{r:F0}")) + " MiB");
        }
        Directory.Delete(output, recursive: true);
        return 0;
    }

    private static double CurrentRssMiB()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }
}
