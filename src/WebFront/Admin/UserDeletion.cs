using FaceMask.WebFront.Storage;

namespace FaceMask.WebFront.Admin;

/// <summary>Deletes a user: their row and image rows at once, then every blob under their prefix.</summary>
public sealed class UserDeletion(IUserStore users, IBlobStore blobs, ILogger<UserDeletion> logger)
{
    /// <summary>The deleted user's name, or null when there was no such user.</summary>
    public async Task<string?> DeleteAsync(long userId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId, cancellationToken);
        if (user is null || !await users.DeleteAsync(userId, cancellationToken))
        {
            return null;
        }

        try
        {
            await blobs.DeletePrefixAsync(BlobKeys.UserPrefix(userId), CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "User {UserId} is deleted but some of their blobs were not", userId);
        }

        return user.Username;
    }
}
