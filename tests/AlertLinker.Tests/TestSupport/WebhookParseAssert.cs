namespace AlertLinker.Tests.TestSupport;

/// <summary>What a source's parser made of a body, asserted: a notification, or an error and no notification.</summary>
public static class WebhookParseAssert
{
    public static AlertNotification Accepted(WebhookParse parse)
    {
        Assert.True(parse.Notification is not null, parse.Error);
        return parse.Notification;
    }

    public static string Invalid(WebhookParse parse)
    {
        Assert.Null(parse.Notification);
        Assert.NotNull(parse.Error);
        return parse.Error;
    }
}
