using BookingAssignment.Api.Webhooks;

namespace BookingAssignment.Api.Persistence;

/// <summary>
/// EF Core view of the schema. The schema itself is owned by the SQL files in /migrations, so
/// this model only maps names and keys; generated and database-defaulted columns are marked so
/// EF never writes them.
/// </summary>
internal sealed class BookingDb(DbContextOptions<BookingDb> options) : DbContext(options)
{
    public DbSet<Restaurant> Restaurants => Set<Restaurant>();
    public DbSet<Zone> Zones => Set<Zone>();
    public DbSet<RestaurantTable> Tables => Set<RestaurantTable>();
    public DbSet<TableAdjacency> Adjacency => Set<TableAdjacency>();
    public DbSet<Booking> Bookings => Set<Booking>();
    public DbSet<BookingTableAssignment> Assignments => Set<BookingTableAssignment>();
    public DbSet<ObservabilityEvent> Events => Set<ObservabilityEvent>();
    public DbSet<StateHistoryEntry> StateHistory => Set<StateHistoryEntry>();
    public DbSet<AssignmentAttempt> Attempts => Set<AssignmentAttempt>();
    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();
    public DbSet<StaffKey> StaffKeys => Set<StaffKey>();
    public DbSet<TableBlock> Blocks => Set<TableBlock>();
    public DbSet<BookingHold> Holds => Set<BookingHold>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookOutboxEntry> WebhookOutbox => Set<WebhookOutboxEntry>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    /// <summary>Every save also writes the webhook outbox rows for the booking changes it carries (same transaction).</summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BookingOutbox.Stage(this);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BookingOutbox.Stage(this);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Restaurant>(e =>
        {
            e.ToTable("restaurants");
            e.Property(x => x.Services).HasColumnType("jsonb");
            e.Property(x => x.TurnMinutesByPartySize).HasColumnType("jsonb");
            e.Property(x => x.CreatedAt).ValueGeneratedOnAdd().HasDefaultValueSql("now()");
            e.HasMany(x => x.Zones).WithOne().HasForeignKey(x => x.RestaurantId);
            e.HasMany(x => x.Tables).WithOne().HasForeignKey(x => x.RestaurantId);
            e.HasMany(x => x.Adjacency).WithOne().HasForeignKey(x => x.RestaurantId);
        });
        b.Entity<Zone>().ToTable("zones");
        b.Entity<RestaurantTable>(e =>
        {
            e.ToTable("restaurant_tables");
            e.HasOne(x => x.Zone).WithMany().HasForeignKey(x => x.ZoneId);
        });
        b.Entity<TableAdjacency>(e =>
        {
            e.ToTable("table_adjacency");
            e.HasKey(x => new { x.TableA, x.TableB });
            // Declared so EF inserts tables before the pairs that reference them.
            e.HasOne<RestaurantTable>().WithMany().HasForeignKey(x => x.TableA);
            e.HasOne<RestaurantTable>().WithMany().HasForeignKey(x => x.TableB);
        });
        b.Entity<Booking>(e =>
        {
            e.ToTable("bookings");
            e.Property(x => x.AssignmentStateVersion).IsConcurrencyToken();
            // The contract's snake_case spelling (SPEC §4.1), one definition: StateNames.
            e.Property(x => x.AssignmentState).HasConversion(s => StateNames.Of(s), s => StateNames.Parse(s));
            // Maintained by a trigger (migration 0004): read back after every save, never written.
            e.Property(x => x.RowVersion).ValueGeneratedOnAddOrUpdate().HasDefaultValueSql("1")
                .Metadata.SetAfterSaveBehavior(Microsoft.EntityFrameworkCore.Metadata.PropertySaveBehavior.Ignore);
        });
        b.Entity<BookingTableAssignment>(e =>
        {
            e.ToTable("booking_table_assignments");
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.HasOne<Booking>().WithMany().HasForeignKey(x => x.BookingId);
            e.HasOne<RestaurantTable>().WithMany().HasForeignKey(x => x.TableId);
        });
        b.Entity<ObservabilityEvent>(e =>
        {
            e.ToTable("observability_events"); // partitioned by day (migrations/0007); the id comes from a sequence
            e.Property(x => x.Id).ValueGeneratedOnAdd();
            e.Property(x => x.Context).HasColumnType("jsonb");
        });
        b.Entity<StateHistoryEntry>(e =>
        {
            e.ToTable("booking_assignment_state_history");
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Metadata).HasColumnType("jsonb");
            e.HasOne<Booking>().WithMany().HasForeignKey(x => x.BookingId);
        });
        b.Entity<AssignmentAttempt>(e =>
        {
            e.ToTable("booking_assignment_attempts");
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.HasOne<Booking>().WithMany().HasForeignKey(x => x.BookingId);
        });
        b.Entity<TableBlock>(e =>
        {
            e.ToTable("table_blocks");
            e.Property(x => x.CreatedAt).ValueGeneratedOnAdd().HasDefaultValueSql("now()");
        });
        b.Entity<BookingHold>(e =>
        {
            e.ToTable("booking_holds");
            e.Property(x => x.CreatedAt).ValueGeneratedOnAdd().HasDefaultValueSql("now()");
        });
        b.Entity<WebhookSubscription>(e =>
        {
            e.ToTable("webhook_subscriptions");
            e.Property(x => x.CreatedAt).ValueGeneratedOnAdd().HasDefaultValueSql("now()");
        });
        b.Entity<WebhookOutboxEntry>(e =>
        {
            e.ToTable("webhook_outbox");
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Payload).HasColumnType("jsonb");
            e.Property(x => x.OccurredAt).ValueGeneratedOnAdd().HasDefaultValueSql("now()");
        });
        b.Entity<WebhookDelivery>(e =>
        {
            e.ToTable("webhook_deliveries");
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
        });
        b.Entity<IdempotencyRecord>(e =>
        {
            e.ToTable("idempotency_keys");
            e.HasKey(x => new { x.ClientKeyHash, x.Key });
        });
        b.Entity<StaffKey>(e =>
        {
            e.ToTable("staff_keys");
            e.HasOne<Restaurant>().WithMany().HasForeignKey(x => x.RestaurantId);
        });
    }
}
