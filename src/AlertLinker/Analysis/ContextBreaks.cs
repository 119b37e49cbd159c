namespace AlertLinker.Analysis;

/// <summary>
/// Where a trace's context broke at a queue or a background job: a consumer root without a parent (the trace starts at
/// the queue), a producer whose message no consumer in the trace took (it ends there), a job or cron root (it starts
/// fresh at the job). One pass over the spans; the first break of each kind is reported, with how many there are.
/// </summary>
internal static class ContextBreaks
{
    /// <summary>Attributes that say a root span is a background job or a scheduled run rather than a request.</summary>
    private static readonly string[] JobKeys = ["job.name", "job.id", "job.type", "cron", "cron.schedule", "faas.cron", "scheduler.job", "sidekiq.job_class", "celery.task_name", "hangfire.job.id", "quartz.job"];

    public static List<BrokenContextFinding> Detect(TraceIndex index, TimeSpan duration)
    {
        var found = new List<BrokenContextFinding>(2);
        int consumerRoots = 0, jobRoots = 0, lonelyProducers = 0;
        int firstConsumer = -1, firstJob = -1, firstProducer = -1;
        HashSet<string>? consumed = null;
        var anyConsumer = false;
        // One look at each span: consumers (and the destinations they took), producers; most spans are neither.
        List<int>? producers = null;
        for (var i = 0; i < index.Count; i++)
        {
            var span = index.Spans[i];
            // A root named no parent at all; an orphan's parent was dropped (sampling), which is a different story.
            var root = string.IsNullOrEmpty(span.ParentSpanId) || (index.Parent[i] < 0 && !index.IsOrphan[i]);
            if (IsConsumer(span))
            {
                anyConsumer = true;
                if (Destination(span) is { } destination)
                    (consumed ??= new HashSet<string>(StringComparer.Ordinal)).Add(destination);
                if (root && consumerRoots++ == 0)
                    firstConsumer = i;
            }
            else if (root && IsJob(span))
            {
                if (jobRoots++ == 0)
                    firstJob = i;
            }
            else if (IsProducer(span))
                (producers ??= []).Add(i);
        }
        foreach (var i in producers ?? [])
        {
            if (!Consumed(index.Spans[i], consumed, anyConsumer) && lonelyProducers++ == 0)
                firstProducer = i;
        }
        if (firstConsumer >= 0)
            found.Add(Finding(index.Spans[firstConsumer], ContextBreak.ConsumerRoot, consumerRoots, duration));
        if (firstProducer >= 0)
            found.Add(Finding(index.Spans[firstProducer], ContextBreak.ProducerWithoutConsumer, lonelyProducers, duration));
        if (firstJob >= 0)
            found.Add(new BrokenContextFinding(index.Spans[firstJob], ContextBreak.JobRoot, JobName(index.Spans[firstJob]), null, jobRoots, duration));
        return found;
    }

    private static BrokenContextFinding Finding(Span span, ContextBreak kind, int count, TimeSpan duration) =>
        new(span, kind, Destination(span), NonEmpty(span.Attribute("messaging.system")), count, duration);

    /// <summary>A consumer by its kind, or (no kind) by a messaging operation that receives or processes.</summary>
    private static bool IsConsumer(Span span) =>
        span.Kind == "consumer"
        || span.Kind is null or "internal" && IsMessaging(span) && MessagingOperation(span) is "receive" or "process" or "deliver";

    private static bool IsProducer(Span span) =>
        span.Kind == "producer"
        || span.Kind is null or "client" && IsMessaging(span) && MessagingOperation(span) is "publish" or "send" or "create";

    private static bool IsMessaging(Span span) =>
        span.Attributes.Count > 0 && NonEmpty(span.Attribute("messaging.system")) is not null || NonEmpty(span.Attribute("messaging.destination.name")) is not null;

    private static string? MessagingOperation(Span span) =>
        (NonEmpty(span.Attribute("messaging.operation.type")) ?? NonEmpty(span.Attribute("messaging.operation")))?.ToLowerInvariant();

    /// <summary>A consumer of the same destination is in the trace (or, when the producer names none, any consumer).</summary>
    private static bool Consumed(Span producer, HashSet<string>? consumed, bool anyConsumer) =>
        Destination(producer) is { } destination ? consumed?.Contains(destination) == true || (consumed is null && anyConsumer) : anyConsumer;

    /// <summary>A root that is not a request: a job attribute, or a function name on an internal root.</summary>
    private static bool IsJob(Span span)
    {
        if (span.Kind is "server" or "client" or "producer" or "consumer" || span.Attributes.Count == 0)
            return false;
        foreach (var key in JobKeys)
        {
            if (NonEmpty(span.Attribute(key)) is not null)
                return true;
        }
        return string.Equals(span.Attribute("faas.trigger"), "timer", StringComparison.OrdinalIgnoreCase)
            || NonEmpty(span.Attribute("code.function")) is not null || NonEmpty(span.Attribute("code.function.name")) is not null;
    }

    private static string? JobName(Span span) =>
        NonEmpty(span.Attribute("job.name")) ?? NonEmpty(span.Attribute("code.function.name")) ?? NonEmpty(span.Attribute("code.function"));

    public static string? Destination(Span span) =>
        NonEmpty(span.Attribute("messaging.destination.name")) ?? NonEmpty(span.Attribute("messaging.destination"))
        ?? NonEmpty(span.Attribute("messaging.kafka.topic")) ?? NonEmpty(span.Attribute("kafka.topic"));

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
