namespace BookingAssignment.Api.Configuration;

// One options record per concern, bound from configuration and validated at start.

internal sealed class AuthOptions
{
    public const string Section = "Auth";
    public string[] ClientApiKeys { get; set; } = [];
    public string[] OpsApiKeys { get; set; } = [];
}
