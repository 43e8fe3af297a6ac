using System.Net;

namespace FaceMask.IntegrationTests.Site;

[Collection(SiteCollection.Name)]
public sealed class ResultPageTests(SiteFactory site)
{
    [Fact]
    public async Task UploadedPhotoShowsBothImagesCountsFaceTableAndWorker()
    {
        using var browser = site.NewClient();
        await browser.RegisterNewUserAsync();
        var photo = await File.ReadAllBytesAsync(Path.Combine(Processes.Shared, "fixtures", "images", "maksssksksss0.png"), TestContext.Current.CancellationToken);

        var id = await browser.UploadOkAsync(photo, "street.png");
        var page = await browser.GetPageAsync($"/uploads/{id}");

        Assert.Contains($"src=\"/images/{id}/original\"", page);
        Assert.Contains($"src=\"/images/{id}/annotated\"", page);
        Assert.Contains("<strong id=\"num-faces\">3</strong>", page);
        Assert.Contains("<strong id=\"num-masked\" class=\"ok\">1</strong>", page);
        Assert.Contains("<strong id=\"num-unmasked\" class=\"bad\">2</strong>", page);
        Assert.Contains("<strong id=\"worker\">worker-1</strong>", page);
        Assert.Contains("Some faces masked", page);
        Assert.Contains("<code>187, 96, 227, 146</code>", page);
        Assert.Contains("98.1%", page);

        using var annotated = await browser.Http.GetAsync($"/images/{id}/annotated", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, annotated.StatusCode);
        Assert.Equal("image/jpeg", annotated.Content.Headers.ContentType?.MediaType);
    }
}
