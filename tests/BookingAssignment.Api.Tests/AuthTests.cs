using System.Net;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests;

public sealed class AuthTests
{
    [Fact]
    public async Task MissingOrUnknownKeysAreUnauthorizedAndClientKeysAreForbiddenOnOps()
    {
        await using var api = await ApiHost.StartAsync();
        using var anonymous = api.CreateClient(null);
        using var stranger = api.CreateClient("not-a-known-key-123");

        var body = Bodies.Booking(Guid.NewGuid(), 2, DateTimeOffset.UtcNow.AddDays(3)).ToJsonString();
        Assert.Equal(HttpStatusCode.Unauthorized, (await BookingApiClient.PostAsync(anonymous, "/bookings", body)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await BookingApiClient.PostAsync(stranger, "/bookings", body)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Bookings.GetAsync("/ops/pipeline", anonymous)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Bookings.GetAsync("/ops/pipeline", stranger)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Bookings.GetAsync("/ops/pipeline", api.Client)).Status);
        // A client key may not create restaurants either (ops only).
        Assert.Equal(HttpStatusCode.Forbidden, (await BookingApiClient.PostAsync(api.Client, "/restaurants", "{}")).Status);
        // The client key itself is valid: booking endpoints accept it (404: the booking does not exist).
        Assert.Equal(HttpStatusCode.NotFound, (await api.Bookings.GetAsync($"/bookings/{Guid.NewGuid()}")).Status);
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM bookings"));
    }

    [Fact]
    public async Task OpsKeySeesTheEffectiveValuesOfTheFourPipelineVariables()
    {
        // Non-default values, so the answer proves the settings reached Program's builder.
        await using var api = await ApiHost.StartAsync(new()
        {
            ["FEATURE_ASSIGNMENT_PIPELINE_V3"] = "false",
            ["FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW"] = "true",
            ["FEATURE_ASSIGNMENT_PIPELINE_V3_MAX_PARALLEL"] = "7",
            ["FEATURE_ASSIGNMENT_PIPELINE_V3_PERCENT"] = "25",
        });

        var response = await api.Bookings.GetAsync("/ops/pipeline", api.Ops);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var flags = response.Json.GetProperty("flags");
        Assert.False(flags.GetProperty("FEATURE_ASSIGNMENT_PIPELINE_V3").GetBoolean());
        Assert.True(flags.GetProperty("FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW").GetBoolean());
        Assert.Equal(7, flags.GetProperty("FEATURE_ASSIGNMENT_PIPELINE_V3_MAX_PARALLEL").GetInt32());
        Assert.Equal(25, flags.GetProperty("FEATURE_ASSIGNMENT_PIPELINE_V3_PERCENT").GetInt32());
    }

    [Fact]
    public async Task OpsPipelineShowsTheDefaultsWhenNoVariableIsSet()
    {
        await using var api = await ApiHost.StartAsync(new()
        {
            ["FEATURE_ASSIGNMENT_PIPELINE_V3"] = null,
            ["FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW"] = null,
            ["FEATURE_ASSIGNMENT_PIPELINE_V3_MAX_PARALLEL"] = null,
            ["FEATURE_ASSIGNMENT_PIPELINE_V3_PERCENT"] = null,
        });
        if (Environment.GetEnvironmentVariables().Keys.Cast<string>().Any(k => k.StartsWith("FEATURE_ASSIGNMENT_PIPELINE_V3", StringComparison.Ordinal)))
            throw new InvalidOperationException("This test needs a test environment without FEATURE_ASSIGNMENT_PIPELINE_V3* variables.");

        var flags = (await api.Bookings.GetAsync("/ops/pipeline", api.Ops)).Json.GetProperty("flags");

        Assert.False(flags.GetProperty("FEATURE_ASSIGNMENT_PIPELINE_V3").GetBoolean());
        Assert.False(flags.GetProperty("FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW").GetBoolean());
        Assert.Equal(3, flags.GetProperty("FEATURE_ASSIGNMENT_PIPELINE_V3_MAX_PARALLEL").GetInt32());
        Assert.Equal(100, flags.GetProperty("FEATURE_ASSIGNMENT_PIPELINE_V3_PERCENT").GetInt32());
    }
}
