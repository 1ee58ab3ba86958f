using BookingAssignment.Api.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace BookingAssignment.Api.Tests.Persistence;

/// <summary>
/// The API runs on an EF Core model compiled ahead of time (Persistence/CompiledModel, for a faster
/// start). It must describe exactly what the entities and BookingDb's mapping say, or EF would read
/// and write columns that are not there: this compares the two, table by table and column by column.
/// Failing? Run scripts/ef-compiled-model.sh.
/// </summary>
public sealed class CompiledModelTests
{
    [Fact]
    public void TheCompiledModelMatchesTheModelBuiltFromTheEntities()
    {
        var options = new DbContextOptionsBuilder<BookingDb>()
            .UseNpgsql("Host=127.0.0.1;Database=unused")
            .UseSnakeCaseNamingConvention()
            .Options;
        using var db = new BookingDb(options);
        var built = db.GetService<IDesignTimeModel>().Model;

        var compiled = Describe(Api.Persistence.CompiledModel.BookingDbModel.Instance);
        var expected = Describe(built);
        Assert.Equal(expected, compiled);
    }

    /// <summary>Every entity's table, columns (name, store type, nullability, CLR type), keys, foreign keys and indexes, one line each.</summary>
    private static string[] Describe(IModel model)
    {
        var lines = new List<string>();
        foreach (var e in model.GetEntityTypes().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var table = StoreObjectIdentifier.Create(e, StoreObjectType.Table);
            var of = new List<string> { $"-> {e.GetTableName()}" };
            foreach (var p in e.GetProperties())
                of.Add($"{p.Name}: {(table is { } t ? p.GetColumnName(t) : p.GetColumnName())} {p.GetColumnType()} {(p.IsNullable ? "null" : "not null")} {p.ClrType.Name} {p.ValueGenerated}");
            foreach (var k in e.GetKeys())
                of.Add($"key {(k.IsPrimaryKey() ? "primary " : "")}({string.Join(", ", k.Properties.Select(p => p.Name))})");
            foreach (var f in e.GetForeignKeys())
                of.Add($"fk ({string.Join(", ", f.Properties.Select(p => p.Name))}) -> {f.PrincipalEntityType.Name}");
            foreach (var i in e.GetIndexes())
                of.Add($"index ({string.Join(", ", i.Properties.Select(p => p.Name))}){(i.IsUnique ? " unique" : "")}");
            lines.AddRange(of.Order(StringComparer.Ordinal).Select(line => $"{e.Name} {line}"));
        }
        return lines.ToArray();
    }
}
