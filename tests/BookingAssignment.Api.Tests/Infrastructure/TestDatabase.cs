using Npgsql;

namespace BookingAssignment.Api.Tests.Infrastructure;

/// <summary>
/// A fresh, empty database <c>t_&lt;guid&gt;</c> on the shared test server, dropped on dispose.
/// The API migrates it when it starts (Database:MigrateOnStartup defaults to true). Use the SQL
/// helpers to check what was persisted.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;
    private readonly NpgsqlDataSource _dataSource;

    private TestDatabase(string adminConnectionString, string name)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public string Name { get; }

    /// <summary>Npgsql connection string to this database (superuser).</summary>
    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var servers = await TestServers.GetAsync();
        var name = $"t_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(servers.PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        return new TestDatabase(servers.PostgresAdmin, name);
    }

    public async Task<NpgsqlConnection> OpenAsync() => await _dataSource.OpenConnectionAsync();

    /// <summary>First column of the first row, converted to <typeparamref name="T"/>.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        var value = await command.ExecuteScalarAsync();
        if (value is T typed) return typed;
        return (T)Convert.ChangeType(value!, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary><c>SELECT count(*) …</c> as an int.</summary>
    public Task<int> CountAsync(string sql, params object[] parameters) => ScalarAsync<int>(sql, parameters);

    public async Task<int> ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Every row as column name → value (DBNull becomes null).</summary>
    public async Task<List<Dictionary<string, object?>>> RowsAsync(string sql, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Positional parameters: <c>$1</c>, <c>$2</c>, … in the SQL.</summary>
    private NpgsqlCommand Command(string sql, object[] parameters)
    {
        var command = _dataSource.CreateCommand(sql);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        // The app's pool in this process used the same connection string: close its idle connections.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        try
        {
            await using var admin = new NpgsqlConnection(_adminConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // Best effort: scripts/test.sh wipes the whole server anyway.
        }
    }
}
