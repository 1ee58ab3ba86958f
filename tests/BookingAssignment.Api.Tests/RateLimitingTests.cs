using System.Net;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests;

public sealed class RateLimitingTests
{
    [Fact]
    public async Task AKeyOverItsBucketGets429WithRetryAfterWhileAnotherKeyIsUnaffected()
    {
        await using var api = await ApiHost.StartAsync(new()
        {
            ["RateLimiting:TokenLimit"] = "2",
            ["RateLimiting:TokensPerSecond"] = "1",
        });
        var path = $"/bookings/{Guid.NewGuid()}";

        // Two tokens, one more per second: a handful of back-to-back requests must hit the limit
        // (a refill between two of them can only delay it by one request).
        var answers = new List<ApiResponse>();
        for (var i = 0; i < 6 && answers.All(a => a.Status != HttpStatusCode.TooManyRequests); i++)
            answers.Add(await api.Bookings.GetAsync(path));

        var limited = answers.Last();
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.All(answers.SkipLast(1), a => Assert.Equal(HttpStatusCode.NotFound, a.Status));
        Assert.True(answers.Count >= 3, "the first two requests fit the bucket");
        var retryAfter = Assert.Single(limited.Headers.GetValues("Retry-After"));
        Assert.True(int.TryParse(retryAfter, out var seconds) && seconds >= 1, $"Retry-After '{retryAfter}' is a positive number of seconds");
        Assert.Equal("application/problem+json", limited.ContentHeaders?.ContentType?.MediaType);
        Assert.Equal(429, limited.Json.GetProperty("status").GetInt32());

        using var other = api.CreateClient(ApiHost.SecondClientKey);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Bookings.GetAsync(path, other)).Status);
    }
}
