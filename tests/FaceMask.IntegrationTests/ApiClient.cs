using System.Net.Http.Headers;
using System.Text.Json;

namespace FaceMask.IntegrationTests;

public static class ApiClient
{
    public static MultipartFormDataContent PhotoForm(byte[] bytes, string fileName, string field = "file")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { content, field, fileName } };
    }

    /// <summary>A file part with an empty file name, as a browser sends it when no file was chosen.</summary>
    public static MultipartFormDataContent NoFileChosenForm()
    {
        var content = new ByteArrayContent([]);
        content.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileName = "\"\"" };
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var form = new MultipartFormDataContent();
        form.Add(content);
        return form;
    }

    public static async Task<(int Status, JsonElement Body)> PostAsync(HttpClient http, string path, HttpContent content)
    {
        using var response = await http.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        return ((int)response.StatusCode, doc.RootElement.Clone());
    }

    public static void AssertError(int expectedStatus, string expectedMessage, (int Status, JsonElement Body) reply)
    {
        Assert.Equal(expectedStatus, reply.Status);
        Assert.False(reply.Body.GetProperty("success").GetBoolean());
        var error = reply.Body.GetProperty("error");
        Assert.Equal(expectedStatus, error.GetProperty("code").GetInt32());
        Assert.Equal(expectedMessage, error.GetProperty("message").GetString());
    }
}
