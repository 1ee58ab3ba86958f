using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace BookingAssignment.Api.Tests.Infrastructure;

// Test infrastructure, shared by every API test class:
//   TestServers        the PostgreSQL/Redis of the run (TEST_POSTGRES/TEST_REDIS, else Testcontainers, else a loud failure)
//   TestDatabase       a fresh t_<guid> database per host, with SQL helpers (CountAsync, ScalarAsync, RowsAsync, ExecuteAsync)
//   ApiHost            the app in-process (WebApplicationFactory) with settings via UseSetting; Client/Ops clients, Db
//   BookingApiClient   POST /restaurants, /bookings, cancel, GET; Bodies builds request JSON; ApiResponse reads answers
//   TcpProxy           a relay to cut and restore the database (outage tests)
//   ApiProcess         the built API as a child process (migrate, bad settings)

/// <summary>
/// The API hosted in-process by <see cref="WebApplicationFactory{TEntryPoint}"/> against the
/// shared test servers and (by default) its own fresh database, which the app migrates on start.
/// <code>
/// await using var api = await ApiHost.StartAsync(new() { ["FEATURE_ASSIGNMENT_PIPELINE_V3"] = "true" });
/// var restaurant = await api.Bookings.CreateRestaurantAsync(Restaurants.Body(tables: [("A1", "main", 1, 2)]));
/// var booking = await api.Bookings.BookAsync(restaurant, 2, restaurant.At(new TimeOnly(19, 0)));
/// Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM bookings"));
/// </code>
/// Settings are passed with <c>IWebHostBuilder.UseSetting</c>, which reaches Program's
/// <c>builder.Configuration</c> before <c>AddAssignment</c> parses the flags (they arrive as
/// command-line arguments, so they also win over environment variables). Defaults: the four
/// FEATURE_ flags at their defaults (V3 off), <see cref="ClientKey"/>, <see cref="SecondClientKey"/>,
/// <see cref="OpsKey"/>, logs at Warning. Give a setting the value null to remove a default.
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    public const string ClientKey = "test-client-key-1";
    public const string SecondClientKey = "test-client-key-2";
    public const string OpsKey = "test-ops-key-0001";

    private readonly Factory _factory;
    private readonly bool _ownsDatabase;

    private ApiHost(Factory factory, TestDatabase db, bool ownsDatabase)
    {
        _factory = factory;
        Db = db;
        _ownsDatabase = ownsDatabase;
        Client = CreateClient(ClientKey);
        Ops = CreateClient(OpsKey);
        Bookings = new BookingApiClient(Client, Ops);
    }

    /// <summary>The database the app uses (unless a setting pointed it elsewhere, e.g. through a <see cref="TcpProxy"/>).</summary>
    public TestDatabase Db { get; }

    public string DbConnectionString => Db.ConnectionString;

    /// <summary>HTTP client sending <see cref="ClientKey"/>.</summary>
    public HttpClient Client { get; }

    /// <summary>HTTP client sending <see cref="OpsKey"/>.</summary>
    public HttpClient Ops { get; }

    /// <summary>Creates restaurants (ops key) and bookings (client key).</summary>
    public BookingApiClient Bookings { get; }

    /// <summary>The app's services (e.g. to read options or call a service directly).</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>A client with the given X-Api-Key header (null: no header).</summary>
    public HttpClient CreateClient(string? apiKey)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <summary>
    /// Starts the API. <paramref name="database"/>: use this database (the caller owns it);
    /// null: create a fresh one, dropped when the host is disposed. <paramref name="configureServices"/>
    /// runs after the app's own registrations (ConfigureTestServices), so a test can replace a
    /// service, e.g. <c>services =&gt; services.AddKeyedSingleton&lt;IAssignmentPlanner&gt;("v3", new ThrowingPlanner())</c>
    /// (the last registration of a keyed service wins).
    /// </summary>
    public static async Task<ApiHost> StartAsync(Dictionary<string, string?>? settings = null, TestDatabase? database = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var servers = await TestServers.GetAsync();
        var db = database ?? await TestDatabase.CreateAsync();
        var effective = DefaultSettings(servers, db);
        foreach (var (key, value) in settings ?? []) effective[key] = value;
        var factory = new Factory(effective, configureServices);
        try
        {
            // Build and start now (migrations run here), so a broken start fails the test at this line.
            await Task.Run(() => factory.Server);
        }
        catch
        {
            // WebApplicationFactory cannot stop a host that never started (it throws from StopAsync);
            // keep the start failure, which is what the test is about.
            try { await factory.DisposeAsync(); }
            catch (ArgumentNullException) { }
            if (database is null) await db.DisposeAsync();
            throw;
        }
        return new ApiHost(factory, db, ownsDatabase: database is null);
    }

    public static Dictionary<string, string?> DefaultSettings(TestServers servers, TestDatabase db) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["ConnectionStrings:Postgres"] = db.ConnectionString,
        ["ConnectionStrings:Redis"] = servers.Redis,
        ["Auth:ClientApiKeys:0"] = ClientKey,
        ["Auth:ClientApiKeys:1"] = SecondClientKey,
        ["Auth:OpsApiKeys:0"] = OpsKey,
        ["FEATURE_ASSIGNMENT_PIPELINE_V3"] = "false",
        ["FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW"] = "false",
        ["FEATURE_ASSIGNMENT_PIPELINE_V3_MAX_PARALLEL"] = "3",
        ["FEATURE_ASSIGNMENT_PIPELINE_V3_PERCENT"] = "100",
        ["Serilog:MinimumLevel:Default"] = "Warning",
        ["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Warning",
    };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Ops.Dispose();
        await _factory.DisposeAsync();
        if (_ownsDatabase) await Db.DisposeAsync();
    }

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices)
        : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
                if (value is not null) builder.UseSetting(key, value);
            if (configureServices is not null) builder.ConfigureTestServices(configureServices);
        }
    }
}
