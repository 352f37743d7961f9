namespace STADNet.Tests.Deployment;

/// <summary>One Compose <c>ports</c> entry: host interface (null: all), host port (null: random) and container port.</summary>
public sealed record PublishedPort(string? HostIp, int? Published, int Target);
