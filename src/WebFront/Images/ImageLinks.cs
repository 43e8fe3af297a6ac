using FaceMask.WebFront.Storage;

namespace FaceMask.WebFront.Images;

public static class ImageLinks
{
    public static string Original(StoredImage image) => $"/images/{image.Id}/original";

    public static string Annotated(StoredImage image) => $"/images/{image.Id}/annotated";

    public static string Thumbnail(StoredImage image) => $"/images/{image.Id}/thumbnail";

    public static string Page(StoredImage image) => $"/uploads/{image.Id}";
}
