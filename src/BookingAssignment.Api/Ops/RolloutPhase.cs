using BookingAssignment.Api.Configuration;

namespace BookingAssignment.Api.Ops;

/// <summary>The rollout plan's phases (seed timeline).</summary>
/// <remarks>Public: test theories take it as a parameter.</remarks>
public enum RolloutPhase { Local, StagingShadow, StagingFull, ProductionShadow, Production10, Production50, Production100 }

internal static class RolloutPhases
{
    private static readonly (RolloutPhase Phase, string Name)[] All =
    [
        (RolloutPhase.Local, "local"), (RolloutPhase.StagingShadow, "staging-shadow"), (RolloutPhase.StagingFull, "staging-full"),
        (RolloutPhase.ProductionShadow, "production-shadow"), (RolloutPhase.Production10, "production-10"),
        (RolloutPhase.Production50, "production-50"), (RolloutPhase.Production100, "production-100"),
    ];

    public static IEnumerable<string> Names => All.Select(p => p.Name);

    public static string Name(RolloutPhase phase) => All.First(p => p.Phase == phase).Name;

    public static bool TryParse(string? text, out RolloutPhase phase)
    {
        foreach (var (p, name) in All)
            if (string.Equals(name, text?.Trim(), StringComparison.OrdinalIgnoreCase)) { phase = p; return true; }
        phase = default;
        return false;
    }

    /// <summary>V3 runs only as a dry run (legacy assigns).</summary>
    public static bool IsShadow(RolloutPhase phase) => phase is RolloutPhase.StagingShadow or RolloutPhase.ProductionShadow;

    /// <summary>The phase the running flags most likely belong to, when none is given.</summary>
    public static RolloutPhase Infer(PipelineFlags flags) => flags switch
    {
        { V3Enabled: false, Shadow: true } => RolloutPhase.ProductionShadow,
        { V3Enabled: false } => RolloutPhase.Local,
        { Percent: <= 10 } => RolloutPhase.Production10,
        { Percent: <= 50 } => RolloutPhase.Production50,
        _ => RolloutPhase.Production100,
    };
}
