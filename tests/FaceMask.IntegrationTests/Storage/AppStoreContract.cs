using FaceMask.WebFront.Storage;

namespace FaceMask.IntegrationTests.Storage;

/// <summary>The app stores of one backend, on a database of their own, migrated as at start-up.</summary>
public interface IAppStores : IAsyncLifetime
{
    IUserStore Users { get; }

    IImageStore Images { get; }

    ILoginThrottleStore Throttle { get; }
}

/// <summary>
/// What every app-data backend must do, run against each of them (SQLite always, MySQL with
/// Category=MySql): the same answers for the same calls, so the profiles are interchangeable.
/// </summary>
public abstract class AppStoreContract(IAppStores stores)
{
    private static readonly LoginThrottlePolicy Policy = new(3, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected IUserStore Users => stores.Users;

    protected IImageStore Images => stores.Images;

    protected ILoginThrottleStore Throttle => stores.Throttle;

    [Fact]
    public async Task CreatedUserIsFoundByNameInAnyCaseAndById()
    {
        var name = "Mixed" + Suffix();
        var created = await Users.CreateAsync(name, "hash-1", isAdmin: true, Cancel);

        Assert.NotNull(created);
        Assert.Equal(created, await Users.FindAsync(name.ToUpperInvariant(), Cancel));
        Assert.Equal(created, await Users.FindAsync(name.ToLowerInvariant(), Cancel));
        Assert.Equal(created, await Users.FindByIdAsync(created.Id, Cancel));
        Assert.Equal(name, created.Username);
        Assert.True(created.IsAdmin);
        Assert.Equal("hash-1", created.PasswordHash);
    }

    [Fact]
    public async Task CreatingANameTakenInAnotherCaseAnswersNullAndKeepsTheFirstUser()
    {
        var name = "taken" + Suffix();
        var first = await Users.CreateAsync(name, "hash-1", isAdmin: false, Cancel);

        Assert.Null(await Users.CreateAsync(name.ToUpperInvariant(), "hash-2", isAdmin: true, Cancel));
        Assert.Null(await Users.CreateAsync(name, "hash-3", isAdmin: false, Cancel));
        Assert.Equal(first, await Users.FindAsync(name, Cancel));
    }

    [Theory]
    [InlineData("bob", "bob ")]
    [InlineData("bob", "böb")]
    [InlineData("strasse", "straße")]
    [InlineData("resume", "résumé")]
    [InlineData("a", "\u0430")]
    public async Task NamesEqualOnlyUnderAnAccentPaddingOrUnicodeFoldingCollationAreDifferentUsers(string first, string second)
    {
        var suffix = Suffix();
        var a = await Users.CreateAsync(first + suffix, "h", isAdmin: false, Cancel);
        var b = await Users.CreateAsync(second + suffix, "h", isAdmin: false, Cancel);

        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(a.Id, (await Users.FindAsync(first + suffix, Cancel))?.Id);
        Assert.Equal(b.Id, (await Users.FindAsync(second + suffix, Cancel))?.Id);
    }

    [Fact]
    public async Task FourByteUnicodeNamesRoundTripAndFoldCase()
    {
        var suffix = Suffix();
        var name = "Zoë😀" + suffix;
        var created = await Users.CreateAsync(name, "h", isAdmin: false, Cancel);

        Assert.Equal(name, (await Users.FindAsync("ZOË😀" + suffix, Cancel))?.Username);
        Assert.Null(await Users.CreateAsync(name.ToUpperInvariant(), "h", isAdmin: false, Cancel));
        Assert.NotNull(created);
    }

    [Fact]
    public async Task RacingCreatesOfOneNameLeaveExactlyOneUser()
    {
        var name = "race" + Suffix();
        var variants = Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? name : name.ToUpperInvariant()).ToList();

        var results = await Task.WhenAll(variants.Select(v => Task.Run(() => Users.CreateAsync(v, "h", isAdmin: false, Cancel), Cancel)));

        var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(winner!.Id, (await Users.FindAsync(name, Cancel))?.Id);
    }

    [Fact]
    public async Task CreatedAtIsKeptToTheMillisecond()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var created = await Users.CreateAsync("time" + Suffix(), "h", isAdmin: false, Cancel);

        var found = await Users.FindByIdAsync(created!.Id, Cancel);
        Assert.Equal(created.CreatedAt, found!.CreatedAt);
        Assert.Equal(0, found.CreatedAt.Ticks % TimeSpan.TicksPerMillisecond);
        Assert.Equal(TimeSpan.Zero, found.CreatedAt.Offset);
        Assert.InRange(found.CreatedAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task SetPasswordChangesHashAndStampAndAnswersFalseForAnUnknownId()
    {
        var created = await Users.CreateAsync("pw" + Suffix(), "old", isAdmin: false, Cancel);

        Assert.True(await Users.SetPasswordAsync(created!.Id, "new", Cancel));
        var changed = await Users.FindByIdAsync(created.Id, Cancel);
        Assert.Equal("new", changed!.PasswordHash);
        Assert.NotEqual(created.SecurityStamp, changed.SecurityStamp);
        Assert.False(await Users.SetPasswordAsync(long.MaxValue, "x", Cancel));
    }

    [Fact]
    public async Task ListOrdersByLowerCasedNameAndCountsEachUsersImages()
    {
        var suffix = Suffix();
        var b = await Users.CreateAsync("b_list" + suffix, "h", isAdmin: false, Cancel);
        var a = await Users.CreateAsync("A_list" + suffix, "h", isAdmin: true, Cancel);
        var c = await Users.CreateAsync("c_list" + suffix, "h", isAdmin: false, Cancel);
        await Images.InsertAsync(Image(b!.Id), Cancel);
        await Images.InsertAsync(Image(b.Id), Cancel);
        await Images.InsertAsync(Image(c!.Id), Cancel);

        var mine = (await Users.ListAsync(Cancel)).Where(u => u.Username.EndsWith(suffix, StringComparison.Ordinal)).ToList();

        Assert.Equal([a!.Id, b.Id, c.Id], mine.Select(u => u.Id));
        Assert.Equal([0, 2, 1], mine.Select(u => u.ImageCount));
        Assert.Equal(new UserSummary(a.Id, a.Username, true, a.CreatedAt, 0), mine[0]);
    }

    [Fact]
    public async Task DeletingAUserDeletesTheirImageRows()
    {
        var user = await Users.CreateAsync("del" + Suffix(), "h", isAdmin: false, Cancel);
        var image = Image(user!.Id);
        await Images.InsertAsync(image, Cancel);

        Assert.True(await Users.DeleteAsync(user.Id, Cancel));

        Assert.Null(await Users.FindByIdAsync(user.Id, Cancel));
        Assert.Null(await Images.FindAsync(user.Id, image.Id, Cancel));
        Assert.Empty(await Images.ListAsync(user.Id, null, 0, 10, Cancel));
        Assert.False(await Users.DeleteAsync(user.Id, Cancel));
    }

    [Fact]
    public async Task InsertedImageRoundTripsEveryField()
    {
        var user = await NewUserAsync();
        var image = Image(user) with
        {
            FileName = "фото 😀 'quoted'.png",
            ContentType = "image/png",
            Detections = [new StoredFace("Mask", 0.9071, [1, 2, 30, 40]), new StoredFace("NoMask", 0.5, [5, 6, 70, 80])],
            NumFaces = 2,
            NumMasked = 1,
            NumUnmasked = 1,
            Category = ImageCategory.SomeMasked,
            DetectMs = 12.34,
            TotalMs = 56.78,
            Worker = "worker-7",
            CreatedAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1_234_567),
        };
        await Images.InsertAsync(image, Cancel);

        var found = await Images.FindAsync(user, image.Id, Cancel);

        Assert.NotNull(found);
        // Times are kept to the millisecond, truncated.
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 5, 6, 7, 123, TimeSpan.Zero), found.CreatedAt);
        Assert.Equal(image with { CreatedAt = found.CreatedAt, Detections = found.Detections }, found);
        Assert.Equal(image.Detections.Select(Describe), found.Detections.Select(Describe));
    }

    [Fact]
    public async Task AnotherUserCannotFindOrDeleteTheImage()
    {
        var owner = await NewUserAsync();
        var other = await NewUserAsync();
        var image = Image(owner);
        await Images.InsertAsync(image, Cancel);

        Assert.Null(await Images.FindAsync(other, image.Id, Cancel));
        Assert.False(await Images.DeleteAsync(other, image.Id, Cancel));
        Assert.NotNull(await Images.FindAsync(owner, image.Id, Cancel));
        Assert.True(await Images.DeleteAsync(owner, image.Id, Cancel));
        Assert.Null(await Images.FindAsync(owner, image.Id, Cancel));
        Assert.False(await Images.DeleteAsync(owner, image.Id, Cancel));
    }

    [Fact]
    public async Task ListIsNewestFirstWithTiesInIdOrderAndPages()
    {
        var user = await NewUserAsync();
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var images = new[]
        {
            Image(user, "b0000000000000000000000000000000", t),
            Image(user, "a0000000000000000000000000000000", t),
            Image(user, "c0000000000000000000000000000000", t.AddMilliseconds(1)),
            Image(user, "d0000000000000000000000000000000", t.AddMilliseconds(-1)),
            Image(user, "A0000000000000000000000000000000", t),
        };
        foreach (var image in images)
        {
            await Images.InsertAsync(image, Cancel);
        }

        string[] expected = ["c0000000000000000000000000000000", "A0000000000000000000000000000000", "a0000000000000000000000000000000", "b0000000000000000000000000000000", "d0000000000000000000000000000000"];
        Assert.Equal(expected, (await Images.ListAsync(user, null, 0, 10, Cancel)).Select(i => i.Id));
        Assert.Equal(expected[1..3], (await Images.ListAsync(user, null, 1, 2, Cancel)).Select(i => i.Id));
        Assert.Empty(await Images.ListAsync(user, null, 5, 2, Cancel));
    }

    [Fact]
    public async Task ListFiltersOneCategoryAndCountHasEveryCategory()
    {
        var user = await NewUserAsync();
        await Images.InsertAsync(Image(user) with { Category = ImageCategory.AllMasked }, Cancel);
        await Images.InsertAsync(Image(user) with { Category = ImageCategory.AllMasked }, Cancel);
        await Images.InsertAsync(Image(user) with { Category = ImageCategory.NoneMasked }, Cancel);

        Assert.Equal(2, (await Images.ListAsync(user, ImageCategory.AllMasked, 0, 10, Cancel)).Count);
        Assert.Single(await Images.ListAsync(user, ImageCategory.NoneMasked, 0, 10, Cancel));
        Assert.Empty(await Images.ListAsync(user, ImageCategory.SomeMasked, 0, 10, Cancel));
        var counts = await Images.CountAsync(user, Cancel);
        Assert.Equal(
            new Dictionary<ImageCategory, int>
            {
                [ImageCategory.NoFace] = 0,
                [ImageCategory.AllMasked] = 2,
                [ImageCategory.NoneMasked] = 1,
                [ImageCategory.SomeMasked] = 0,
            },
            counts);
    }

    [Fact]
    public async Task DeleteAllRemovesEveryRowItCounted()
    {
        await Images.InsertAsync(Image(await NewUserAsync()), Cancel);
        await Images.InsertAsync(Image(await NewUserAsync()), Cancel);
        var before = await Images.CountAllAsync(Cancel);

        Assert.True(before >= 2);
        Assert.Equal(before, await Images.DeleteAllAsync(Cancel));
        Assert.Equal(0, await Images.CountAllAsync(Cancel));
    }

    [Fact]
    public async Task AnImageOfAnUnknownUserOrARepeatedIdIsRefused()
    {
        var user = await NewUserAsync();
        var image = Image(user);
        await Images.InsertAsync(image, Cancel);

        await Assert.ThrowsAnyAsync<Exception>(() => Images.InsertAsync(image with { FileName = "again.png" }, Cancel));
        await Assert.ThrowsAnyAsync<Exception>(() => Images.InsertAsync(Image(long.MaxValue), Cancel));
        Assert.Equal("photo.jpg", (await Images.FindAsync(user, image.Id, Cancel))?.FileName);
    }

    [Fact]
    public async Task TheLastAllowedFailureLocksTheNameForTheLockout()
    {
        var name = "lock" + Suffix();
        var now = Now();

        Assert.Null(await Throttle.RecordFailureAsync(name, now, Policy, Cancel));
        Assert.Null(await Throttle.RecordFailureAsync(name, now.AddSeconds(1), Policy, Cancel));
        Assert.Null(await Throttle.LockedUntilAsync(name, now.AddSeconds(1), Cancel));
        var until = await Throttle.RecordFailureAsync(name, now.AddSeconds(2), Policy, Cancel);

        Assert.Equal(now.AddSeconds(32), until);
        Assert.Equal(until, await Throttle.LockedUntilAsync(name, now.AddSeconds(3), Cancel));
        Assert.Equal(until, await Throttle.LockedUntilAsync(name.ToUpperInvariant(), now.AddSeconds(3), Cancel));
        Assert.Null(await Throttle.LockedUntilAsync(name, now.AddSeconds(32), Cancel));
    }

    [Fact]
    public async Task AFailureWhileLockedChangesNothingAndAfterTheLockoutCountingStartsAgain()
    {
        var name = "again" + Suffix();
        var now = Now();
        for (var i = 0; i < 3; i++)
        {
            await Throttle.RecordFailureAsync(name, now, Policy, Cancel);
        }

        // Still locked, and no longer than before.
        Assert.Equal(now.AddSeconds(30), await Throttle.RecordFailureAsync(name, now.AddSeconds(10), Policy, Cancel));
        Assert.Equal(now.AddSeconds(30), await Throttle.LockedUntilAsync(name, now.AddSeconds(10), Cancel));

        Assert.Null(await Throttle.RecordFailureAsync(name, now.AddSeconds(31), Policy, Cancel));
        Assert.Null(await Throttle.RecordFailureAsync(name, now.AddSeconds(32), Policy, Cancel));
        Assert.Equal(now.AddSeconds(63), await Throttle.RecordFailureAsync(name, now.AddSeconds(33), Policy, Cancel));
    }

    [Fact]
    public async Task FailuresOlderThanTheWindowDoNotCount()
    {
        var name = "window" + Suffix();
        var now = Now();
        await Throttle.RecordFailureAsync(name, now, Policy, Cancel);
        await Throttle.RecordFailureAsync(name, now.AddSeconds(1), Policy, Cancel);

        Assert.Null(await Throttle.RecordFailureAsync(name, now.AddMinutes(2), Policy, Cancel));
        Assert.Null(await Throttle.RecordFailureAsync(name, now.AddMinutes(2).AddSeconds(1), Policy, Cancel));
        Assert.NotNull(await Throttle.RecordFailureAsync(name, now.AddMinutes(2).AddSeconds(2), Policy, Cancel));
    }

    [Fact]
    public async Task ResetForgetsTheFailuresOfTheNameInAnyCase()
    {
        var name = "reset" + Suffix();
        var now = Now();
        await Throttle.RecordFailureAsync(name, now, Policy, Cancel);
        await Throttle.RecordFailureAsync(name, now, Policy, Cancel);

        await Throttle.ResetAsync(name.ToUpperInvariant(), Cancel);

        Assert.Null(await Throttle.RecordFailureAsync(name, now, Policy, Cancel));
        Assert.Null(await Throttle.RecordFailureAsync(name, now, Policy, Cancel));
        Assert.NotNull(await Throttle.RecordFailureAsync(name, now, Policy, Cancel));
    }

    [Fact]
    public async Task RacingFailuresAreEachCountedOnce()
    {
        var name = "burst" + Suffix();
        var now = Now();
        var policy = new LoginThrottlePolicy(10, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Task.Run(() => Throttle.RecordFailureAsync(name, now, policy, Cancel), Cancel)));

        // A lost update would leave the count below 10 and nobody locked.
        Assert.Single(results, r => r is not null);
        Assert.Equal(now.AddMinutes(1), await Throttle.LockedUntilAsync(name, now, Cancel));
    }

    protected static string Suffix() => "_" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Whole milliseconds, as both backends keep times.</summary>
    private static DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    private async Task<long> NewUserAsync() => (await Users.CreateAsync("img" + Suffix(), "h", isAdmin: false, Cancel))!.Id;

    private static string Describe(StoredFace face) => $"{face.Label} {face.Score} {string.Join(',', face.Box)}";

    private static StoredImage Image(long userId, string? id = null, DateTimeOffset? createdAt = null)
    {
        id ??= Guid.NewGuid().ToString("N");
        var keys = BlobKeys.For(userId, id, "jpg");
        return new StoredImage(
            id, userId, "photo.jpg", "image/jpeg", 640, 480, 0, 0, 0, ImageCategory.NoFace, [],
            keys.Original, keys.Annotated, keys.Thumbnail, "worker-1", 1.5, 2.5,
            createdAt ?? DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
    }
}
