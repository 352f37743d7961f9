namespace STADNet.Tests.Deployment;

/// <summary>One Dockerfile instruction (continuation lines joined), with the build stage it belongs to.</summary>
public sealed record DockerfileInstruction(int Stage, string Keyword, string Arguments);
