namespace Lamina.Build.Dockerfile;

/// <summary>A parsed Dockerfile: parser directives and the instructions in order (ARGs before the first FROM included).</summary>
public sealed record ParsedDockerfile(char EscapeCharacter, IReadOnlyList<Instruction> Instructions, IReadOnlyList<string> Warnings);
