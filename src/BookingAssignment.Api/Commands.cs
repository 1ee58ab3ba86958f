
namespace BookingAssignment.Api;

/// <summary>
/// One-shot commands: <c>dotnet BookingAssignment.Api.dll migrate</c> applies migrations and
/// exits; <c>seed-demo</c> creates the demo restaurant once and prints its id.
/// </summary>
internal static class Commands
{
    public static readonly string[] Names = ["migrate", "seed-demo", "rollout-report"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Names.Contains(args[0]);

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        switch (args[0])
        {
            case "migrate":
                var pending = (await db.Database.GetPendingMigrationsAsync()).ToArray();
                await db.Database.MigrateAsync();
                Console.WriteLine(pending.Length == 0 ? "Database is up to date." : $"Applied: {string.Join(", ", pending)}");
                return 0;
            case "seed-demo":
                await db.Database.MigrateAsync();
                var existing = await db.Restaurants.Where(r => r.Name == DemoRestaurant.Name).OrderBy(r => r.CreatedAt).Select(r => (Guid?)r.Id).FirstOrDefaultAsync();
                if (existing is null)
                {
                    var restaurant = RestaurantsApi.ToEntity(DemoRestaurant.Request());
                    db.Restaurants.Add(restaurant);
                    await db.SaveChangesAsync();
                    existing = restaurant.Id;
                }
                Console.WriteLine($"DEMO_RESTAURANT_ID={existing}");
                return 0;
            case "rollout-report": return await Ops.RolloutReportApi.RunCommandAsync(scope.ServiceProvider, args);
            default:
                await Console.Error.WriteLineAsync($"Unknown command '{args[0]}'. Commands: {string.Join(", ", Names)}.");
                return 2;
        }
    }
}
