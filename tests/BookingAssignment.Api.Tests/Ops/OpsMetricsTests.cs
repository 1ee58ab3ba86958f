using System.Net;
using System.Text.Json;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.Ops;

/// <summary>GET /ops/metrics (the dashboard's time series) and the dashboard page itself.</summary>
public sealed class OpsMetricsTests
{
    [Fact]
    public async Task TheSeriesBucketTheWindowAndCarryTheNumbers()
    {
        await using var api = await ApiHost.StartAsync();
        var s = await RolloutScenario.CreateAsync(api.Db);
        await s.HealthyDayAsync(20, shadow: false, manualReview: 5); // 30 minutes ago
        await s.BreakerSpellAsync("coordinator", TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(18));

        var response = await api.Bookings.GetAsync("/ops/metrics?window=1h&bucket=10m", api.Ops);
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        Assert.Equal(6, response.Json.GetProperty("buckets").GetArrayLength());
        var series = response.Json.GetProperty("series");
        double?[] Values(string name) => series.GetProperty(name).EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble()).ToArray();
        Assert.Equal(20, Values("bookingsV3").Sum());
        Assert.Equal(0, Values("bookingsLegacy").Sum());
        Assert.Equal([75.0], Values("confirmationRate").Where(v => v is not null).Select(v => v!.Value).ToArray());
        Assert.Equal([25.0], Values("manualReviewShare").Where(v => v is not null).Select(v => v!.Value).ToArray());
        Assert.Equal([100.0], Values("shadowAgreement").Where(v => v is not null).Select(v => v!.Value).ToArray());
        Assert.Equal([40.0], Values("latencyP95").Where(v => v is not null).Select(v => v!.Value).ToArray());
        Assert.Equal([5.0], Values("lockWaitP95").Where(v => v is not null).Select(v => v!.Value).ToArray());
        Assert.Equal(["open", "half_open", "closed"], response.Json.GetProperty("breakerChanges").EnumerateArray().Select(c => c.GetProperty("status").GetString()!).ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, (await api.Bookings.GetAsync("/ops/metrics?window=1d&bucket=1m", api.Ops)).Status); // 1440 buckets
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Bookings.GetAsync("/ops/metrics")).Status);
    }

    [Fact]
    public async Task TheDashboardPageIsServedWithoutAKeyAndItsDataIsNot()
    {
        await using var api = await ApiHost.StartAsync();
        var anonymous = api.CreateClient(null);
        var page = await api.Bookings.GetAsync("/ops/dashboard/", anonymous);
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString()); // built by the Api project's build (web/)
        Assert.Contains("Ops API key", page.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await api.Bookings.GetAsync("/ops/dashboard/app.js", anonymous)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Bookings.GetAsync("/ops/dashboard/missing.js", anonymous)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Bookings.GetAsync("/ops/metrics", anonymous)).Status);
    }
}
