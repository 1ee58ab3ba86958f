namespace BookingAssignment.Api.Configuration;

internal sealed class DatabaseOptions
{
    public const string Section = "Database";
    public bool MigrateOnStartup { get; set; } = true;
}
