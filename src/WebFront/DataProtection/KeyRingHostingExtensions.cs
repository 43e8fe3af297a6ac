using Amazon.S3;
using FaceMask.WebFront.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace FaceMask.WebFront.DataProtection;

public static class KeyRingHostingExtensions
{
    /// <summary>The name every WebFront shares: keys of another application name would not decrypt our cookies.</summary>
    public const string ApplicationName = "FaceMask";

    /// <summary>
    /// The Data Protection key ring that signs and encrypts session cookies and antiforgery tokens, kept where
    /// Storage:KeyRing says (<see cref="StorageOptions.EffectiveKeyRing"/>): a cookie issued by one WebFront is
    /// then valid on every WebFront that shares the store.
    /// </summary>
    public static IServiceCollection AddFaceMaskKeyRing(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, sp) =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            switch (storage.EffectiveKeyRing)
            {
                case KeyRingStore.MySql:
                    o.XmlRepository = new MySqlXmlRepository(sp.GetRequiredService<MySqlDatabase>(), sp.GetRequiredService<TimeProvider>());
                    break;
                case KeyRingStore.S3:
                    o.XmlRepository = new S3XmlRepository(sp.GetRequiredService<IAmazonS3>(), storage.S3.Bucket!, storage.S3.Prefix);
                    break;
                case KeyRingStore.Machine:
                    // ASP.NET's default place for this OS user (~/.aspnet/DataProtection-Keys).
                    break;
                default:
                    throw new InvalidOperationException($"Storage:KeyRing {storage.KeyRing} is not supported.");
            }
        });
        return services;
    }
}
