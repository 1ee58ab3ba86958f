namespace BookingAssignment.Api.Tests.Infrastructure;

/// <summary>
/// Polls for something that happens in the background (dry runs, the durable worker) instead of
/// sleeping a fixed time: returns as soon as the condition holds, fails with the last value seen
/// when it still does not hold after the (generous) timeout.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited {(timeout ?? DefaultTimeout).TotalSeconds:F0} s for {what}; last value: {Describe(value)}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until <paramref name="sql"/> (a count) returns <paramref name="expected"/>.</summary>
    public static Task<int> CountAsync(TestDatabase db, string sql, int expected, string what, TimeSpan? timeout = null, params object[] parameters) =>
        UntilAsync(() => db.CountAsync(sql, parameters), n => n == expected, $"{what} (expected {expected})", timeout);

    private static string Describe(object? value) => value switch
    {
        null => "null",
        System.Collections.IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object?>().Select(Describe)) + "]",
        _ => value.ToString() ?? "",
    };
}
