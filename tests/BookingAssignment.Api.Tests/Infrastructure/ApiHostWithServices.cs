using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace BookingAssignment.Api.Tests.Infrastructure;

/// <summary>
/// Like <see cref="ApiHost"/> (same default settings, same fresh-database handling), but with a hook
/// that runs after the app registered its services, so a test can replace one of them, e.g. the
/// keyed <c>IAssignmentPlanner</c> "v3":
/// <code>
/// await using var api = await ApiHostWithServices.StartAsync(settings,
///     services => services.AddKeyedSingleton&lt;IAssignmentPlanner&gt;("v3", new ThrowingPlanner()));
/// </code>
/// The last registration of a (keyed) service wins, so adding is enough to override.
/// </summary>
public sealed class ApiHostWithServices : IAsyncDisposable
{
    private readonly Factory _factory;
    private readonly bool _ownsDatabase;

    private ApiHostWithServices(Factory factory, TestDatabase db, bool ownsDatabase)
    {
        _factory = factory;
        Db = db;
        _ownsDatabase = ownsDatabase;
        Client = CreateClient(ApiHost.ClientKey);
        Ops = CreateClient(ApiHost.OpsKey);
        Bookings = new BookingApiClient(Client, Ops);
    }

    public TestDatabase Db { get; }
    public HttpClient Client { get; }
    public HttpClient Ops { get; }
    public BookingApiClient Bookings { get; }
    public IServiceProvider Services => _factory.Services;

    public HttpClient CreateClient(string? apiKey)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <param name="settings">Overrides of <see cref="ApiHost.DefaultSettings"/> (null value: remove the default).</param>
    /// <param name="configureServices">Runs after the app's own registrations (ConfigureTestServices).</param>
    /// <param name="database">Use this database (the caller owns it); null: a fresh one, dropped on dispose.</param>
    public static async Task<ApiHostWithServices> StartAsync(Dictionary<string, string?>? settings,
        Action<IServiceCollection>? configureServices, TestDatabase? database = null)
    {
        var servers = await TestServers.GetAsync();
        var db = database ?? await TestDatabase.CreateAsync();
        var effective = ApiHost.DefaultSettings(servers, db);
        foreach (var (key, value) in settings ?? []) effective[key] = value;
        var factory = new Factory(effective, configureServices);
        try
        {
            await Task.Run(() => factory.Server);
        }
        catch
        {
            await factory.DisposeAsync();
            if (database is null) await db.DisposeAsync();
            throw;
        }
        return new ApiHostWithServices(factory, db, ownsDatabase: database is null);
    }

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
