using System.Globalization;

namespace BookingAssignment.Api.Configuration;

/// <summary>
/// The four rollout variables of the seed, read exactly by these names (plain environment
/// variables or top-level keys in appsettings.json). Parsed once at start: flags change only
/// with a restart, as the rollback procedure says.
/// </summary>
internal sealed record PipelineFlags(bool V3Enabled, bool Shadow, int MaxParallel, int Percent)
{
    public const string V3Variable = "FEATURE_ASSIGNMENT_PIPELINE_V3";
    public const string ShadowVariable = "FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW";
    public const string MaxParallelVariable = "FEATURE_ASSIGNMENT_PIPELINE_V3_MAX_PARALLEL";
    public const string PercentVariable = "FEATURE_ASSIGNMENT_PIPELINE_V3_PERCENT";

    /// <summary>Microsoft.FeatureManagement feature names the variables map onto.</summary>
    public const string V3Feature = "AssignmentPipelineV3";
    public const string ShadowFeature = "AssignmentPipelineV3Shadow";

    /// <summary>Human name of the decision-matrix row these flags select.</summary>
    public string Mode => (V3Enabled, Shadow) switch
    {
        (false, false) => "legacy (rollback: nothing of V3 runs)",
        (false, true) => "legacy live, V3 dry run (shadow)",
        (true, false) => $"V3 live for {Percent}% of restaurants, legacy for the rest",
        (true, true) => $"V3 live for {Percent}% of restaurants, the other pipeline as dry run",
    };

    /// <exception cref="StartupConfigurationException">A value is present but not allowed.</exception>
    public static PipelineFlags Parse(IConfiguration configuration) => new(
        ParseBool(configuration, V3Variable, false),
        ParseBool(configuration, ShadowVariable, false),
        ParseInt(configuration, MaxParallelVariable, 3, 1, 50),
        ParseInt(configuration, PercentVariable, 100, 0, 100));

    private static bool ParseBool(IConfiguration configuration, string name, bool fallback)
    {
        var raw = configuration[name];
        if (raw is null) return fallback;
        return raw.Trim().ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw new StartupConfigurationException($"{name}='{raw}' is not allowed: use true or false."),
        };
    }

    private static int ParseInt(IConfiguration configuration, string name, int fallback, int min, int max)
    {
        var raw = configuration[name];
        if (raw is null) return fallback;
        if (int.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        throw new StartupConfigurationException($"{name}='{raw}' is not allowed: use a whole number from {min} to {max}.");
    }

    /// <summary>Feature definitions for Microsoft.FeatureManagement, added as configuration.</summary>
    public IEnumerable<KeyValuePair<string, string?>> ToFeatureManagementConfiguration()
    {
        if (V3Enabled)
        {
            yield return new($"FeatureManagement:{V3Feature}:EnabledFor:0:Name", Assignment.RestaurantRolloutFilter.Alias);
            yield return new($"FeatureManagement:{V3Feature}:EnabledFor:0:Parameters:Percent", Percent.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            yield return new($"FeatureManagement:{V3Feature}", "false");
        }
        yield return new($"FeatureManagement:{ShadowFeature}", Shadow ? "true" : "false");
    }
}

/// <summary>A setting that makes starting pointless; Program prints its one-line message and exits.</summary>
internal sealed class StartupConfigurationException(string message) : Exception(message);
